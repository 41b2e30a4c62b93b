// Every rule of the policy: for each record class a record just past its period goes (deleted, or
// for returned loans under "detach" unlinked from the borrower) and one just inside it stays;
// records the rule does not describe (open, unpaid, in force, pending) stay whatever their age;
// and no rule touches another class's records.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "db/retention/retention_fixture.hpp"

namespace patron::test {
namespace {

using std::chrono::days;
using std::chrono::minutes;

// The tests' rules are "10 days": records are aged to a minute either side of the cutoff.
constexpr minutes kPast = days{10} + minutes{1};
constexpr minutes kInside = days{10} - minutes{1};
constexpr minutes kLongAgo = days{400};

class RetentionRules : public RetentionDbTest {
protected:
    /// A run of the one rule `record` at "10 days" with `action`; the report.
    RetentionReport run_rule(RecordClass record, std::string_view action = "erase",
                             std::string_view settings = "") {
        return run_ok(policy(rule(record, "10 days", action), settings));
    }

    /// The snapshot's tables but `table` (and the audit log, which every run writes to) are as
    /// `before`.
    void expect_only_changed(const TableSnapshot& before, std::string_view table) {
        EXPECT_EQ(without(table_snapshot(), {table, "audit_log"}),
                  without(before, {table, "audit_log"}));
    }

    /// Ids of `n` hold-ready notices of `patron` (items N-<i>), generated and not yet claimed.
    std::vector<std::int64_t> notices(PatronId patron, int n) {
        for (int i = 1; i <= n; ++i) ready_hold(patron, fmt::format("N-{}", i));
        EXPECT_TRUE(Succeeded(MessageOutbox(context(), settings_).generate(staff())));
        std::vector<std::int64_t> ids;
        for (const auto& row : sql(fmt::format(
                 "SELECT id FROM messages WHERE patron_id = {} ORDER BY id", patron.value))) {
            ids.push_back(std::stoll(row[0]));
        }
        EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
        return ids;
    }
};

TEST_F(RetentionRules, ReturnedLoansAreDetachedJustPastTheirPeriod) {
    const PatronId p = add_adult(2);
    const auto past = returned_loan(p, "ITEM0001", days{20}, kPast);
    const auto inside = returned_loan(p, "ITEM0002", days{20}, kInside);
    const Loan current = lend(p, "ITEM0003");
    age("loans", "checked_out_at", current.id.value, kLongAgo);
    // An item returned twice: its earlier loan lost its borrower at the second return, so it is
    // not counted again.
    const auto unlinked = returned_loan(p, "ITEM0004", kLongAgo, kLongAgo - days{1});
    const auto again = returned_loan(p, "ITEM0004", days{20}, kInside);
    ASSERT_EQ(column("loans", "patron_id", unlinked), "<null>");
    const auto before = table_snapshot();

    // No damage-claim window: the last borrower of each item is not kept for it here.
    const auto report = run_rule(RecordClass::returned_loans, "detach", "damage_claim_days = 0");

    EXPECT_EQ(records(report, RecordClass::returned_loans), 1);
    EXPECT_EQ(rows("loans"), 5);
    EXPECT_EQ(column("loans", "patron_id", past), "<null>");
    EXPECT_EQ(column("loans", "returned_at IS NOT NULL", past), "true");
    for (const auto kept : {inside, again, current.id.value}) {
        EXPECT_EQ(column("loans", "patron_id", kept), std::to_string(p.value)) << "loan " << kept;
    }
    expect_only_changed(before, "loans");
}

TEST_F(RetentionRules, ReturnedLoansAreDeletedJustPastTheirPeriodWhenThePlanSaysErase) {
    const PatronId p = add_adult(2);
    const auto past = returned_loan(p, "ITEM0001", days{20}, kPast);
    const auto inside = returned_loan(p, "ITEM0002", days{20}, kInside);
    const Loan current = lend(p, "ITEM0003");
    age("loans", "checked_out_at", current.id.value, kLongAgo);
    // ITEM0004 returned twice: the earlier loan is unlinked, the later one inside the period.
    const auto unlinked = returned_loan(p, "ITEM0004", days{30}, days{25});
    const auto again = returned_loan(p, "ITEM0004", days{20}, kInside);
    ASSERT_EQ(column("loans", "patron_id", unlinked), "<null>");
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::returned_loans, "erase", "damage_claim_days = 0");

