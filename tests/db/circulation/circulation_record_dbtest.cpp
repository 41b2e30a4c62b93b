// Reading circulation: the whole current record (what is listed, what is left out, in which
// order) and the summary a desk or kiosk shows (counts, totals, blocks); both reads are audited.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/circulation/circulation_fixture.hpp"

namespace patron::test {
namespace {

class CirculationRecordTest : public CirculationDbTest {
protected:
    static std::vector<std::string> barcodes(const std::vector<Loan>& loans) {
        std::vector<std::string> out;
        for (const Loan& loan : loans) out.push_back(loan.item.barcode());
        return out;
    }
    static std::vector<std::string> barcodes(const std::vector<Hold>& holds) {
        std::vector<std::string> out;
        for (const Hold& h : holds) out.push_back(h.item.barcode());
        return out;
    }
    template <class Record>
    static std::vector<std::int64_t> ids_of(const std::vector<Record>& records) {
        std::vector<std::int64_t> out;
        for (const Record& r : records) out.push_back(r.id.value);
        return out;
    }

    LoanBan ban(PatronId patron, int starts_in, std::optional<int> ends_in = std::nullopt) {
        auto set = circulation().set_loan_ban(
            staff(), patron, "Late returns", days_from_today(starts_in),
            ends_in ? std::optional(days_from_today(*ends_in)) : std::nullopt);
        EXPECT_TRUE(Succeeded(set));
        return set.value();
    }

    Invoice invoice_for(PatronId patron) {
        auto invoice = circulation().create_invoice(staff(Role::billing), patron);
        EXPECT_TRUE(Succeeded(invoice));
        return invoice.value();
    }
};

TEST_F(CirculationRecordTest, RecordListsCurrentCirculationOnlyInItsOrder) {
    add_rule("dvd", "*", 7);
    const PatronId id = add_adult(2);
    const PatronId other = add_adult(3);
    lend(id, "L-BOOK");
    lend(id, "L-DVD", "dvd");
    lend(id, "L-GONE");
    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "L-GONE")));
    lend(other, "L-OTHER");

    const Hold older = hold(id, "H-OLD");
    clock_.advance(std::chrono::hours(1));
    const Hold newer = hold(id, "H-NEW");
    ASSERT_TRUE(Succeeded(circulation().hold_ready(staff(), newer.id)));
    const Hold cancelled = hold(id, "H-GONE");
    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), cancelled.id)));

    const Fee invoiced = charge(id, 100);
    const Invoice open = invoice_for(id);
    const Fee paid = charge(id, 250);
    const Invoice settled = invoice_for(id);
    ASSERT_TRUE(Succeeded(circulation().pay_invoice(staff(Role::billing), settled.id)));
    const Fee unpaid = charge(id, 40);
    EXPECT_EQ(paid.amount_cents, 250);

    const LoanBan lifted = ban(id, -3);
    ASSERT_TRUE(Succeeded(circulation().lift_loan_ban(staff(), lifted.id)));
    ban(id, -5, -1);  // ended yesterday
    const LoanBan future = ban(id, 5);
    const LoanBan current = ban(id, -3, 3);

    sql(
        fmt::format("INSERT INTO messages (patron_id, kind, channel, created_at, status, sent_at) "
                    "VALUES ({0}, 'hold_ready', 'letter', now() - interval '1 day', 'sent', now()),"
                    " ({0}, 'due_date_reminder', 'email', now(), 'pending', NULL)",
                    id.value));
    const long before = last_audit_id();

    const auto record = circulation().record(staff(), id);

    ASSERT_TRUE(Succeeded(record));
    EXPECT_EQ(barcodes(record->loans), (std::vector<std::string>{"L-DVD", "L-BOOK"}))
        << "current loans by due date";
    EXPECT_EQ(barcodes(record->holds), (std::vector<std::string>{"H-OLD", "H-NEW"}));
    ASSERT_EQ(record->holds.size(), 2U);
    EXPECT_EQ(record->holds[0].status, HoldStatus::placed);
    EXPECT_EQ(record->holds[1].status, HoldStatus::ready);
    EXPECT_EQ(record->holds[0].id, older.id);
    EXPECT_EQ(ids_of(record->fees), (std::vector<std::int64_t>{invoiced.id.value, unpaid.id.value}))
        << "unpaid fees, invoiced or not";
    ASSERT_EQ(record->fees.size(), 2U);
    EXPECT_EQ(record->fees[0].invoice, std::optional<InvoiceId>(open.id));
    EXPECT_EQ(ids_of(record->invoices), std::vector<std::int64_t>{open.id.value});
    EXPECT_EQ(ids_of(record->loan_bans),
              (std::vector<std::int64_t>{current.id.value, future.id.value}))
        << "bans not lifted and not ended, by start";
    ASSERT_EQ(record->messages.size(), 2U);
    EXPECT_EQ(record->messages[0].kind, MessageKind::due_date_reminder) << "newest first";
    EXPECT_EQ(record->messages[1].kind, MessageKind::hold_ready);
    EXPECT_EQ(record->messages[1].status, MessageStatus::sent);

    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line(
                  "circulation.read", id, "{loans,holds,fees,invoices,loan_bans,messages}")});
}

