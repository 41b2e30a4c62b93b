// The plan is a dry run: it changes nothing but one audit entry, and reports per rule how many
// records are due, whose, the lowest few ids, and what each legal hold keeps; a run then does what
// it said. Only the DPO and the administrator may plan, only the administrator may run; a refused
// call changes nothing.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "db/retention/retention_fixture.hpp"
#include "patron/audit/audit_log.hpp"

namespace patron::test {
namespace {

using std::chrono::days;
using std::chrono::minutes;

class RetentionPlan : public RetentionDbTest {
protected:
    /// Every rule at "1 year" (returned loans detached).
    static RetentionPolicy yearly() { return policy(every_rule("1 year")); }

    /// The plan's held counts of `record` as "hold:count", every hold that applies listed.
    static std::vector<std::string> held(const RetentionReport& report, RecordClass record) {
        std::vector<std::string> out;
        for (const auto& h : outcome(report, record).held) {
            out.push_back(fmt::format("{}:{}", info(h.hold).name, h.records));
        }
        return out;
    }

    /// Every audit entry as text, by id (to show that old entries were not touched).
    [[nodiscard]] std::string audit_fingerprint(long up_to_id) const {
        return sql_value(fmt::format(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(a::text, '|' ORDER BY a.id)), '') "
            "FROM audit_log a WHERE a.id <= {}",
            up_to_id));
    }
};

TEST_F(RetentionPlan, ChangesNothingButOneAuditEntry) {
    clock_.set_today(kThen);
    populate(2);
    const PopulatedRecords restricted = populate(3);
    const PatronId inactive = add_adult(4);
    clock_.set_today(kNow);
    restrict_processing(restricted.patron);
    make_inactive(inactive, 400);
    // The plan counts sealed audit entries (patrond seals them as it runs).
    const std::int64_t sealed = AuditLog(*database_).seal();
    const auto before = table_snapshot();
    const long last = last_audit_id();
    const std::string old_entries = audit_fingerprint(last);

    const auto report = plan_ok(yearly());

    EXPECT_EQ(report.status, RetentionReport::Status::planned);
    EXPECT_FALSE(report.run_id);
    ASSERT_EQ(report.rules.size(), record_classes().size());
    for (const auto& rule : report.rules) {
        EXPECT_GT(rule.records, 0) << info(rule.rule.record).name << ": the plan saw nothing due";
        EXPECT_EQ(rule.batches, 0);
    }
    EXPECT_EQ(without(table_snapshot(), {"audit_log"}), without(before, {"audit_log"}));
    EXPECT_EQ(audit_fingerprint(last), old_entries);
    EXPECT_EQ(actions_after(last), std::vector<std::string>{"retention.plan"});
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM audit_log WHERE id > {} AND actor = "
                                "'retention-job' AND role = 'admin' AND patron_id IS NULL",
                                last)),
              1);
    EXPECT_EQ(rows_where("audit_log", "seal_no IS NOT NULL"), sealed) << "a plan seals nothing";
    EXPECT_TRUE(runs().empty());
    EXPECT_EQ(sql_value("SELECT seal_no FROM audit_chain_start"), "0");
}

TEST_F(RetentionPlan, CountsRecordsPatronsLowestExamplesAndHeldPerHold) {
    // Closed holds: three patrons with 3, 2 and 2 due, one restricted patron's, one inside.
    const PatronId a = add_adult(2), b = add_adult(3), c = add_adult(4), r = add_adult(5);
    std::vector<std::int64_t> due;
    int item = 0;
    const auto closed = [&](PatronId p, minutes before) {
        const Hold h = hold(p, fmt::format("ITEM{:04}", ++item));
        EXPECT_TRUE(Succeeded(circulation().cancel_hold(staff(), h.id)));
        age("holds", "closed_at", h.id.value, before);
        return h.id.value;
    };
    for (const PatronId p : {a, a, b, c, a, b, c}) due.push_back(closed(p, days{400}));
    closed(r, days{400});
    closed(a, days{300});
    restrict_processing(r);
    // Inactive patrons: a, b and c are due; r is restricted, d has a loan, e an unpaid fee.
    const PatronId d = add_adult(6), e = add_adult(7);
    lend(d, "LOAN-1");
    charge(e, 100);
    for (const PatronId p : {a, b, c, r, d, e}) make_inactive(p, 400);

    const auto report = plan_ok(yearly());

    const RuleOutcome holds = outcome(report, RecordClass::closed_holds);
    EXPECT_EQ(holds.records, 7);
    EXPECT_EQ(holds.patrons, 3);
    std::sort(due.begin(), due.end());
    EXPECT_EQ(holds.examples, std::vector<std::int64_t>(due.begin(), due.begin() + 5));
    EXPECT_EQ(held(report, RecordClass::closed_holds),
              std::vector<std::string>{"processing_restriction:1"});

    const RuleOutcome patrons = outcome(report, RecordClass::inactive_patrons);
    EXPECT_EQ(patrons.records, 3);
    EXPECT_EQ(patrons.patrons, 3);
    EXPECT_EQ(patrons.examples, (std::vector<std::int64_t>{a.value, b.value, c.value}));
    EXPECT_EQ(
        held(report, RecordClass::inactive_patrons),
        (std::vector<std::string>{"processing_restriction:1", "current_loans:1", "open_holds:0",
                                  "unpaid_fees:1", "open_invoices:0", "guardian_of_minor:0",
                                  "responsible_person:0", "damage_claim:0"}));
    EXPECT_EQ(held(report, RecordClass::returned_loans),
              (std::vector<std::string>{"processing_restriction:0", "damage_claim:0"}));
    EXPECT_TRUE(held(report, RecordClass::expired_web_sessions).empty());
    EXPECT_TRUE(held(report, RecordClass::audit_entries).empty());

    // The run does what the plan said.
    const auto done = run_ok(yearly());
    EXPECT_EQ(records(done, RecordClass::closed_holds), 7);
    EXPECT_EQ(records(done, RecordClass::inactive_patrons), 3);
}

