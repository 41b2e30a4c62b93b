// Loans through the Circulation service: checkout (loan rules by material type and patron
// category, the item recorded by barcode, conflicts, holds fulfilled, every borrowing block),
// renewal (from today, never shorter, limits and holds) and return (the patron kept only as the
// item's last borrower; a history entry only under a loan-history consent). Results, stored rows
// and audit entries are all checked; a refused call must leave every table as it was.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/circulation/circulation_fixture.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

using Blocks = std::vector<BorrowBlock>;

class CirculationLoansTest : public CirculationDbTest {
protected:
    /// Checkout of "B-1" refused as borrowing_blocked naming exactly `blocks`, writing nothing.
    void expect_checkout_blocked(PatronId id, const Blocks& blocks,
                                 const CirculationSettings& settings = {}) {
        const TableSnapshot stored = table_snapshot();
        const StorageSnapshot register_before = snapshot();
        const auto loan = circulation(settings).checkout(staff(), id, item("B-1"));
        EXPECT_TRUE(Refused(loan, ErrorCode::borrowing_blocked, "patron"));
        if (!loan) {
            EXPECT_EQ(loan.error().message, blocked_message(blocks));
        }
        EXPECT_EQ(table_snapshot(), stored);
        EXPECT_EQ(snapshot(), register_before);
    }

    [[nodiscard]] std::string loan_row(LoanId id) const {
        return sql_value(fmt::format(
            "SELECT coalesce(patron_id::text, '-') || '|' || to_char(due_on, 'YYYY-MM-DD') || '|' "
            "|| renewals || '|' || checked_out_by || '|' || coalesce(returned_by, '-') "
            "FROM loans WHERE id = {}",
            id.value));
    }
};

// Checkout.

TEST_F(CirculationLoansTest, CheckoutLendsForTheCatchAllPeriodAndAuditsWithoutItemData) {
    const PatronId id = add_adult(2);
    const long before = last_audit_id();

    const auto loan = circulation().checkout(staff(), id, item("B-1"));

    ASSERT_TRUE(Succeeded(loan));
    EXPECT_EQ(loan->patron, id);
    EXPECT_EQ(loan->item, item("B-1"));
    EXPECT_EQ(to_iso(loan->due_on), to_iso(days_from_today(28)));
    EXPECT_EQ(loan->renewals, 0);
    EXPECT_TRUE(loan->checked_out_at == clock_.now());
    EXPECT_EQ(loan_row(loan->id),
              fmt::format("{}|{}|0|staff-1|-", id.value, to_iso(days_from_today(28))));
    EXPECT_EQ(sql_value("SELECT barcode || '|' || title || '|' || material_type FROM items"),
              "B-1|Title B-1|book");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan.checkout", id, "{loans}")});
    EXPECT_EQ(audit_mentions("B-1"), 0);
}

TEST_F(CirculationLoansTest, MostSpecificLoanRuleDecidesTheDueDate) {
    add_rule("*", "child", 21);
    add_rule("dvd", "*", 7);
    add_rule("dvd", "child", 3);
    add_rule("cd", "home_service", 60);
    const PatronId adult = add_adult(2);
    const PatronId child = add_in_category(3, "child");

    struct Case {
        PatronId patron;
        const char* barcode;
        const char* material_type;
        int days;
    };
    for (const Case& c : {Case{adult, "B-1", "book", 28}, Case{adult, "D-1", "dvd", 7},
                          Case{child, "B-2", "book", 21}, Case{child, "D-2", "dvd", 3},
                          Case{child, "C-1", "cd", 21}}) {
        SCOPED_TRACE(fmt::format("{} for patron #{}", c.material_type, c.patron.value));
        const Loan loan = lend(c.patron, c.barcode, c.material_type);
        EXPECT_EQ(to_iso(loan.due_on), to_iso(days_from_today(c.days)));
    }
}

