// patronctl retention plan / run: the command line of the nightly job — the shipped sample
// policy, JSON reports, exit statuses a cron job or systemd acts on, and refusals.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

class PatronctlRetention : public PatronctlTest {
protected:
    void SetUp() override {
        PatronctlTest::SetUp();
        ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    }

    /// The policy shipped with patronctl.
    static std::string sample() { return PATRON_SAMPLE_RETENTION_POLICY; }

    /// A policy file in the test's directory.
    std::string write_policy(const std::string& text) {
        const auto path = dir_ / "policy.toml";
        std::ofstream(path) << text;
        return path.string();
    }
};

TEST_F(PatronctlRetention, PlanOfTheSamplePolicyListsEveryRuleAndChangesNothing) {
    const auto result = patronctl({"--json", "retention", "plan", "--policy", sample()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto report = nlohmann::json::parse(result.out);
    EXPECT_EQ(report["status"], "planned");
    EXPECT_TRUE(report["run_id"].is_null());
    ASSERT_EQ(report["rules"].size(), 11U);
    EXPECT_EQ(report["rules"][0]["rule"], "returned_loans");
    EXPECT_EQ(report["rules"][0]["action"], "detach");
    EXPECT_EQ(report["rules"][9]["rule"], "inactive_patrons");
    // The demo register is new: nothing is past its period.
    for (const auto& rule : report["rules"]) EXPECT_EQ(rule["records"], 0) << rule["rule"];
    EXPECT_EQ(report["policy_sha256"].get<std::string>().size(), 64U);
}

TEST_F(PatronctlRetention, RunReportsEveryRuleAndExitsZero) {
    const auto first = patronctl({"--json", "retention", "run", "--policy", sample()});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const auto report = nlohmann::json::parse(first.out);
    EXPECT_EQ(report["status"], "finished");
    EXPECT_EQ(report["run_id"], 1);
    ASSERT_EQ(report["rules"].size(), 11U);
    for (const auto& rule : report["rules"]) {
        EXPECT_GE(rule["batches"].get<int>(), 1) << rule["rule"];
        EXPECT_TRUE(rule.contains("longest_batch_ms"));
    }
    const auto second = patronctl({"retention", "run", "--policy", sample()});
    EXPECT_EQ(second.exit_code, 0);
    EXPECT_TRUE(has(second.out, "retention run 2 finished"));
    // Not a terminal: no progress bar on stderr.
    EXPECT_EQ(second.err, "");
}

TEST_F(PatronctlRetention, MalformedPolicyIsRefusedWithItsLineAndNothingRuns) {
    const auto policy = write_policy(
        "[rules.closed_holds]\ntrigger = \"closed\"\nperiod = \"30 dayz\"\naction = \"erase\"\n");
    const auto result = patronctl({"retention", "run", "--policy", policy});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(has(result.err, "line 3")) << result.err;
    EXPECT_TRUE(has(result.err, "rules.closed_holds.period")) << result.err;
    const auto plan = patronctl({"--json", "retention", "run", "--policy", sample()});
    ASSERT_EQ(plan.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(plan.out)["run_id"], 1) << "the refused run left a row";
}

TEST_F(PatronctlRetention, PolicyThatLeavesATableUncoveredIsRefused) {
    const auto policy = write_policy(
        "[rules.closed_holds]\ntrigger = \"closed\"\nperiod = \"30 days\"\naction = \"erase\"\n");
    const auto result = patronctl({"retention", "plan", "--policy", policy});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.err, "refused: policy: table ")) << result.err;
    EXPECT_TRUE(has(result.err, "holds personal data")) << result.err;
}

TEST_F(PatronctlRetention, OnlyAdministratorsRunAndTheDpoMayPlan) {
    EXPECT_EQ(patronctl({"--role", "dpo", "retention", "plan", "--policy", sample()}).exit_code, 0);
    const auto dpo_run = patronctl({"--role", "dpo", "retention", "run", "--policy", sample()});
    EXPECT_EQ(dpo_run.exit_code, 1);
    EXPECT_TRUE(has(dpo_run.err, "permission_denied") || has(dpo_run.err, "refused"))
        << dpo_run.err;
    EXPECT_EQ(
        patronctl({"--role", "circulation", "retention", "plan", "--policy", sample()}).exit_code,
        1);
}

TEST_F(PatronctlRetention, MissingPolicyOptionOrFileIsABadCommandLine) {
    EXPECT_EQ(patronctl({"retention", "run"}).exit_code, 2);
    EXPECT_EQ(patronctl({"retention", "run", "--policy", (dir_ / "none.toml").string()}).exit_code,
              2);
    EXPECT_EQ(patronctl({"retention"}).exit_code, 2);
}

}  // namespace
}  // namespace patron::test