    // Erasing goes by the return date alone: a loan already unlinked goes too.
    EXPECT_EQ(records(report, RecordClass::returned_loans), 2);
    EXPECT_FALSE(row_exists("loans", past));
    EXPECT_FALSE(row_exists("loans", unlinked));
    for (const auto kept : {inside, again, current.id.value}) {
        EXPECT_TRUE(row_exists("loans", kept)) << "loan " << kept;
    }
    expect_only_changed(before, "loans");
}

TEST_F(RetentionRules, ClosedHoldsAreDeletedJustPastTheirPeriod) {
    const PatronId p = add_adult(2);
    const Hold past = hold(p, "ITEM0001");
    const Hold inside = hold(p, "ITEM0002");
    const Hold open = hold(p, "ITEM0003");
    for (const Hold& h : {past, inside}) {
        ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), h.id)));
    }
    age("holds", "closed_at", past.id.value, kPast);
    age("holds", "closed_at", inside.id.value, kInside);
    age("holds", "placed_at", open.id.value, kLongAgo);
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::closed_holds);

    EXPECT_EQ(records(report, RecordClass::closed_holds), 1);
    EXPECT_FALSE(row_exists("holds", past.id.value));
    EXPECT_TRUE(row_exists("holds", inside.id.value));
    EXPECT_TRUE(row_exists("holds", open.id.value));
    expect_only_changed(before, "holds");
}

TEST_F(RetentionRules, MonthsCountCalendarMonthsToTheLastDayOfAShorterMonth) {
    // 31 March less one month is 28 February (2026 is no leap year): noon then is the cutoff.
    clock_.set_today(Date{std::chrono::year{2026} / 3 / 31});
    const PatronId p = add_adult(2);
    const Hold past = hold(p, "ITEM0001");
    const Hold inside = hold(p, "ITEM0002");
    for (const Hold& h : {past, inside}) {
        ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), h.id)));
    }
    age("holds", "closed_at", past.id.value, days{31} + minutes{1});
    age("holds", "closed_at", inside.id.value, days{31} - minutes{1});

    const auto report = run_ok(policy(rule(RecordClass::closed_holds, "1 month")));

    EXPECT_EQ(records(report, RecordClass::closed_holds), 1);
    EXPECT_FALSE(row_exists("holds", past.id.value));
    EXPECT_TRUE(row_exists("holds", inside.id.value));
}

TEST_F(RetentionRules, SettledFeesPaidOrCancelledAreDeletedJustPastTheirPeriod) {
    const PatronId p = add_adult(2);
    const Fee paid_past = charge(p, 100);
    const Fee cancelled_past = charge(p, 200);
    const Fee paid_inside = charge(p, 300);
    const Fee unpaid = charge(p, 400);
    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), paid_past.id)));
    ASSERT_TRUE(Succeeded(circulation().cancel_fee(staff(), cancelled_past.id)));
    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), paid_inside.id)));
    age("fees", "paid_at", paid_past.id.value, kPast);
    age("fees", "cancelled_at", cancelled_past.id.value, kPast);
    age("fees", "paid_at", paid_inside.id.value, kInside);
    age("fees", "created_at", unpaid.id.value, kLongAgo);
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::settled_fees);

    EXPECT_EQ(records(report, RecordClass::settled_fees), 2);
    EXPECT_FALSE(row_exists("fees", paid_past.id.value));
    EXPECT_FALSE(row_exists("fees", cancelled_past.id.value));
    EXPECT_TRUE(row_exists("fees", paid_inside.id.value));
    EXPECT_TRUE(row_exists("fees", unpaid.id.value));
    expect_only_changed(before, "fees");
}

