// Fees and invoices through the Circulation service: charging (amount and description limits,
// the item by barcode), paying and cancelling, the fee limit that stops borrowing, and invoices
// that group unpaid fees (numbering, due date, paying, cancelling and re-invoicing).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/circulation/circulation_fixture.hpp"

namespace patron::test {
namespace {

class CirculationFeesTest : public CirculationDbTest {
protected:
    static Caller billing() { return staff(Role::billing); }

    /// "paid_by|cancelled_by|invoice_id" of a fee ("-" for NULL).
    [[nodiscard]] std::string fee_state(FeeId id) const {
        return sql_value(
            fmt::format("SELECT coalesce(paid_by, '-') || '|' || "
                        "coalesce(cancelled_by, '-') || '|' || "
                        "coalesce(invoice_id::text, '-') FROM fees WHERE id = {}",
                        id.value));
    }

    /// "status|closed_by" of an invoice.
    [[nodiscard]] std::string invoice_state(InvoiceId id) const {
        return sql_value(fmt::format(
            "SELECT status || '|' || coalesce(closed_by, '-') FROM invoices WHERE id = {}",
            id.value));
    }

    Invoice invoice_for(PatronId patron, const CirculationSettings& settings = {}) {
        auto invoice = circulation(settings).create_invoice(billing(), patron);
        EXPECT_TRUE(Succeeded(invoice));
        return invoice.value();
    }

    static std::vector<std::int64_t> fee_ids(const std::vector<FeeId>& fees) {
        std::vector<std::int64_t> out;
        for (const FeeId id : fees) out.push_back(id.value);
        return out;
    }
};

// Charging.

TEST_F(CirculationFeesTest, ChargeRecordsTheFeeForAKnownItemAndAuditsIt) {
    const PatronId id = add_adult(2);
    lend(id, "F-1");
    const long before = last_audit_id();

    const auto fee = circulation().charge_fee(staff(), id, FeeKind::damaged, 1250, "  Torn cover  ",
                                              std::string("F-1"));

    ASSERT_TRUE(Succeeded(fee));
    EXPECT_EQ(fee->patron, id);
    EXPECT_EQ(fee->kind, FeeKind::damaged);
    EXPECT_EQ(fee->amount_cents, 1250);
    EXPECT_EQ(fee->description, "Torn cover");
    EXPECT_EQ(fee->barcode, std::optional<std::string>("F-1"));
    EXPECT_TRUE(fee->created_at == clock_.now());
    EXPECT_FALSE(fee->paid_at || fee->cancelled_at || fee->invoice);
    EXPECT_EQ(sql_value(fmt::format(
                  "SELECT f.patron_id || '|' || f.kind || '|' || f.amount_cents || '|' || "
                  "f.description || '|' || f.created_by || '|' || i.barcode FROM fees f "
                  "JOIN items i ON i.id = f.item_id WHERE f.id = {}",
                  fee->id.value)),
              fmt::format("{}|damaged|1250|Torn cover|staff-1|F-1", id.value));
    EXPECT_EQ(fee_state(fee->id), "-|-|-");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("fee.charge", id, "{fees}")});
    EXPECT_EQ(audit_mentions("Torn cover"), 0);
}

TEST_F(CirculationFeesTest, FeeWithoutItemOrDescriptionIsStoredWithNulls) {
    const PatronId id = add_adult(2);
    for (const char* description : {"", "   "}) {
        const auto fee =
            circulation().charge_fee(staff(), id, FeeKind::hold_not_picked_up, 100, description);
        ASSERT_TRUE(Succeeded(fee));
        EXPECT_EQ(fee->description, "");
        EXPECT_FALSE(fee->barcode);
        EXPECT_EQ(column("fees",
                         "coalesce(description, '-') || '|' || coalesce(item_id::text, "
                         "'-') || '|' || kind",
                         fee->id.value),
                  "-|-|hold_not_picked_up");
    }
}

