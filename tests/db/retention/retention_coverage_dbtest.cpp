// Every table holding personal data is covered: the engine reads the schema catalogue and refuses
// (invalid_input on "policy", before anything runs) a policy that neither rules nor keeps such a
// table, or keeps one that is not there; the shipped sample covers the current schema, and a
// table added later stops it until the policy lists it.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "db/retention/retention_fixture.hpp"

namespace patron::test {
namespace {

class RetentionCoverage : public RetentionDbTest {
protected:
    /// The sample policy with `more` appended (it ends in [kept], so a line there keeps one
    /// more table).
    static RetentionPolicy sample_with(const std::string& more) {
        return parse_retention_policy(sample_policy_text() + more, "retention-policy.toml");
    }

    /// Plan and run of `p` are both refused as `message` on "policy", and change nothing.
    void expect_refused(const RetentionPolicy& p, const std::string& message) {
        const auto before = table_snapshot();
        const auto planned = plan(p);
        const auto ran = run(p);
        EXPECT_TRUE(Refused(planned, ErrorCode::invalid_input, "policy"));
        EXPECT_TRUE(Refused(ran, ErrorCode::invalid_input, "policy"));
        if (!ran) {
            EXPECT_EQ(ran.error().message, message);
        }
        EXPECT_EQ(table_snapshot(), before);
        EXPECT_TRUE(runs().empty());
    }

    static std::string uncovered(std::string_view table) {
        return fmt::format(
            "table {} holds personal data but no rule purges it and [kept] does not list it",
            table);
    }
};

TEST_F(RetentionCoverage, TheSamplePolicyCoversTheCurrentSchema) {
    const PatronId p = add_adult(2);
    make_inactive(p, 4 * 366);

    const auto planned = plan_ok(sample_policy());

    EXPECT_EQ(planned.rules.size(), record_classes().size());
    EXPECT_EQ(records(planned, RecordClass::inactive_patrons), 1);
}

TEST_F(RetentionCoverage, APolicyLeavingAnyPersonalDataTableUncoveredIsRefusedAndNothingRuns) {
    // Something is due, so a run that was not refused would show.
    const PatronId p = add_adult(2);
    make_inactive(p, 400);
    const RetentionPolicy complete = policy(rule(RecordClass::inactive_patrons, "1 year"));
    ASSERT_TRUE(Succeeded(plan(complete)));
    std::vector<std::string> tables{"patrons"};
    for (const auto& kept : complete.kept) tables.push_back(kept.table);
    ASSERT_EQ(tables.size(), 15u) << "the schema's personal-data tables changed: update the test";

    for (const auto& table : tables) {
        SCOPED_TRACE(table);
        RetentionPolicy missing = complete;
        if (table == "patrons") {
            missing.rules.clear();
        } else {
            std::erase_if(missing.kept, [&](const KeptTable& k) { return k.table == table; });
        }
        expect_refused(missing, uncovered(table));
    }
    EXPECT_TRUE(exists(p));
}

TEST_F(RetentionCoverage, AKeptEntryNamingNoPersonalDataTableIsRefused) {
    for (const std::string table : {"no_such_table", "items", "loan_rules", "retention_runs"}) {
        SCOPED_TRACE(table);
        RetentionPolicy p = sessions_policy();
        p.kept.push_back(KeptTable{table, "misspelt, or not personal data"});
        expect_refused(p, fmt::format("kept.{}: no table of that name holds personal data", table));
    }
}

TEST_F(RetentionCoverage, ATableAddedLaterStopsTheSamplePolicyUntilItIsListed) {
    // Each way a table can hold personal data: a patron_id column, a foreign key to patrons or
    // to a table linked to them, an identity or contact column, a staff id column.
    const std::vector<std::pair<std::string, std::string>> added{
        {"patron_notes", "CREATE TABLE patron_notes (id bigint, patron_id bigint, note text)"},
        {"card_events", "CREATE TABLE card_events (owner bigint REFERENCES patrons (id))"},
        {"loan_notes", "CREATE TABLE loan_notes (loan bigint REFERENCES loans (id), note text)"},
        {"mailing_list", "CREATE TABLE mailing_list (email text)"},
        {"approvals", "CREATE TABLE approvals (id bigint, approved_by text)"},
    };
    for (const auto& [table, ddl] : added) {
        SCOPED_TRACE(table);
        sql(ddl);
        expect_refused(sample_policy(), uncovered(table));
        const auto listed =
            sample_with(fmt::format("{} = \"kept by the test: what a new table needs\"\n", table));
        EXPECT_TRUE(Succeeded(plan(listed)));
        EXPECT_TRUE(Succeeded(run(listed)));
        sql(fmt::format("DROP TABLE {}", table));
        sql("DELETE FROM retention_runs");
        EXPECT_TRUE(Succeeded(plan(sample_policy())));
    }
}

}  // namespace
}  // namespace patron::test