TEST_F(CirculationLoansTest, CategorySetAfterRegistrationDecidesLaterLoans) {
    add_rule("*", "home_service", 56);
    const PatronId id = add_adult(2);
    EXPECT_EQ(to_iso(lend(id, "B-1").due_on), to_iso(days_from_today(28)));

    Register reg(context());
    ASSERT_TRUE(Succeeded(reg.set_category(staff(), id, "home_service")));
    EXPECT_EQ(to_iso(lend(id, "B-2").due_on), to_iso(days_from_today(56)));
}

TEST_F(CirculationLoansTest, CheckoutUpdatesTheItemRecordedUnderTheBarcode) {
    add_rule("dvd", "*", 7);
    const PatronId id = add_adult(2);
    lend(id, "B-1");
    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "B-1")));

    const auto changed = Item::make("B-1", "Second edition", "dvd");
    ASSERT_TRUE(Succeeded(changed));
    const auto loan = circulation().checkout(staff(), id, *changed);

    ASSERT_TRUE(Succeeded(loan));
    EXPECT_EQ(to_iso(loan->due_on), to_iso(days_from_today(7))) << "the new material type's rule";
    EXPECT_EQ(sql_value("SELECT count(*) || '|' || min(title) || '|' || min(material_type) "
                        "FROM items"),
              "1|Second edition|dvd");
}

TEST_F(CirculationLoansTest, CheckoutOfAnItemOnLoanConflictsAndChangesNothing) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const Loan loan = lend(first, "B-1");
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    const auto retitled = Item::make("B-1", "Another title", "dvd");
    ASSERT_TRUE(Succeeded(retitled));

    EXPECT_TRUE(Refused(circulation().checkout(staff(), second, *retitled), ErrorCode::conflict,
                        "barcode"));
    EXPECT_TRUE(Refused(circulation().checkout(staff(), first, item("B-1")), ErrorCode::conflict,
                        "barcode"));

    // The item row keeps its title and type: the refused upsert was rolled back.
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
    EXPECT_EQ(loan_row(loan.id),
              fmt::format("{}|{}|0|staff-1|-", first.value, to_iso(days_from_today(28))));
}

TEST_F(CirculationLoansTest, CheckoutOfAnItemReadyForAnotherPatronConflicts) {
    const PatronId holder = add_adult(2);
    const PatronId other = add_adult(3);
    const Hold placed = hold(holder, "B-1");
    ASSERT_TRUE(Succeeded(circulation().hold_ready(staff(), placed.id)));
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    EXPECT_TRUE(Refused(circulation().checkout(staff(), other, item("B-1")), ErrorCode::conflict,
                        "barcode"));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationLoansTest, APlacedHoldOfAnotherPatronDoesNotStopCheckout) {
    const PatronId holder = add_adult(2);
    const PatronId other = add_adult(3);
    const Hold placed = hold(holder, "B-1");

    ASSERT_TRUE(Succeeded(circulation().checkout(staff(), other, item("B-1"))));
    EXPECT_EQ(column("holds", "status", placed.id.value), "placed");
}

TEST_F(CirculationLoansTest, CheckoutFulfilsThePatronsOwnHold) {
    const PatronId id = add_adult(2);
    const Hold placed = hold(id, "B-1");
    ASSERT_TRUE(Succeeded(circulation().hold_ready(staff(), placed.id)));
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().checkout(staff(), id, item("B-1"))));

    EXPECT_EQ(sql_value(fmt::format("SELECT status || '|' || closed_by || '|' || "
                                    "(closed_at IS NOT NULL) FROM holds WHERE id = {}",
                                    placed.id.value)),
              "fulfilled|staff-1|true");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan.checkout", id, "{loans,holds}")});
}

