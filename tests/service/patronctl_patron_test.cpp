// patronctl patron ...: registering, finding, changing and listing patrons from the command line,
// with identity codes on stdin and the exit statuses the README promises.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "patronctl_fixture.hpp"
#include "support/test_data.hpp"

namespace patron::test {
namespace {

constexpr const char* kAdultHetu = "131052-308T";

// True when some string anywhere in `json` equals `text`.
bool holds_string(const nlohmann::json& json, const std::string& text) {
    if (json.is_string()) return json.get<std::string>() == text;
    if (!json.is_structured()) return false;  // iterating a number would yield itself
    for (const auto& item : json) {
        if (holds_string(item, text)) return true;
    }
    return false;
}

using PatronctlPatron = PatronctlTest;

TEST_F(PatronctlPatron, ListsAsJsonWithSummaryFields) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto result = patronctl({"--json", "patron", "list"});
    ASSERT_EQ(result.exit_code, 0);
    const auto json = nlohmann::json::parse(result.out);
    ASSERT_EQ(json["patrons"].size(), 3u);
    EXPECT_TRUE(json["next_after"].is_null());
    const auto& first = json["patrons"][0];
    EXPECT_EQ(first["id"], 1);
    EXPECT_EQ(first["kind"], "person");
    EXPECT_EQ(first["card_number"], "DEMO0001");
    EXPECT_TRUE(first["name"].is_string());
    EXPECT_TRUE(first["home_library"].is_string());
    EXPECT_EQ(json["patrons"][2]["kind"], "organisation");
    EXPECT_FALSE(has(result.out, "hetu"));
}

TEST_F(PatronctlPatron, PagesTheListWithAfterAndLimit) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto page = patronctl({"--json", "patron", "list", "--after", "1", "--limit", "1"});
    ASSERT_EQ(page.exit_code, 0);
    const auto json = nlohmann::json::parse(page.out);
    ASSERT_EQ(json["patrons"].size(), 1u);
    EXPECT_EQ(json["patrons"][0]["id"], 2);
    EXPECT_EQ(json["next_after"], 2);
}

TEST_F(PatronctlPatron, ShowsOneRecordAsJsonWithTheCodeMasked) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto result = patronctl({"--json", "patron", "show", "--card", "DEMO0001"});
    ASSERT_EQ(result.exit_code, 0);
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json["id"], 1);
    EXPECT_EQ(json["kind"], "person");
    EXPECT_EQ(json["card_number"], "DEMO0001");
    EXPECT_EQ(json["hetu_masked"], "131052-****");
    EXPECT_EQ(json["birth_date"], "1952-10-13");
    EXPECT_TRUE(json["age"].is_number_integer());
    EXPECT_TRUE(json["address"].is_object());
    EXPECT_TRUE(json["notices"].is_object());
    EXPECT_EQ(json["wards"], nlohmann::json::array({2}));
    EXPECT_FALSE(json.contains("hetu"));
    EXPECT_FALSE(holds_string(json, kAdultHetu));
}

// The README documents `patron show --card N [--json]` and `patron list [--json]`: --json after
// the command, as well as before it.
TEST_F(PatronctlPatron, AcceptsJsonAfterTheCommandAsTheReadmeShows) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto show = patronctl({"patron", "show", "--card", "DEMO0001", "--json"});
    ASSERT_EQ(show.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(show.out)["hetu_masked"], "131052-****");
    const auto list = patronctl({"patron", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(list.out)["patrons"].size(), 3u);
}

// A register set up by hand: schema, keys, then a patron whose code comes on stdin.
class PatronctlRegister : public PatronctlTest {
protected:
    void SetUp() override {
        PatronctlTest::SetUp();
        ASSERT_EQ(patronctl({"db", "migrate"}).exit_code, 0);
        ASSERT_EQ(patronctl({"keys", "init"}).exit_code, 0);
    }

    ProcessResult add(const std::string& card, const std::string& hetu) {
        return patronctl({"patron", "add", "--surname", "Testinen", "--given-names", "Testi",
                          "--card", card, "--home-library", "Main", "--email", "testi@example.fi"},
                         hetu + "\n");
    }

    const std::string hetu_ = hetu_for(Date{std::chrono::year{1980} / 5 / 17}, 123);
};