TEST_F(RetentionRules, ClosedInvoicesGoJustPastTheirPeriodOnceNoFeeRefersToThem) {
    const PatronId p = add_adult(2);
    const Caller billing = staff(Role::billing);
    const auto invoice = [&] {
        auto made = circulation().create_invoice(billing, p);
        EXPECT_TRUE(Succeeded(made));
        return made.value_or(Invoice{}).id;
    };
    // Paid: its fee is paid with it and still refers to it.
    const Fee invoiced = charge(p, 100);
    const InvoiceId paid = invoice();
    ASSERT_TRUE(Succeeded(circulation().pay_invoice(billing, paid)));
    // Cancelled twice: the fee leaves each invoice, so neither has a fee on it.
    const Fee dropped = charge(p, 200);
    const InvoiceId cancelled_past = invoice();
    ASSERT_TRUE(Succeeded(circulation().cancel_invoice(billing, cancelled_past)));
    const InvoiceId cancelled_inside = invoice();
    ASSERT_TRUE(Succeeded(circulation().cancel_invoice(billing, cancelled_inside)));
    ASSERT_TRUE(Succeeded(circulation().cancel_fee(staff(), dropped.id)));
    charge(p, 300);
    const InvoiceId open = invoice();
    age("invoices", "closed_at", paid.value, kPast);
    age("invoices", "closed_at", cancelled_past.value, kPast);
    age("invoices", "closed_at", cancelled_inside.value, kInside);
    age("invoices", "created_at", open.value, kLongAgo);
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::closed_invoices);

    EXPECT_EQ(records(report, RecordClass::closed_invoices), 1);
    EXPECT_FALSE(row_exists("invoices", cancelled_past.value));
    EXPECT_TRUE(row_exists("invoices", paid.value)) << "a fee still refers to it";
    EXPECT_TRUE(row_exists("invoices", cancelled_inside.value));
    EXPECT_TRUE(row_exists("invoices", open.value));
    expect_only_changed(before, "invoices");

    // Once its fee is purged (the fees' rule runs first), the paid invoice goes in the same run.
    age("fees", "paid_at", invoiced.id.value, kPast);
    const auto both = run_ok(policy(rule(RecordClass::settled_fees, "10 days") +
                                    rule(RecordClass::closed_invoices, "10 days")));
    EXPECT_EQ(records(both, RecordClass::settled_fees), 1);
    EXPECT_EQ(records(both, RecordClass::closed_invoices), 1);
    EXPECT_FALSE(row_exists("fees", invoiced.id.value));
    EXPECT_FALSE(row_exists("invoices", paid.value));
    EXPECT_TRUE(row_exists("invoices", cancelled_inside.value));
}

TEST_F(RetentionRules, LoanBansEndedByLiftingOrByTheirEndDateGoJustPastTheirPeriod) {
    const PatronId p = add_adult(2);
    const auto ban = [&](int starts, std::optional<int> ends) {
        auto made = circulation().set_loan_ban(
            staff(), p, "test", days_from_today(starts),
            ends ? std::optional<Date>(days_from_today(*ends)) : std::nullopt);
        EXPECT_TRUE(Succeeded(made));
        return made.value_or(LoanBan{}).id;
    };
    const LoanBanId lifted_past = ban(-30, std::nullopt);
    const LoanBanId lifted_inside = ban(-30, std::nullopt);
    for (const LoanBanId id : {lifted_past, lifted_inside}) {
        ASSERT_TRUE(Succeeded(circulation().lift_loan_ban(staff(), id)));
    }
    age("loan_bans", "lifted_at", lifted_past.value, kPast);
    age("loan_bans", "lifted_at", lifted_inside.value, kInside);
    // Ended by date: the last day of the ban 11 days ago is past the cutoff, 10 days ago is not.
    const LoanBanId ended_past = ban(-30, -11);
    const LoanBanId ended_inside = ban(-30, -10);
    const LoanBanId in_force = ban(-400, std::nullopt);
    const LoanBanId ends_later = ban(-400, 5);
    age("loan_bans", "set_at", in_force.value, kLongAgo);
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::ended_loan_bans);

    EXPECT_EQ(records(report, RecordClass::ended_loan_bans), 2);
    EXPECT_FALSE(row_exists("loan_bans", lifted_past.value));
    EXPECT_FALSE(row_exists("loan_bans", ended_past.value));
    for (const LoanBanId kept : {lifted_inside, ended_inside, in_force, ends_later}) {
        EXPECT_TRUE(row_exists("loan_bans", kept.value)) << "ban " << kept.value;
    }
    expect_only_changed(before, "loan_bans");
}