TEST_F(CirculationLoansTest, CheckoutForAnUnknownPatronIsNotFound) {
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    EXPECT_TRUE(Refused(circulation().checkout(staff(), PatronId{999999}, item("B-1")),
                        ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

// Borrowing blocks: each alone, then all together.

TEST_F(CirculationLoansTest, LoanBanInForceBlocksCheckout) {
    const PatronId id = add_adult(2);
    ASSERT_TRUE(Succeeded(circulation().set_loan_ban(staff(), id, "Items not returned",
                                                     clock_.today(), std::nullopt)));
    expect_checkout_blocked(id, {BorrowBlock::loan_ban});
}

TEST_F(CirculationLoansTest, FeesOverTheLimitBlockCheckout) {
    const PatronId id = add_adult(2);
    charge(id, 1001);
    expect_checkout_blocked(id, {BorrowBlock::excessive_fees});
}

TEST_F(CirculationLoansTest, LockedCardBlocksCheckoutUntilTheLockEnds) {
    const PatronId id = add_adult_with_pin(2);
    lock_card(2);
    expect_checkout_blocked(id, {BorrowBlock::card_locked});

    clock_.advance(std::chrono::minutes(15) + std::chrono::seconds(1));
    EXPECT_TRUE(Succeeded(circulation().checkout(staff(), id, item("B-1"))));
}

TEST_F(CirculationLoansTest, RestrictionOfProcessingBlocksCheckout) {
    const PatronId id = add_adult(2);
    restrict_processing(id);
    expect_checkout_blocked(id, {BorrowBlock::processing_restricted});
}

TEST_F(CirculationLoansTest, WardWithoutGuardianConsentMayNotBorrow) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(9), 3, guardian, /*consent=*/false);
    expect_checkout_blocked(ward, {BorrowBlock::guardian_consent_missing});
}

TEST_F(CirculationLoansTest, ExpiredCardBlocksCheckout) {
    PatronForm form = person_form(card_for(2), hetu_for(kAdultBirth, 2));
    form.card_expires_on = to_iso(days_from_today(-1));
    const PatronId id = add(form);
    expect_checkout_blocked(id, {BorrowBlock::card_expired});
}

TEST_F(CirculationLoansTest, EveryBlockThatAppliesIsNamedInOrder) {
    const PatronId guardian = add_adult(2);
    PatronForm form = person_form(card_for(3), hetu_for(born_years_ago(9), 3));
    form.guardian = guardian;
    form.card_expires_on = to_iso(days_from_today(-1));
    const PatronId ward = add(form);
    set_pin(ward, kPin);
    ASSERT_TRUE(Succeeded(
        circulation().set_loan_ban(staff(), ward, "Damaged items", clock_.today(), std::nullopt)));
    charge(ward, 1001);
    restrict_processing(ward);
    lock_card(3);

    expect_checkout_blocked(
        ward, {BorrowBlock::loan_ban, BorrowBlock::excessive_fees, BorrowBlock::card_locked,
               BorrowBlock::processing_restricted, BorrowBlock::guardian_consent_missing,
               BorrowBlock::card_expired});
}

TEST_F(CirculationLoansTest, ItemMakeNamesTheFieldOfEachInvalidInput) {
    struct Case {
        std::string barcode;
        std::string title;
        std::string material_type;
        const char* field;
    };
    const std::vector<Case> cases{
        {"", "T", "book", "barcode"},
        {std::string(33, '1'), "T", "book", "barcode"},
        {"B 1", "T", "book", "barcode"},
        {"B/1", "T", "book", "barcode"},
        {"K\xc3\xa4-1", "T", "book", "barcode"},
        {"B-1", "", "book", "title"},
        {"B-1", "   ", "book", "title"},
        {"B-1", std::string(501, 'x'), "book", "title"},
        {"B-1", "line\x01break", "book", "title"},
        {"B-1", "bad \xff utf-8", "book", "title"},
        {"B-1", "T", "", "material_type"},
        {"B-1", "T", "Book", "material_type"},
        {"B-1", "T", "1book", "material_type"},
        {"B-1", "T", "e-book", "material_type"},
        {"B-1", "T", "*", "material_type"},
        {"B-1", "T", std::string(33, 'a'), "material_type"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(fmt::format("expected refusal on {}", c.field));
        EXPECT_TRUE(Refused(Item::make(c.barcode, c.title, c.material_type),
                            ErrorCode::invalid_input, c.field));
    }
    // The limits themselves are accepted.
    EXPECT_TRUE(
        Succeeded(Item::make(std::string(32, '9'), std::string(500, 'x'), std::string(32, 'a'))));
    EXPECT_TRUE(Succeeded(Item::make("A.b_c-9", "Kirj\xc3\xa4", "e_book2")));
}

// Renewal.

TEST_F(CirculationLoansTest, RenewalRunsFromTodayAndIsCountedAndAudited) {
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "B-1");
    clock_.advance(std::chrono::days(20));
    const long before = last_audit_id();

    const auto renewed = circulation().renew(staff(), loan.id);

    ASSERT_TRUE(Succeeded(renewed));
    EXPECT_EQ(to_iso(renewed->due_on), to_iso(days_from_today(28)));
    EXPECT_EQ(renewed->renewals, 1);
    EXPECT_EQ(loan_row(loan.id),
              fmt::format("{}|{}|1|staff-1|-", id.value, to_iso(days_from_today(28))));
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan.renew", id, "{loans}")});
}

TEST_F(CirculationLoansTest, RenewingEarlyNeverShortensTheLoan) {
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "B-1");
    add_rule("book", "*", 7);  // shorter than the 28 days the loan was given

    const auto same_day = circulation().renew(staff(), loan.id);
    ASSERT_TRUE(Succeeded(same_day));
    EXPECT_EQ(to_iso(same_day->due_on), to_iso(loan.due_on));
    EXPECT_EQ(same_day->renewals, 1);

    clock_.advance(std::chrono::days(25));
    const auto later = circulation().renew(staff(), loan.id);
    ASSERT_TRUE(Succeeded(later));
    EXPECT_EQ(to_iso(later->due_on), to_iso(days_from_today(7)));
    EXPECT_EQ(loan_row(loan.id),
              fmt::format("{}|{}|2|staff-1|-", id.value, to_iso(days_from_today(7))));
}

