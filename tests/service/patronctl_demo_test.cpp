// patronctl demo: the first thing a new user runs. It starts the embedded database, applies the
// schema, creates the key file and loads three patrons, and prints them with codes masked.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "patron/domain/date.hpp"
#include "patron/domain/hetu.hpp"
#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

// The Digital and Population Data Services Agency's published example; the demo's adult.
constexpr const char* kAdultHetu = "131052-308T";

// The demo's child is 8 on the day it runs (service/patronctl/demo_command.cpp).
std::string child_hetu() {
    const Date today = SystemClock{}.today();
    const auto code = PersonalIdentityCode::make(birthday(today, -8), 350, today);
    if (!code) throw std::runtime_error("child code could not be composed");
    return code->text();
}

using PatronctlDemo = PatronctlTest;

TEST_F(PatronctlDemo, PrintsThreePatronsWithGuardianWardAndResponsiblePerson) {
    const auto result = patronctl({"demo"});
    ASSERT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "patron 1 (person)"));
    EXPECT_TRUE(has(result.out, "patron 2 (person)"));
    EXPECT_TRUE(has(result.out, "patron 3 (organisation)"));
    // Records print in order adult, child; the organisation has no guardian lines.
    const auto guardians = field_values(result.out, "guardians");
    const auto wards = field_values(result.out, "wards under 15");
    const auto responsible = field_values(result.out, "responsible person");
    EXPECT_TRUE((guardians == std::vector<std::string>{"-", "1"}));
    EXPECT_TRUE((wards == std::vector<std::string>{"2", "-"}));
    EXPECT_TRUE((responsible == std::vector<std::string>{"1"}));
}

TEST_F(PatronctlDemo, NeverShowsAnIdentityCodeInFull) {
    const auto result = patronctl({"demo"});
    ASSERT_EQ(result.exit_code, 0);
    const std::string child = child_hetu();
    EXPECT_FALSE(has(result.out, kAdultHetu));
    EXPECT_FALSE(has(result.err, kAdultHetu));
    EXPECT_FALSE(has(result.out, child));
    EXPECT_FALSE(has(result.err, child));
    EXPECT_TRUE(has(result.out, "131052-****"));
    EXPECT_TRUE(has(result.out, child.substr(0, 7) + "****"));
}

TEST_F(PatronctlDemo, JsonOutputCarriesOnlyMaskedCodes) {
    const auto result = patronctl({"--json", "demo"});
    ASSERT_EQ(result.exit_code, 0);
    const auto json = nlohmann::json::parse(result.out);
    ASSERT_TRUE(json.is_array());
    ASSERT_EQ(json.size(), 3u);
    EXPECT_EQ(json[0]["hetu_masked"], "131052-****");
    EXPECT_EQ(json[0]["birth_date"], "1952-10-13");
    EXPECT_EQ(json[1]["guardians"], nlohmann::json::array({1}));
    EXPECT_EQ(json[0]["wards"], nlohmann::json::array({2}));
    EXPECT_EQ(json[2]["responsible_person"], 1);
    for (const auto& patron : json) EXPECT_FALSE(patron.contains("hetu"));
    EXPECT_FALSE(has(result.out, kAdultHetu));
    EXPECT_FALSE(has(result.out, child_hetu()));
}

TEST_F(PatronctlDemo, SecondRunLoadsNothingMore) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto again = patronctl({"demo"});
    ASSERT_EQ(again.exit_code, 0);
    EXPECT_FALSE(has(again.err, "loaded the demo register"));
    EXPECT_FALSE(has(again.err, "applied migration"));

    const auto list = patronctl({"--json", "patron", "list"});
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(list.out)["patrons"].size(), 3u);
}

TEST_F(PatronctlDemo, CreatesTheKeyFileReadableOnlyByItsOwner) {
    const auto result = patronctl({"demo"});
    ASSERT_EQ(result.exit_code, 0);
    struct stat st {};
    ASSERT_EQ(::stat(key_file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_TRUE(has(result.err, "created key file"));
}

}  // namespace
}  // namespace patron::test
