// patronctl db migrate / db status on the embedded database.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "patron/pg/migrations.hpp"
#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

using PatronctlDb = PatronctlTest;

TEST_F(PatronctlDb, StatusAfterDemoIsUpToDate) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto result = patronctl({"db", "status"});
    EXPECT_EQ(result.exit_code, 0);
    const int known = pg::known_schema_version();
    EXPECT_TRUE(has(result.out, fmt::format("database is at version {} of {}\n", known, known)));
    EXPECT_FALSE(has(result.out, "pending"));
    EXPECT_FALSE(has(result.out, "db migrate"));
}

TEST_F(PatronctlDb, StatusAsJson) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto result = patronctl({"--json", "db", "status"});
    ASSERT_EQ(result.exit_code, 0);
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json["up_to_date"], true);
    EXPECT_EQ(json["database_version"], pg::known_schema_version());
    EXPECT_EQ(json["known_version"], pg::known_schema_version());
    ASSERT_EQ(json["migrations"].size(), static_cast<std::size_t>(pg::known_schema_version()));
    for (const auto& m : json["migrations"]) EXPECT_TRUE(m["applied_at"].is_string());
}

TEST_F(PatronctlDb, StatusOfAnEmptyDatabaseShowsPendingMigrations) {
    const auto before = patronctl({"db", "status"});
    EXPECT_EQ(before.exit_code, 1);
    EXPECT_TRUE(has(before.out, "pending"));
    EXPECT_TRUE(has(before.out, "run `patronctl db migrate`"));

    const auto migrate = patronctl({"db", "migrate"});
    ASSERT_EQ(migrate.exit_code, 0);
    EXPECT_TRUE(has(migrate.out, "applied migration 0001"));
    const auto again = patronctl({"db", "migrate"});
    ASSERT_EQ(again.exit_code, 0);
    EXPECT_TRUE(has(again.out, "schema is up to date"));
    EXPECT_EQ(patronctl({"db", "status"}).exit_code, 0);
}

TEST_F(PatronctlDb, CommandsRefuseAnUnmigratedDatabase) {
    ASSERT_EQ(patronctl({"keys", "init"}).exit_code, 0);
    const auto result = patronctl({"patron", "list"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(has(result.err, "patronctl db migrate"));
}

}  // namespace
}  // namespace patron::test