TEST_F(CirculationLoansTest, RenewalLimitOfTheRuleIsNotRenewable) {
    sql("UPDATE loan_rules SET max_renewals = 2");
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "B-1");
    ASSERT_TRUE(Succeeded(circulation().renew(staff(), loan.id)));
    ASSERT_TRUE(Succeeded(circulation().renew(staff(), loan.id)));
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    EXPECT_TRUE(Refused(circulation().renew(staff(), loan.id), ErrorCode::not_renewable, "loan"));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationLoansTest, AnOpenHoldOnTheItemStopsRenewalUntilCancelled) {
    const PatronId borrower = add_adult(2);
    const PatronId waiting = add_adult(3);
    const Loan loan = lend(borrower, "B-1");
    const Hold queued = hold(waiting, "B-1");
    const TableSnapshot stored = table_snapshot();

    EXPECT_TRUE(Refused(circulation().renew(staff(), loan.id), ErrorCode::not_renewable, "loan"));
    EXPECT_EQ(table_snapshot(), stored);

    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), queued.id)));
    EXPECT_TRUE(Succeeded(circulation().renew(staff(), loan.id)));
}

TEST_F(CirculationLoansTest, BlockedPatronMayNotRenew) {
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "B-1");
    ASSERT_TRUE(Succeeded(
        circulation().set_loan_ban(staff(), id, "Unpaid damages", clock_.today(), std::nullopt)));
    restrict_processing(id);
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    const auto renewed = circulation().renew(staff(), loan.id);
    ASSERT_TRUE(Refused(renewed, ErrorCode::borrowing_blocked, "patron"));
    EXPECT_EQ(renewed.error().message,
              blocked_message({BorrowBlock::loan_ban, BorrowBlock::processing_restricted}));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationLoansTest, RenewingAnUnknownOrReturnedLoanIsNotFound) {
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "B-1");
    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "B-1")));
    const long audits = audit_count();

    EXPECT_TRUE(Refused(circulation().renew(staff(), loan.id), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(circulation().renew(staff(), LoanId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(audit_count(), audits);
}

// Return.

TEST_F(CirculationLoansTest, ReturnKeepsThePatronOnlyAsTheLastBorrowerAndDropsPendingNotices) {
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "RET-1");
    // A reminder already sent and an overdue notice still waiting, both about this loan.
    sql(fmt::format(
        "INSERT INTO messages (patron_id, kind, channel, loan_id, created_at, status, sent_at) "
        "VALUES ({0}, 'due_date_reminder', 'email', {1}, now(), 'sent', now()), "
        "({0}, 'overdue_notice', 'sms', {1}, now(), 'pending', NULL)",
        id.value, loan.id.value));
    clock_.advance(std::chrono::days(3));
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "RET-1")));

    // The item's last borrower stays linked for damage claims until retention detaches them.
    EXPECT_EQ(loan_row(loan.id),
              fmt::format("{}|{}|0|staff-1|staff-1", id.value, to_iso(loan.due_on)));
    EXPECT_EQ(column("loans", "returned_at IS NOT NULL", loan.id.value), "true");
    EXPECT_EQ(
        count(fmt::format("SELECT count(*) FROM loans WHERE patron_id = {} AND returned_at IS NULL",
                          id.value)),
        0);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE loan_id IS NOT NULL"), 0);
    EXPECT_EQ(sql_value("SELECT string_agg(kind || ':' || status, ',') FROM messages"),
              "due_date_reminder:sent")
        << "the pending notice is dropped, the sent one kept without its loan";
    EXPECT_EQ(rows("loan_history"), 0);
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan.return", id, "{loans}")});
    EXPECT_EQ(audit_mentions("RET-1"), 0);

    const PatronId next = add_adult(3);
    EXPECT_TRUE(Succeeded(circulation().checkout(staff(), next, item("RET-1"))))
        << "the returned item can be lent again";
}

