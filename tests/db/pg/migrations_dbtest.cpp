#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <exception>
#include <latch>
#include <thread>
#include <vector>

#include "patron/exception.hpp"
#include "patron/pg/database.hpp"
#include "patron/pg/migrations.hpp"
#include "support/test_cluster.hpp"

namespace patron::test {
namespace {

// Each test gets an empty database (no schema at all), dropped afterwards.
class MigrationsTest : public ::testing::Test {
protected:
    void SetUp() override {
        name_ = TestServer::get().create_database(false);
        url_ = TestServer::get().url(name_);
    }
    void TearDown() override { TestServer::get().drop_database(name_); }

    std::vector<std::vector<std::string>> query(const std::string& statement) const {
        return sql(url_, statement);
    }
    bool table_exists(const std::string& table) const {
        return query(fmt::format("SELECT to_regclass('{}') IS NOT NULL", table))[0][0] == "t";
    }
    std::vector<int> all_versions() const {
        std::vector<int> versions;
        for (int v = 1; v <= known_; ++v) versions.push_back(v);
        return versions;
    }

    // What open_database throws; empty message if it throws nothing or something else.
    std::string schema_mismatch_on_open() const {
        try {
            (void)pg::open_database({.url = url_, .pool_size = 1});
        } catch (const SchemaMismatch& e) {
            return e.what();
        } catch (...) {
        }
        return "";
    }

    const int known_ = pg::known_schema_version();
    std::string name_;
    std::string url_;
};

TEST_F(MigrationsTest, AnEmptyDatabaseHasEveryMigrationPending) {
    ASSERT_GE(known_, 1);
    const auto status = pg::schema_status(url_);
    EXPECT_EQ(status.database_version, 0);
    EXPECT_EQ(status.known_version, known_);
    EXPECT_FALSE(status.up_to_date());
    EXPECT_FALSE(status.newer_than_known());
    ASSERT_EQ(status.migrations.size(), static_cast<std::size_t>(known_));
    for (std::size_t i = 0; i < status.migrations.size(); ++i) {
        EXPECT_EQ(status.migrations[i].version, static_cast<int>(i) + 1);
        EXPECT_FALSE(status.migrations[i].name.empty());
        EXPECT_FALSE(status.migrations[i].applied_at.has_value());
    }
    // Reading the status creates nothing.
    EXPECT_FALSE(table_exists("schema_migrations"));
}

TEST_F(MigrationsTest, OpeningAnEmptyDatabaseTellsToMigrate) {
    EXPECT_THROW((void)pg::open_database({.url = url_, .pool_size = 1}), SchemaMismatch);
    const std::string message = schema_mismatch_on_open();
    EXPECT_NE(message.find("patronctl db migrate"), std::string::npos) << message;
}

TEST_F(MigrationsTest, MigrateAppliesEveryMigrationInOrderOnce) {
    EXPECT_EQ(pg::migrate(url_), all_versions());

    const auto status = pg::schema_status(url_);
    EXPECT_TRUE(status.up_to_date());
    EXPECT_EQ(status.database_version, known_);
    const auto rows = query("SELECT version, name FROM schema_migrations ORDER BY version");
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(known_));
    ASSERT_EQ(status.migrations.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i][0], std::to_string(i + 1));
        EXPECT_EQ(rows[i][1], status.migrations[i].name);
        EXPECT_TRUE(status.migrations[i].applied_at.has_value());
    }
    EXPECT_TRUE(table_exists("patrons"));
    EXPECT_TRUE(table_exists("audit_log"));
    EXPECT_NO_THROW((void)pg::open_database({.url = url_, .pool_size = 1}));

    const auto before = query("SELECT version, name, applied_at FROM schema_migrations ORDER BY 1");
    const auto applied_before = status.migrations;
    EXPECT_TRUE(pg::migrate(url_).empty());
    EXPECT_EQ(query("SELECT version, name, applied_at FROM schema_migrations ORDER BY 1"), before);
    const auto again = pg::schema_status(url_);
    EXPECT_TRUE(again.up_to_date());
    ASSERT_EQ(again.migrations.size(), applied_before.size());
    for (std::size_t i = 0; i < again.migrations.size(); ++i) {
        EXPECT_EQ(again.migrations[i].applied_at, applied_before[i].applied_at);
    }
}

TEST_F(MigrationsTest, ADatabaseNewerThanThisBuildIsRefused) {
    ASSERT_EQ(pg::migrate(url_), all_versions());
    query(
        fmt::format("INSERT INTO schema_migrations (version, name) VALUES ({}, 'from_the_future')",
                    known_ + 1));
    const auto rows_before = query("SELECT version, applied_at FROM schema_migrations ORDER BY 1");

    const auto status = pg::schema_status(url_);
    EXPECT_TRUE(status.newer_than_known());
    EXPECT_FALSE(status.up_to_date());
    EXPECT_EQ(status.database_version, known_ + 1);

    const std::string message = schema_mismatch_on_open();
    EXPECT_NE(message.find("newer"), std::string::npos) << message;

    EXPECT_THROW((void)pg::migrate(url_), SchemaMismatch);
    EXPECT_EQ(query("SELECT version, applied_at FROM schema_migrations ORDER BY 1"), rows_before);
}

TEST_F(MigrationsTest, MigrateAppliesNothingToADatabaseFromANewerBuild) {
    // A newer build's bookkeeping without any of the older migrations' tables.
    query(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    query(fmt::format("INSERT INTO schema_migrations (version, name) VALUES ({}, 'next')",
                      known_ + 1));

    try {
        (void)pg::migrate(url_);
        ADD_FAILURE() << "migrate did not refuse";
    } catch (const SchemaMismatch& e) {
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(table_exists("patrons"));
    EXPECT_FALSE(table_exists("audit_log"));
    EXPECT_EQ(query("SELECT version FROM schema_migrations"),
              (std::vector<std::vector<std::string>>{{std::to_string(known_ + 1)}}));
}

TEST_F(MigrationsTest, ConcurrentMigrationsApplyEachVersionExactlyOnce) {
    constexpr std::size_t kThreads = 4;
    std::array<std::vector<int>, kThreads> applied;
    std::array<std::exception_ptr, kThreads> errors;
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            try {
                applied[t] = pg::migrate(url_);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    }
    for (auto& thread : threads) thread.join();

    std::vector<int> all;
    for (std::size_t t = 0; t < kThreads; ++t) {
        EXPECT_FALSE(errors[t]) << "migrate failed on thread " << t;
        all.insert(all.end(), applied[t].begin(), applied[t].end());
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, all_versions());
    EXPECT_TRUE(pg::schema_status(url_).up_to_date());
    EXPECT_EQ(query("SELECT count(*) FROM schema_migrations")[0][0], std::to_string(known_));
}

}  // namespace
}  // namespace patron::test
