// Legal holds win over every rule: a restriction of processing keeps all of the patron's records;
// current loans, open holds, unpaid fees, open invoices, a ward under 15, an organisation customer
// and a damage claim each keep an inactive patron. When the hold ends the next run purges, by
// itself; a ward or organisation erased in a run frees its guardian or responsible person in that
// run.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/retention/retention_fixture.hpp"

namespace patron::test {
namespace {

using std::chrono::days;
using std::chrono::minutes;

constexpr int kLongInactive = 400;

class RetentionHolds : public RetentionDbTest {
protected:
    /// Every rule at "1 year" (returned loans detached).
    static RetentionPolicy yearly() { return policy(every_rule("1 year")); }

    /// What the plan says `hold` keeps under `record`'s rule (the test fails when it is not
    /// listed there).
    static std::int64_t held(const RetentionReport& report, RecordClass record, LegalHold hold) {
        for (const auto& h : outcome(report, record).held) {
            if (h.hold == hold) return h.records;
        }
        ADD_FAILURE() << "no count of " << info(hold).name << " under " << info(record).name;
        return -1;
    }

    /// The plan's held counts of inactive_patrons as "hold:count" for the non-zero ones.
    static std::vector<std::string> holding(const RetentionReport& report) {
        std::vector<std::string> out;
        for (const auto& h : outcome(report, RecordClass::inactive_patrons).held) {
            if (h.records != 0) out.push_back(fmt::format("{}:{}", info(h.hold).name, h.records));
        }
        return out;
    }
};

TEST_F(RetentionHolds, ProcessingRestrictionKeepsEveryRecordOfThePatronUnderEveryRule) {
    clock_.set_today(kThen);
    const PopulatedRecords restricted = populate(2);
    const PopulatedRecords free = populate(3);
    clock_.set_today(kNow);
    // Both wards turned 15 meanwhile; they use their cards, so only the guardianships are due.
    use_card(restricted.ward);
    use_card(free.ward);
    restrict_processing(restricted.patron);
    auto expected = rows_naming(restricted.patron);
    // Expired web sessions hold nothing but a dead token: no hold reaches them.
    expected["web_sessions.patron_id"] = 0;

    const auto planned = plan_ok(yearly());
    using R = RecordClass;
    const std::vector<std::pair<RecordClass, std::int64_t>> held_by_restriction{
        {R::returned_loans, 1},  {R::closed_holds, 2},          {R::settled_fees, 3},
        {R::closed_invoices, 1}, {R::ended_loan_bans, 1},       {R::sent_messages, 1},
        {R::loan_history, 1},    {R::expired_guardianships, 1}, {R::inactive_patrons, 1},
    };
    for (const auto& [record, count] : held_by_restriction) {
        EXPECT_EQ(held(planned, record, LegalHold::processing_restriction), count)
            << info(record).name;
    }

    const auto report = run_ok(yearly());

    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 1);
    EXPECT_TRUE(exists(restricted.patron));
    EXPECT_EQ(rows_naming(restricted.patron), expected);
    EXPECT_TRUE(row_exists("holds", restricted.closed_hold));
    EXPECT_TRUE(row_exists("fees", restricted.paid_fee));
    EXPECT_TRUE(row_exists("invoices", restricted.cancelled_invoice));
    EXPECT_TRUE(row_exists("loan_bans", restricted.lifted_ban));
    EXPECT_TRUE(row_exists("messages", restricted.sent_message));
    EXPECT_TRUE(row_exists("loan_history", restricted.history_entry));
    EXPECT_EQ(column("loans", "patron_id", restricted.returned_loan),
              std::to_string(restricted.patron.value));
    // The same records of a patron without the restriction are gone, and so is the patron.
    EXPECT_FALSE(exists(free.patron));
    EXPECT_EQ(rows_naming(free.patron), nothing_left(free.patron));
    EXPECT_EQ(column("loans", "patron_id", free.returned_loan), "<null>");
    EXPECT_EQ(rows_where("guardianships", fmt::format("ward_id = {}", free.ward.value)), 0);
}

TEST_F(RetentionHolds, ProcessingRestrictionOfTheWardKeepsTheGuardianship) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(15, 1), 3, guardian);
    clock_.advance(days{400});
    use_card(guardian);
    use_card(ward);
    restrict_processing(ward);

    const auto report = run_ok(yearly());

    EXPECT_EQ(records(report, RecordClass::expired_guardianships), 0);
    EXPECT_EQ(rows("guardianships"), 1);
}

TEST_F(RetentionHolds, CurrentLoansKeepAnInactivePatronUntilReturned) {
    const PatronId p = add_adult(2);
    lend(p, "ITEM0001");
    make_inactive(p, kLongInactive);

    const auto planned = plan_ok(yearly());
    EXPECT_EQ(records(planned, RecordClass::inactive_patrons), 0);
    EXPECT_EQ(holding(planned), std::vector<std::string>{"current_loans:1"});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0);
    EXPECT_TRUE(exists(p));

    // Returned: the hold ends. The return is activity and opens a damage-claim window (see the
    // damage-claim test); a year on, neither keeps the patron.
    take_back("ITEM0001");
    clock_.advance(days{366});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 1);
    EXPECT_FALSE(exists(p));
}