TEST_F(CirculationFeesTest, AmountMustBeOneCentToAMillionEuros) {
    const PatronId id = add_adult(2);
    for (const std::int64_t cents : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{100000001}}) {
        SCOPED_TRACE(cents);
        EXPECT_TRUE(Refused(circulation().charge_fee(staff(), id, FeeKind::other, cents, "x"),
                            ErrorCode::invalid_input, "amount_cents"));
    }
    EXPECT_EQ(rows("fees"), 0);

    for (const std::int64_t cents : {std::int64_t{1}, std::int64_t{100000000}}) {
        SCOPED_TRACE(cents);
        const auto fee = circulation().charge_fee(staff(), id, FeeKind::lost, cents, "x");
        ASSERT_TRUE(Succeeded(fee));
        EXPECT_EQ(column("fees", "amount_cents", fee->id.value), std::to_string(cents));
    }
}

TEST_F(CirculationFeesTest, DescriptionMustBeAtMost500BytesOfPrintableUtf8) {
    const PatronId id = add_adult(2);
    const long audits = audit_count();
    for (const std::string& bad : {std::string(501, 'x'), std::string("Torn\x01page"),
                                   std::string("Torn\x7fpage"), std::string("Torn\xc2\x9bpage"),
                                   std::string("Torn \xff page"), std::string("line\nbreak")}) {
        EXPECT_TRUE(Refused(circulation().charge_fee(staff(), id, FeeKind::other, 100, bad),
                            ErrorCode::invalid_input, "description"));
    }
    EXPECT_EQ(rows("fees"), 0);
    EXPECT_EQ(audit_count(), audits);

    const auto longest =
        circulation().charge_fee(staff(), id, FeeKind::other, 100, std::string(500, 'x'));
    ASSERT_TRUE(Succeeded(longest));
    EXPECT_EQ(column("fees", "octet_length(description)", longest->id.value), "500");
}

TEST_F(CirculationFeesTest, FeeForAnUnknownItemOrPatronIsNotFound) {
    const PatronId id = add_adult(2);
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    EXPECT_TRUE(Refused(
        circulation().charge_fee(staff(), id, FeeKind::lost, 100, "x", std::string("NO-SUCH-ITEM")),
        ErrorCode::not_found, "barcode"));
    EXPECT_TRUE(
        Refused(circulation().charge_fee(staff(), id, FeeKind::lost, 100, "x", std::string("F 1")),
                ErrorCode::invalid_input, "barcode"));
    EXPECT_TRUE(
        Refused(circulation().charge_fee(staff(), PatronId{999999}, FeeKind::lost, 100, "x"),
                ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

// Settling.

TEST_F(CirculationFeesTest, PayingAFeeStampsItAndASecondSettlementConflicts) {
    const PatronId id = add_adult(2);
    const Fee fee = charge(id, 500);
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), fee.id)));
    EXPECT_EQ(fee_state(fee.id), "staff-1|-|-");
    EXPECT_EQ(column("fees", "paid_at IS NOT NULL", fee.id.value), "true");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("fee.settle", id, "{fees}")});

    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    EXPECT_TRUE(Refused(circulation().pay_fee(staff(), fee.id), ErrorCode::conflict, "fee"));
    EXPECT_TRUE(Refused(circulation().cancel_fee(staff(), fee.id), ErrorCode::conflict, "fee"));
    EXPECT_TRUE(Refused(circulation().pay_fee(staff(), FeeId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationFeesTest, CancellingAFeeStampsItAndASecondSettlementConflicts) {
    const PatronId id = add_adult(2);
    const Fee fee = charge(id, 500);
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().cancel_fee(staff(Role::billing), fee.id)));
    EXPECT_EQ(fee_state(fee.id), "-|staff-1|-");
    EXPECT_EQ(audit_after(before), std::vector<std::string>{audit_line("fee.settle", id, "{fees}",
                                                                       "staff-1", "billing")});

    const TableSnapshot stored = table_snapshot();
    EXPECT_TRUE(Refused(circulation().cancel_fee(staff(), fee.id), ErrorCode::conflict, "fee"));
    EXPECT_TRUE(Refused(circulation().pay_fee(staff(), fee.id), ErrorCode::conflict, "fee"));
    EXPECT_EQ(table_snapshot(), stored);
}