TEST_F(PatronctlRegister, AddsWithTheCodeOnStdinAndFindsItByCode) {
    const auto added = add("T1234567", hetu_);
    ASSERT_EQ(added.exit_code, 0);
    EXPECT_EQ(added.out, "registered patron 1\n");
    EXPECT_FALSE(has(added.out + added.err, hetu_));

    const auto found = patronctl({"--json", "patron", "show", "--hetu"}, hetu_ + "\n");
    ASSERT_EQ(found.exit_code, 0);
    const auto json = nlohmann::json::parse(found.out);
    EXPECT_EQ(json["id"], 1);
    EXPECT_EQ(json["card_number"], "T1234567");
    EXPECT_EQ(json["birth_date"], "1980-05-17");
    EXPECT_FALSE(has(found.out + found.err, hetu_));
}

TEST_F(PatronctlRegister, AnUnknownCodeIsRefusedAsNotFound) {
    ASSERT_EQ(add("T1234567", hetu_).exit_code, 0);
    const std::string other = hetu_for(Date{std::chrono::year{1980} / 5 / 17}, 124);
    const auto found = patronctl({"patron", "show", "--hetu"}, other + "\n");
    EXPECT_EQ(found.exit_code, 1);
    EXPECT_TRUE(has(found.err, "patronctl: refused: no such patron"));
    EXPECT_FALSE(has(found.out + found.err, other));
}

TEST_F(PatronctlRegister, RefusesABadCodeWithoutEchoingIt) {
    const std::string bad = "170580-123X";
    const auto added = add("T1234567", bad);
    EXPECT_EQ(added.exit_code, 1);
    EXPECT_TRUE(has(added.err, "patronctl: refused: hetu: "));
    EXPECT_FALSE(has(added.out + added.err, bad));
}

TEST_F(PatronctlRegister, RefusesTheSameCodeTwice) {
    ASSERT_EQ(add("T1234567", hetu_).exit_code, 0);
    const auto again = add("T7654321", hetu_);
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_TRUE(has(again.err, "patronctl: refused: hetu: "));
}

TEST_F(PatronctlRegister, UpdatesTheEmail) {
    ASSERT_EQ(add("T1234567", hetu_).exit_code, 0);
    const auto updated = patronctl({"patron", "update", "--id", "1", "--email", "uusi@example.fi"});
    ASSERT_EQ(updated.exit_code, 0);
    EXPECT_TRUE(
        (field_values(updated.out, "email") == std::vector<std::string>{"uusi@example.fi"}));

    const auto shown = patronctl({"--json", "patron", "show", "--id", "1"});
    ASSERT_EQ(shown.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(shown.out)["email"], "uusi@example.fi");
}

TEST_F(PatronctlRegister, RefusesAnInvalidFieldNamingTheFieldNotTheValue) {
    ASSERT_EQ(add("T1234567", hetu_).exit_code, 0);
    const std::string bad = "not-an-address";
    const auto result = patronctl({"patron", "update", "--id", "1", "--email", bad});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(result.err.starts_with("patronctl: refused: email: "));
    EXPECT_FALSE(has(result.err, bad));
    EXPECT_TRUE(result.out.empty());

    const auto shown = patronctl({"--json", "patron", "show", "--id", "1"});
    ASSERT_EQ(shown.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(shown.out)["email"], "testi@example.fi");
}

TEST_F(PatronctlRegister, AnUnknownRoleIsAConfigurationFailure) {
    const auto result = patronctl({"--role", "janitor", "patron", "list"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(has(result.err, "unknown role"));
}

TEST_F(PatronctlRegister, ARoleWithoutThePermissionIsRefused) {
    ASSERT_EQ(add("T1234567", hetu_).exit_code, 0);
    const auto result = patronctl({"--role", "kiosk", "patron", "show", "--id", "1"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.err, "patronctl: refused: "));
    EXPECT_TRUE(result.out.empty());
}

TEST_F(PatronctlPatron, ABadOptionIsAUsageError) {
    EXPECT_EQ(patronctl({"patron", "list", "--frobnicate"}).exit_code, 2);
    EXPECT_EQ(patronctl({"patron", "show"}).exit_code, 2);
    EXPECT_EQ(patronctl({"patron", "show", "--id", "1", "--card", "X1234"}).exit_code, 2);
    EXPECT_EQ(patronctl({"no-such-command"}).exit_code, 2);
}

}  // namespace
}  // namespace patron::test