TEST_F(RetentionHolds, UnpaidFeesKeepAnInactivePatronUntilPaid) {
    const PatronId p = add_adult(2);
    const Fee fee = charge(p, 500);
    make_inactive(p, kLongInactive);

    const auto planned = plan_ok(yearly());
    EXPECT_EQ(holding(planned), std::vector<std::string>{"unpaid_fees:1"});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0);
    EXPECT_TRUE(exists(p));

    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), fee.id)));
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 1);
    EXPECT_FALSE(exists(p));
}

TEST_F(RetentionHolds, OpenInvoicesKeepAnInactivePatronUntilClosed) {
    const PatronId p = add_adult(2);
    const Fee fee = charge(p, 500);
    const Caller billing = staff(Role::billing);
    auto invoice = circulation().create_invoice(billing, p);
    ASSERT_TRUE(Succeeded(invoice));
    make_inactive(p, kLongInactive);
    EXPECT_EQ(holding(plan_ok(yearly())),
              (std::vector<std::string>{"unpaid_fees:1", "open_invoices:1"}));

    // The invoice alone keeps the patron: its fee is settled while it stays open.
    sql(fmt::format("UPDATE fees SET cancelled_at = now(), cancelled_by = 'staff-1' WHERE id = {}",
                    fee.id.value));
    EXPECT_EQ(holding(plan_ok(yearly())), std::vector<std::string>{"open_invoices:1"});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0);
    EXPECT_TRUE(exists(p));

    sql(
        fmt::format("UPDATE invoices SET status = 'cancelled', closed_at = now(), closed_by = "
                    "'billing-1' WHERE id = {}",
                    invoice->id.value));
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 1);
    EXPECT_FALSE(exists(p));
    EXPECT_EQ(rows("invoices"), 0);
    EXPECT_EQ(rows("fees"), 0);
}

TEST_F(RetentionHolds, GuardianOfAWardUnder15IsKeptUntilTheWardTurns15) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(15, 3), 3, guardian);
    make_inactive(guardian, kLongInactive);

    EXPECT_EQ(holding(plan_ok(yearly())), std::vector<std::string>{"guardian_of_minor:1"});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0);
    clock_.advance(days{2});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0) << "still 14";
    EXPECT_TRUE(exists(guardian));

    clock_.advance(days{1});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 1);
    EXPECT_FALSE(exists(guardian));
    EXPECT_TRUE(exists(ward));
    EXPECT_EQ(rows("guardianships"), 0);
}

TEST_F(RetentionHolds, AWardErasedInARunFreesTheGuardianInTheSameRun) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(10), 3, guardian);
    // A second ward stays active: with it the guardian is still kept.
    const PatronId other_guardian = add_adult(4);
    const PatronId active_ward = add_ward(born_years_ago(10), 5, other_guardian);
    make_inactive(guardian, kLongInactive);
    make_inactive(ward, kLongInactive);
    make_inactive(other_guardian, kLongInactive);

    const auto report = run_ok(yearly());

    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 2);
    EXPECT_FALSE(exists(ward));
    EXPECT_FALSE(exists(guardian));
    EXPECT_TRUE(exists(other_guardian));
    EXPECT_TRUE(exists(active_ward));
    // Nothing more to do: the next run erases no one.
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0);
}

TEST_F(RetentionHolds, ResponsiblePersonIsKeptWhileTheOrganisationExists) {
    const PatronId person = add_adult(2);
    const PatronId organisation = add_organisation(3, person);
    make_inactive(person, kLongInactive);

    EXPECT_EQ(holding(plan_ok(yearly())), std::vector<std::string>{"responsible_person:1"});
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 0);
    EXPECT_TRUE(exists(person));

    // The organisation falls inactive: it goes first, and frees its responsible person in the
    // same run.
    make_inactive(organisation, kLongInactive);
    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 2);
    EXPECT_FALSE(exists(organisation));
    EXPECT_FALSE(exists(person));
    EXPECT_EQ(rows("organisation_contacts"), 0);
}