TEST_F(RetentionRules, SentAndFailedMessagesGoJustPastTheirPeriodPendingOnesStay) {
    const PatronId p = add_adult(2);
    const auto ids = notices(p, 5);
    const std::int64_t sent_past = ids[0], sent_inside = ids[1], failed_past = ids[2],
                       failed_inside = ids[3], pending = ids[4];
    MessageOutbox outbox(context(), settings_);
    // Every claim hands out all five; two are sent, two fail for good, one is left pending.
    for (int attempt = 1; attempt <= MessageOutbox::max_attempts; ++attempt) {
        auto claimed = outbox.claim(staff(), 100);
        ASSERT_TRUE(Succeeded(claimed));
        for (const auto& m : *claimed) {
            if (m.id.value == sent_past || m.id.value == sent_inside) {
                ASSERT_TRUE(Succeeded(outbox.mark_sent(staff(), m.id)));
            } else if (m.id.value == failed_past || m.id.value == failed_inside) {
                ASSERT_TRUE(Succeeded(outbox.mark_failed(staff(), m.id)));
            }
        }
        clock_.advance(minutes{11});  // past the claims' lease
    }
    ASSERT_EQ(column("messages", "status", failed_past), "failed");
    ASSERT_EQ(column("messages", "status", pending), "pending");
    age("messages", "sent_at", sent_past, kPast);
    age("messages", "sent_at", sent_inside, kInside);
    // A message given up on counts from its creation.
    age("messages", "created_at", failed_past, kPast);
    age("messages", "created_at", failed_inside, kInside);
    age("messages", "created_at", pending, kLongAgo);
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::sent_messages);

    EXPECT_EQ(records(report, RecordClass::sent_messages), 2);
    EXPECT_FALSE(row_exists("messages", sent_past));
    EXPECT_FALSE(row_exists("messages", failed_past));
    for (const auto kept : {sent_inside, failed_inside, pending}) {
        EXPECT_TRUE(row_exists("messages", kept)) << "message " << kept;
    }
    expect_only_changed(before, "messages");
}

TEST_F(RetentionRules, LoanHistoryGoesByReturnDateJustPastItsPeriod) {
    const PatronId p = add_adult(2);
    ASSERT_TRUE(Succeeded(LoanHistory(context()).grant_consent(staff(Role::home_service), p,
                                                               ConsentMethod::written)));
    for (const std::string barcode : {"ITEM0001", "ITEM0002"}) {
        lend(p, barcode);
        take_back(barcode);
    }
    const auto entries =
        sql(fmt::format("SELECT id FROM loan_history WHERE patron_id = {} ORDER BY id", p.value));
    ASSERT_EQ(entries.size(), 2u);
    const std::int64_t past = std::stoll(entries[0][0]), inside = std::stoll(entries[1][0]);
    age("loan_history", "returned_at", past, kPast);
    age("loan_history", "returned_at", inside, kInside);
    // The checkout date does not count: an entry checked out long ago but returned recently stays.
    age("loan_history", "checked_out_at", inside, kLongAgo);
    const auto before = table_snapshot();

    const auto report = run_rule(RecordClass::loan_history);

    EXPECT_EQ(records(report, RecordClass::loan_history), 1);
    EXPECT_FALSE(row_exists("loan_history", past));
    EXPECT_TRUE(row_exists("loan_history", inside));
    EXPECT_EQ(rows("loan_history_consents"), 1);
    expect_only_changed(before, "loan_history");
}