TEST_F(CirculationLoansTest, ReturnUnderALoanHistoryConsentKeepsAHistoryEntry) {
    const PatronId id = add_in_category(2, "home_service");
    grant_loan_history(id);
    const Loan loan = lend(id, "RET-1", "audiobook");
    clock_.advance(std::chrono::days(3));
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "RET-1")));

    EXPECT_EQ(sql_value("SELECT patron_id || '|' || barcode || '|' || title || '|' || "
                        "material_type || '|' || (returned_at - checked_out_at)::text "
                        "FROM loan_history"),
              fmt::format("{}|RET-1|Title RET-1|audiobook|3 days", id.value));
    EXPECT_EQ(sql_value(fmt::format("SELECT (h.checked_out_at = l.checked_out_at)::text FROM "
                                    "loan_history h, loans l WHERE l.id = {}",
                                    loan.id.value)),
              "true");
    EXPECT_EQ(column("loans", "patron_id", loan.id.value), std::to_string(id.value))
        << "the item's last borrower, until retention detaches them";
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan.return", id, "{loans,loan_history}")});
    EXPECT_EQ(audit_mentions("RET-1"), 0);
}

TEST_F(CirculationLoansTest, ReturningAnItemNotOnLoanIsNotFoundOnBarcode) {
    const PatronId id = add_adult(2);
    lend(id, "B-1");
    ASSERT_TRUE(Succeeded(circulation().return_item(staff(), "B-1")));
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    EXPECT_TRUE(
        Refused(circulation().return_item(staff(), "B-1"), ErrorCode::not_found, "barcode"));
    EXPECT_TRUE(
        Refused(circulation().return_item(staff(), "NEVER-SEEN"), ErrorCode::not_found, "barcode"));
    EXPECT_TRUE(
        Refused(circulation().return_item(staff(), "B 1"), ErrorCode::invalid_input, "barcode"));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

}  // namespace
}  // namespace patron::test