TEST_F(RetentionHolds, DamageClaimKeepsTheLastBorrowerOfAnItemForTheWindowOnly) {
    const PatronId earlier = add_adult(2);
    const PatronId last = add_adult(3);
    const PatronId outside = add_adult(4);
    const PatronId before_holder = add_adult(5);
    const PatronId holder = add_adult(6);
    // ITEM0001: lent to `earlier`, then to `last`, returned 15 days ago; the second return
    // detached the first loan. ITEM0002: lent to `outside`, returned 31 days ago, past the 30-day
    // window. ITEM0003: returned by `before_holder` 12 days ago and now on loan to `holder`, who
    // has not returned it: `before_holder` is still its last borrower.
    for (const PatronId p : {earlier, last, outside, before_holder}) {
        make_inactive(p, kLongInactive);
    }
    const auto earlier_loan = returned_loan(earlier, "ITEM0001", days{25}, days{22});
    const auto last_loan = returned_loan(last, "ITEM0001", days{20}, days{15});
    const auto outside_loan = returned_loan(outside, "ITEM0002", days{40}, days{31});
    const auto before_holder_loan = returned_loan(before_holder, "ITEM0003", days{14}, days{12});
    lend(holder, "ITEM0003");
    EXPECT_EQ(column("loans", "patron_id", earlier_loan), "<null>");
    // The plan detaches returns at once and erases after 10 days without activity (a return is
    // activity), so only the damage-claim window keeps anything here (`holder` borrowed today).
    const RetentionPolicy p = policy(rule(RecordClass::returned_loans, "0 days", "detach") +
                                         rule(RecordClass::inactive_patrons, "10 days"),
                                     "damage_claim_days = 30");

    const auto planned = plan_ok(p);
    EXPECT_EQ(records(planned, RecordClass::returned_loans), 1);
    EXPECT_EQ(held(planned, RecordClass::returned_loans, LegalHold::damage_claim), 2);
    EXPECT_EQ(records(planned, RecordClass::inactive_patrons), 2);
    EXPECT_EQ(holding(planned), std::vector<std::string>{"damage_claim:2"});

    const auto report = run_ok(p);
    EXPECT_EQ(records(report, RecordClass::returned_loans), 1);
    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 2);
    EXPECT_EQ(column("loans", "patron_id", earlier_loan), "<null>");
    EXPECT_EQ(column("loans", "patron_id", outside_loan), "<null>");
    EXPECT_EQ(column("loans", "patron_id", last_loan), std::to_string(last.value));
    EXPECT_EQ(column("loans", "patron_id", before_holder_loan),
              std::to_string(before_holder.value));
    EXPECT_FALSE(exists(earlier));
    EXPECT_FALSE(exists(outside));
    EXPECT_TRUE(exists(last));
    EXPECT_TRUE(exists(before_holder));
    EXPECT_TRUE(exists(holder));

    // The window closes 30 days after the return: the next run lets the borrower go, while the
    // window of the later return still keeps its borrower.
    clock_.advance(days{15} - minutes{1});
    EXPECT_EQ(records(run_ok(p), RecordClass::inactive_patrons), 0);
    clock_.advance(minutes{2});
    const auto later = run_ok(p);
    EXPECT_EQ(records(later, RecordClass::returned_loans), 1);
    EXPECT_EQ(records(later, RecordClass::inactive_patrons), 1);
    EXPECT_EQ(column("loans", "patron_id", last_loan), "<null>");
    EXPECT_FALSE(exists(last));
    EXPECT_TRUE(exists(before_holder));
    EXPECT_EQ(column("loans", "patron_id", before_holder_loan),
              std::to_string(before_holder.value));
    EXPECT_EQ(rows("loans"), 5);
}

// A return at the desk keeps the borrower as the item's last borrower: the damage-claim hold
// and the activity check of inactive_patrons both see it.
TEST_F(RetentionHolds, AReturnAtTheDeskKeepsTheBorrowerForTheDamageClaimWindow) {
    const PatronId p = add_adult(2);
    make_inactive(p, 4 * 366);
    const Loan loan = lend(p, "ITEM0001");
    take_back("ITEM0001");

    const auto report = run_ok(sample_policy());

    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 0);
    EXPECT_TRUE(exists(p));
    EXPECT_EQ(column("loans", "patron_id", loan.id.value), std::to_string(p.value));
}

// Holds placed or ready are outstanding: the patron is not inactive.
TEST_F(RetentionHolds, AnOpenHoldKeepsAnInactivePatron) {
    const PatronId p = add_adult(2);
    const Hold placed = hold(p, "ITEM0001");
    make_inactive(p, 4 * 366);

    EXPECT_EQ(records(run_ok(sample_policy()), RecordClass::inactive_patrons), 0);
    EXPECT_TRUE(exists(p));
    EXPECT_TRUE(row_exists("holds", placed.id.value));
}

TEST_F(RetentionHolds, AHoldOnOnePatronKeepsNoOtherPatron) {
    // Each hold names its patron alone: an inactive neighbour of a held patron goes.
    const PatronId held_patron = add_adult(2);
    lend(held_patron, "ITEM0001");
    charge(held_patron, 100);
    restrict_processing(held_patron);
    const PatronId neighbour = add_adult(3);
    make_inactive(held_patron, kLongInactive);
    make_inactive(neighbour, kLongInactive);

    EXPECT_EQ(records(run_ok(yearly()), RecordClass::inactive_patrons), 1);
    EXPECT_TRUE(exists(held_patron));
    EXPECT_FALSE(exists(neighbour));
}

}  // namespace
}  // namespace patron::test