TEST_F(RetentionRules, GuardianshipGoesOnTheWardsFifteenthBirthdayNotTheDayBefore) {
    const PatronId guardian = add_adult(2);
    const PatronId turns_tomorrow = add_ward(born_years_ago(15, 1), 3, guardian);
    const PatronId turns_later = add_ward(born_years_ago(15, 2), 4, guardian);
    const RetentionPolicy p = policy(rule(RecordClass::expired_guardianships, "0 days"));

    EXPECT_EQ(records(run_ok(p), RecordClass::expired_guardianships), 0);
    EXPECT_EQ(rows("guardianships"), 2);

    clock_.advance(days{1});
    const auto before = table_snapshot();
    EXPECT_EQ(records(run_ok(p), RecordClass::expired_guardianships), 1);
    EXPECT_EQ(rows_where("guardianships", fmt::format("ward_id = {}", turns_tomorrow.value)), 0);
    EXPECT_EQ(rows_where("guardianships", fmt::format("ward_id = {}", turns_later.value)), 1);
    EXPECT_TRUE(exists(turns_tomorrow));
    EXPECT_TRUE(exists(guardian));
    expect_only_changed(before, "guardianships");
}

TEST_F(RetentionRules, GuardianshipOfAWardBornOnALeapDayGoesOnFebruary28) {
    clock_.set_today(Date{std::chrono::year{2027} / 2 / 27});
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(Date{std::chrono::year{2012} / 2 / 29}, 3, guardian);
    const RetentionPolicy p = policy(rule(RecordClass::expired_guardianships, "0 days"));

    EXPECT_EQ(records(run_ok(p), RecordClass::expired_guardianships), 0);
    clock_.set_today(Date{std::chrono::year{2027} / 2 / 28});
    EXPECT_EQ(records(run_ok(p), RecordClass::expired_guardianships), 1);
    EXPECT_EQ(rows_where("guardianships", fmt::format("ward_id = {}", ward.value)), 0);
}

TEST_F(RetentionRules, GuardianshipPeriodCountsFromTheFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const PatronId past = add_ward(born_years_ago(15, 1), 3, guardian);
    const PatronId inside = add_ward(born_years_ago(15, 2), 4, guardian);
    // The wards turned 15 ten and nine days ago: "10 days" is over for the first only.
    clock_.advance(days{11});

    const auto report = run_rule(RecordClass::expired_guardianships);

    EXPECT_EQ(records(report, RecordClass::expired_guardianships), 1);
    EXPECT_EQ(rows_where("guardianships", fmt::format("ward_id = {}", past.value)), 0);
    EXPECT_EQ(rows_where("guardianships", fmt::format("ward_id = {}", inside.value)), 1);
}

TEST_F(RetentionRules, ExpiredWebSessionsGoJustPastTheirPeriod) {
    const PatronId past = add_adult_with_pin(2);
    const PatronId inside = add_adult_with_pin(3);
    const PatronId live = add_adult_with_pin(4);
    KioskVerifier verifier(context(), kFastPins, KioskSettings{}, CirculationSettings{});
    WebSessions sessions(context(), verifier, minutes{15});
    for (const int n : {2, 3, 4}) {
        auto login = sessions.login(kiosk_caller("web-front"), card_for(n), kPin);
        ASSERT_TRUE(Succeeded(login));
        ASSERT_TRUE(login->session);
    }
    const auto expire = [&](PatronId patron, minutes before) {
        sql(
            fmt::format("UPDATE web_sessions SET created_at = {}, expires_at = {} "
                        "WHERE patron_id = {}",
                        ago(before + minutes{15}), ago(before), patron.value));
    };
    expire(past, days{1} + minutes{1});
    expire(inside, days{1} - minutes{1});
    const auto before = table_snapshot();

    const auto report = run_ok(policy(rule(RecordClass::expired_web_sessions, "1 day")));

    EXPECT_EQ(records(report, RecordClass::expired_web_sessions), 1);
    EXPECT_EQ(rows_where("web_sessions", fmt::format("patron_id = {}", past.value)), 0);
    EXPECT_EQ(rows_where("web_sessions", fmt::format("patron_id = {}", inside.value)), 1);
    EXPECT_EQ(rows_where("web_sessions", fmt::format("patron_id = {}", live.value)), 1);
    expect_only_changed(before, "web_sessions");
}