TEST_F(CirculationFeesTest, AFeeOnAnOpenInvoiceIsSettledThroughTheInvoice) {
    const PatronId id = add_adult(2);
    const Fee fee = charge(id, 500);
    invoice_for(id);
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    EXPECT_TRUE(Refused(circulation().pay_fee(staff(), fee.id), ErrorCode::conflict, "fee"));
    EXPECT_TRUE(Refused(circulation().cancel_fee(staff(), fee.id), ErrorCode::conflict, "fee"));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationFeesTest, UnpaidFeesOverTheConfiguredLimitStopBorrowing) {
    const CirculationSettings settings{.fee_limit_cents = 500};
    const PatronId id = add_adult(2);
    charge(id, 300);
    charge(id, 200);
    const Fee cancelled = charge(id, 5000);
    ASSERT_TRUE(Succeeded(circulation().cancel_fee(staff(), cancelled.id)));
    EXPECT_TRUE(Succeeded(circulation(settings).checkout(staff(), id, item("F-1"))))
        << "exactly at the limit";

    const Fee cent = charge(id, 1);
    const auto blocked = circulation(settings).checkout(staff(), id, item("F-2"));
    ASSERT_TRUE(Refused(blocked, ErrorCode::borrowing_blocked, "patron"));
    EXPECT_EQ(blocked.error().message, blocked_message({BorrowBlock::excessive_fees}));
    EXPECT_TRUE(Succeeded(circulation().checkout(staff(), id, item("F-2"))))
        << "under the default limit of 10 euros";
    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "F-2")));

    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), cent.id)));
    EXPECT_TRUE(Succeeded(circulation(settings).checkout(staff(), id, item("F-2"))));
}

// Invoices.

TEST_F(CirculationFeesTest, InvoiceGroupsTheUnpaidUninvoicedFees) {
    const PatronId id = add_adult(2);
    const Fee first = charge(id, 300);
    const Fee second = charge(id, 700);
    const Fee paid = charge(id, 200);
    const Fee cancelled = charge(id, 100);
    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), paid.id)));
    ASSERT_TRUE(Succeeded(circulation().cancel_fee(staff(), cancelled.id)));
    const PatronId other = add_adult(3);
    const Fee others = charge(other, 900);
    const long before = last_audit_id();

    const auto invoice =
        circulation(CirculationSettings{.invoice_due_days = 30}).create_invoice(billing(), id);

    ASSERT_TRUE(Succeeded(invoice));
    EXPECT_EQ(invoice->patron, id);
    EXPECT_EQ(invoice->number, "2026-000001");
    EXPECT_EQ(to_iso(invoice->issued_on), to_iso(clock_.today()));
    EXPECT_EQ(to_iso(invoice->due_on), to_iso(days_from_today(30)));
    EXPECT_EQ(invoice->total_cents, 1000);
    EXPECT_EQ(invoice->status, InvoiceStatus::open);
    EXPECT_EQ(fee_ids(invoice->fees), (std::vector<std::int64_t>{first.id.value, second.id.value}));
    EXPECT_EQ(sql_value(fmt::format("SELECT patron_id || '|' || number || '|' || "
                                    "to_char(issued_on, 'YYYY-MM-DD') || '|' || "
                                    "to_char(due_on, 'YYYY-MM-DD') || '|' || total_cents || '|' "
                                    "|| status || '|' || created_by FROM invoices WHERE id = {}",
                                    invoice->id.value)),
              fmt::format("{}|2026-000001|{}|{}|1000|open|staff-1", id.value,
                          to_iso(clock_.today()), to_iso(days_from_today(30))));
    const std::string on_invoice = fmt::format("-|-|{}", invoice->id.value);
    EXPECT_EQ(fee_state(first.id), on_invoice);
    EXPECT_EQ(fee_state(second.id), on_invoice);
    EXPECT_EQ(fee_state(paid.id), "staff-1|-|-");
    EXPECT_EQ(fee_state(cancelled.id), "-|staff-1|-");
    EXPECT_EQ(fee_state(others.id), "-|-|-");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{
                  audit_line("invoice.handle", id, "{invoices,fees}", "staff-1", "billing")});
}

