// patronctl patron summary: the circulation counts and totals a desk needs, and whether the
// patron may borrow. The demo adult (DEMO0001) has two loans, a hold and a 1.50 EUR fee
// (service/patronctl/demo_command.cpp).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

class PatronctlSummary : public PatronctlTest {
protected:
    void SetUp() override { ASSERT_EQ(patronctl({"demo"}).exit_code, 0); }
};

TEST_F(PatronctlSummary, ShowsTheDemoAdultsCountsAndTotals) {
    const auto result =
        patronctl({"--role", "circulation", "patron", "summary", "--card", "DEMO0001"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(has(result.out, "loans          2 (0 overdue)")) << result.out;
    EXPECT_TRUE(has(result.out, "holds          1 placed, 0 ready for pickup")) << result.out;
    EXPECT_TRUE(has(result.out, "unpaid fees    1.50 EUR")) << result.out;
    EXPECT_TRUE(has(result.out, "open invoices  0 (0.00 EUR)")) << result.out;
    EXPECT_TRUE(has(result.out, "may borrow     yes")) << result.out;
}

TEST_F(PatronctlSummary, JsonByIdGivesCentsAndReasons) {
    const auto result = patronctl({"--json", "patron", "summary", "--id", "2"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json.at("loans"), 0);
    EXPECT_EQ(json.at("unpaid_fees_cents"), 0);
    EXPECT_EQ(json.at("may_borrow"), true) << "the child's guardian consented";
    EXPECT_TRUE(json.at("blocks").empty());
}

TEST_F(PatronctlSummary, AKioskMayReadTheSummary) {
    const auto result =
        patronctl({"--role", "kiosk", "--actor", "kiosk-1", "patron", "summary", "--id", "1"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(PatronctlSummary, RefusalsExitOne) {
    const auto unknown = patronctl({"patron", "summary", "--id", "999"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_TRUE(has(unknown.err, "no such patron")) << unknown.err;

    // patronctl names no patron as its caller: role patron reaches no record.
    const auto other = patronctl({"--role", "patron", "patron", "summary", "--id", "1"});
    EXPECT_EQ(other.exit_code, 1);
}

TEST_F(PatronctlSummary, NeedsExactlyOneOfIdAndCard) {
    EXPECT_EQ(patronctl({"patron", "summary"}).exit_code, 2);
    EXPECT_EQ(patronctl({"patron", "summary", "--id", "1", "--card", "DEMO0001"}).exit_code, 2);
}

}  // namespace
}  // namespace patron::test