TEST_F(RetentionRules, InactivePatronsGoJustPastTheirPeriodAnyActivityKeepsThem) {
    const PatronId past = add_adult(2);
    make_inactive(past, 11);
    const PatronId inside = add_adult(3);
    make_inactive(inside, 10);
    const PatronId never_used_card = add_adult(4);
    make_inactive(never_used_card, 11);
    sql(fmt::format("UPDATE patrons SET last_card_activity = NULL WHERE id = {}",
                    never_used_card.value));
    const PatronId used_card = add_adult(5);
    make_inactive(used_card, 11);
    ASSERT_TRUE(Succeeded(
        Register(context()).record_card_activity(staff(), used_card, days_from_today(-9))));
    const PatronId changed = add_adult(6);
    make_inactive(changed, 11);
    age("patrons", "modified_at", changed.value, kInside);
    const PatronId registered = add_adult(7);
    make_inactive(registered, 11);
    age("patrons", "created_at", registered.value, kInside);
    // A loan returned inside the period is activity too, one returned the day before it is not
    // (no damage-claim window here; loan activity is kept by the day).
    const PatronId borrowed = add_adult(8);
    make_inactive(borrowed, 11);
    returned_loan(borrowed, "ITEM0001", days{12}, kInside);
    const PatronId borrowed_past = add_adult(9);
    make_inactive(borrowed_past, 11);
    const auto loan_past = returned_loan(borrowed_past, "ITEM0002", days{13}, days{11});

    const auto report =
        run_ok(policy(rule(RecordClass::inactive_patrons, "10 days"), "damage_claim_days = 0"));

    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 3);
    EXPECT_FALSE(exists(past));
    EXPECT_FALSE(exists(never_used_card));
    EXPECT_FALSE(exists(borrowed_past));
    EXPECT_EQ(column("loans", "patron_id", loan_past), "<null>");
    for (const PatronId kept : {inside, used_card, changed, registered, borrowed}) {
        EXPECT_TRUE(exists(kept)) << "patron " << kept.value;
    }
}

// --- each rule touches its own table only ----------------------------------------------------

struct RuleCase {
    RecordClass record;
    RetentionAction action;
};

void PrintTo(const RuleCase& c, std::ostream* os) {
    *os << info(c.record).name << " " << to_string(c.action);
}

std::vector<RuleCase> every_rule_but_patrons() {
    std::vector<RuleCase> cases;
    for (const auto& c : record_classes()) {
        // Erasing patrons reaches every table by design: the erase tests cover it.
        if (c.record == RecordClass::inactive_patrons) continue;
        for (const auto action : c.actions) cases.push_back({c.record, action});
    }
    return cases;
}

class RetentionRuleScope : public RetentionDbTest,
                           public ::testing::WithParamInterface<RuleCase> {};

TEST_P(RetentionRuleScope, PurgesItsOwnClassAndLeavesEveryOtherTableAsItWas) {
    const RuleCase c = GetParam();
    clock_.set_today(kThen);
    populate(2);
    clock_.set_today(kNow);
    const std::string_view table = info(c.record).table;
    const auto before = table_snapshot();

    const auto report = run_ok(policy(rule(c.record, "1 year", to_string(c.action))));

    EXPECT_GT(records(report, c.record), 0);
    const auto after = table_snapshot();
    EXPECT_NE(after.at(std::string(table)), before.at(std::string(table)));
    // A notice outlives the hold it was about (ON DELETE SET NULL): it stays, unlinked.
    const std::string_view linked = c.record == RecordClass::closed_holds ? "messages" : table;
    if (linked != table) {
        EXPECT_EQ(rows("messages"), 1);
        EXPECT_EQ(rows_where("messages", "hold_id IS NOT NULL"), 0);
    }
    EXPECT_EQ(without(after, {table, linked, "audit_log"}),
              without(before, {table, linked, "audit_log"}));
}

std::string rule_case_name(const ::testing::TestParamInfo<RuleCase>& param) {
    return fmt::format("{}_{}", info(param.param.record).name, to_string(param.param.action));
}

INSTANTIATE_TEST_SUITE_P(EveryRule, RetentionRuleScope,
                         ::testing::ValuesIn(every_rule_but_patrons()), rule_case_name);

}  // namespace
}  // namespace patron::test