TEST_F(RetentionPlan, ExamplesAreWardsForGuardianshipsPatronsForSessionsSealsForAudit) {
    clock_.set_today(kThen);
    const PopulatedRecords first = populate(2);
    const PopulatedRecords second = populate(3);
    clock_.set_today(kNow);
    ASSERT_GT(AuditLog(*database_).seal(), 5);
    const std::vector<std::int64_t> seals{1, 2, 3, 4, 5};

    const auto report = plan_ok(yearly());

    EXPECT_EQ(outcome(report, RecordClass::expired_guardianships).examples,
              (std::vector<std::int64_t>{first.ward.value, second.ward.value}));
    EXPECT_EQ(outcome(report, RecordClass::expired_guardianships).patrons, 2) << "the wards";
    EXPECT_EQ(outcome(report, RecordClass::expired_web_sessions).examples,
              (std::vector<std::int64_t>{first.patron.value, second.patron.value}));
    EXPECT_EQ(outcome(report, RecordClass::audit_entries).examples, seals);
    EXPECT_EQ(outcome(report, RecordClass::audit_entries).patrons, 0);
    EXPECT_EQ(outcome(report, RecordClass::returned_loans).examples,
              (std::vector<std::int64_t>{first.returned_loan, second.returned_loan}));
}

// --- permissions ----------------------------------------------------------------------------

constexpr std::array<Role, 7> kRoles{Role::circulation, Role::home_service, Role::kiosk,
                                     Role::billing,     Role::dpo,          Role::admin,
                                     Role::patron};

TEST_F(RetentionPlan, OnlyTheDpoAndTheAdministratorMayPlan) {
    const PatronId p = add_adult(2);
    make_inactive(p, 400);
    for (const Role role : kRoles) {
        SCOPED_TRACE(to_string(role));
        const Caller caller{"someone", role, "review",
                            role == Role::patron ? std::optional<PatronId>(p) : std::nullopt};
        const auto before = table_snapshot();
        const auto planned = Retention(context(), yearly()).plan(caller);
        if (role == Role::dpo || role == Role::admin) {
            ASSERT_TRUE(Succeeded(planned));
            EXPECT_EQ(records(*planned, RecordClass::inactive_patrons), 1);
        } else {
            EXPECT_TRUE(Refused(planned, ErrorCode::permission_denied, ""));
            EXPECT_EQ(table_snapshot(), before);
        }
    }
    EXPECT_TRUE(exists(p));
}

TEST_F(RetentionPlan, OnlyTheAdministratorMayRunAndARefusedRunChangesNothing) {
    const PatronId p = add_adult(2);
    make_inactive(p, 400);
    for (const Role role : kRoles) {
        if (role == Role::admin) continue;
        SCOPED_TRACE(to_string(role));
        const Caller caller{"someone", role, "purge",
                            role == Role::patron ? std::optional<PatronId>(p) : std::nullopt};
        const auto before = table_snapshot();
        EXPECT_TRUE(
            Refused(Retention(context(), yearly()).run(caller), ErrorCode::permission_denied, ""));
        EXPECT_EQ(table_snapshot(), before);
        EXPECT_TRUE(runs().empty());
    }
    EXPECT_TRUE(exists(p));
    const auto report = run_ok(yearly());
    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 1);
    EXPECT_FALSE(exists(p));
}

}  // namespace
}  // namespace patron::test