TEST_F(CirculationFeesTest, NothingToInvoiceIsRefusedOnPatronAndUsesNoNumber) {
    const PatronId id = add_adult(2);
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    EXPECT_TRUE(
        Refused(circulation().create_invoice(billing(), id), ErrorCode::invalid_input, "patron"));
    EXPECT_TRUE(Refused(circulation().create_invoice(billing(), PatronId{999999}),
                        ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);

    charge(id, 100);
    EXPECT_EQ(invoice_for(id).number, "2026-000001");
    // Every fee is invoiced now.
    EXPECT_TRUE(
        Refused(circulation().create_invoice(billing(), id), ErrorCode::invalid_input, "patron"));
    charge(id, 100);
    EXPECT_EQ(invoice_for(id).number, "2026-000002") << "refused attempts leave no gaps";
}

TEST_F(CirculationFeesTest, InvoiceNumberCarriesTheYearOfIssue) {
    const PatronId id = add_adult(2);
    charge(id, 100);
    EXPECT_EQ(invoice_for(id).number, "2026-000001");
    clock_.set_today(Date{std::chrono::year{2027} / 1 / 2});
    charge(id, 100);
    EXPECT_EQ(invoice_for(id).number, "2027-000002");
}

TEST_F(CirculationFeesTest, PayingAnInvoicePaysItsFeesAndClosesIt) {
    const PatronId id = add_adult(2);
    const Fee first = charge(id, 300);
    const Fee second = charge(id, 700);
    const Invoice invoice = invoice_for(id);
    const Fee later = charge(id, 50);
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().pay_invoice(billing(), invoice.id)));

    EXPECT_EQ(invoice_state(invoice.id), "paid|staff-1");
    const std::string paid = fmt::format("staff-1|-|{}", invoice.id.value);
    EXPECT_EQ(fee_state(first.id), paid);
    EXPECT_EQ(fee_state(second.id), paid);
    EXPECT_EQ(fee_state(later.id), "-|-|-") << "charged after the invoice: not on it";
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{
                  audit_line("invoice.handle", id, "{invoices,fees}", "staff-1", "billing")});

    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    EXPECT_TRUE(
        Refused(circulation().pay_invoice(billing(), invoice.id), ErrorCode::conflict, "invoice"));
    EXPECT_TRUE(Refused(circulation().cancel_invoice(billing(), invoice.id), ErrorCode::conflict,
                        "invoice"));
    EXPECT_TRUE(Refused(circulation().pay_fee(staff(), first.id), ErrorCode::conflict, "fee"));
    EXPECT_TRUE(
        Refused(circulation().pay_invoice(billing(), InvoiceId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationFeesTest, CancellingAnInvoiceReleasesItsFeesForANewInvoice) {
    const PatronId id = add_adult(2);
    const Fee first = charge(id, 300);
    const Fee second = charge(id, 700);
    const Invoice invoice = invoice_for(id);

    ASSERT_TRUE(Succeeded(circulation().cancel_invoice(billing(), invoice.id)));

    EXPECT_EQ(invoice_state(invoice.id), "cancelled|staff-1");
    EXPECT_EQ(fee_state(first.id), "-|-|-");
    EXPECT_EQ(fee_state(second.id), "-|-|-");
    EXPECT_TRUE(Refused(circulation().cancel_invoice(billing(), invoice.id), ErrorCode::conflict,
                        "invoice"));
    EXPECT_TRUE(
        Refused(circulation().pay_invoice(billing(), invoice.id), ErrorCode::conflict, "invoice"));

    const Invoice again = invoice_for(id);
    EXPECT_EQ(again.total_cents, 1000);
    EXPECT_EQ(again.number, "2026-000002");
    EXPECT_EQ(fee_ids(again.fees), (std::vector<std::int64_t>{first.id.value, second.id.value}));
    ASSERT_TRUE(Succeeded(circulation().cancel_invoice(billing(), again.id)));
    EXPECT_TRUE(Succeeded(circulation().pay_fee(staff(), first.id)))
        << "a released fee is settled directly";
}

}  // namespace
}  // namespace patron::test