TEST_F(CirculationRecordTest, SummaryCountsLoansHoldsFeesAndInvoices) {
    add_rule("dvd", "*", 7);
    add_rule("cd", "*", 10);
    const PatronId id = add_adult(2);
    lend(id, "L-BOOK");
    lend(id, "L-DVD", "dvd");
    lend(id, "L-CD", "cd");
    clock_.advance(std::chrono::days(10));
    lend(id, "L-NEW");

    hold(id, "H-1");
    hold(id, "H-2");
    const Hold ready = hold(id, "H-3");
    ASSERT_TRUE(Succeeded(circulation().hold_ready(staff(), ready.id)));
    const Hold cancelled = hold(id, "H-4");
    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), cancelled.id)));

    charge(id, 300);
    invoice_for(id);
    charge(id, 250);
    ASSERT_TRUE(Succeeded(circulation().pay_invoice(staff(Role::billing), invoice_for(id).id)));
    charge(id, 40);
    const long before = last_audit_id();

    const auto summary = circulation().summary(staff(), id);

    ASSERT_TRUE(Succeeded(summary));
    EXPECT_EQ(summary->loans, 4);
    EXPECT_EQ(summary->overdue_loans, 1) << "the dvd; the cd is due today";
    EXPECT_EQ(summary->holds_placed, 2);
    EXPECT_EQ(summary->holds_ready, 1);
    EXPECT_EQ(summary->unpaid_fees_cents, 340);
    EXPECT_EQ(summary->open_invoices, 1);
    EXPECT_EQ(summary->open_invoices_cents, 300);
    EXPECT_FALSE(summary->loan_ban);
    EXPECT_TRUE(summary->may_borrow);
    EXPECT_TRUE(summary->blocks.empty());
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("circulation.summary", id, "{}")});
}

TEST_F(CirculationRecordTest, SummaryOfAPatronWithNothingHasZerosAndMayBorrow) {
    const PatronId id = add_adult(2);
    const auto summary = circulation().summary(staff(), id);
    ASSERT_TRUE(Succeeded(summary));
    EXPECT_EQ(summary->loans + summary->overdue_loans + summary->holds_placed +
                  summary->holds_ready + summary->open_invoices,
              0);
    EXPECT_EQ(summary->unpaid_fees_cents + summary->open_invoices_cents, 0);
    EXPECT_TRUE(summary->may_borrow);

    const auto record = circulation().record(staff(), id);
    ASSERT_TRUE(Succeeded(record));
    EXPECT_TRUE(record->loans.empty() && record->holds.empty() && record->fees.empty() &&
                record->invoices.empty() && record->loan_bans.empty() && record->messages.empty());
}

TEST_F(CirculationRecordTest, SummaryNamesEveryBlockAndMayNotBorrow) {
    PatronForm form = person_form(card_for(2), hetu_for(kAdultBirth, 2));
    form.card_expires_on = to_iso(days_from_today(-1));
    const PatronId id = add(form);
    set_pin(id, kPin);
    ban(id, 0);
    charge(id, 600);
    lock_card(2);

    const auto summary =
        circulation(CirculationSettings{.fee_limit_cents = 500}).summary(staff(), id);

    ASSERT_TRUE(Succeeded(summary));
    EXPECT_TRUE(summary->loan_ban);
    EXPECT_FALSE(summary->may_borrow);
    EXPECT_EQ(summary->blocks,
              (std::vector<BorrowBlock>{BorrowBlock::loan_ban, BorrowBlock::excessive_fees,
                                        BorrowBlock::card_locked, BorrowBlock::card_expired}));
    EXPECT_EQ(summary->unpaid_fees_cents, 600);
}

TEST_F(CirculationRecordTest, ReadingAnUnknownPatronIsNotFoundAndNotAudited) {
    const long audits = audit_count();
    EXPECT_TRUE(Refused(circulation().record(staff(), PatronId{999999}), ErrorCode::not_found, ""));
    EXPECT_TRUE(
        Refused(circulation().summary(staff(), PatronId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(audit_count(), audits);
}

}  // namespace
}  // namespace patron::test
