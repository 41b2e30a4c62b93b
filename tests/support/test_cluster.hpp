#pragma once
// The PostgreSQL server of a test binary, and a fixture giving each test its own database.
//
// The server is PATRON_TEST_DATABASE_URL's (a role that may CREATE DATABASE) or, when unset, an
// ephemeral embedded cluster started once per binary (support/db_main.cpp). Every test gets a
// fresh database cloned from a migrated template, so tests never see each other's rows.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "patron/context.hpp"
#include "patron/crypto/key_ring.hpp"
#include "patron/pg/embedded_cluster.hpp"
#include "patron/store/database.hpp"
#include "support/fixed_clock.hpp"
#include "support/temp_dir.hpp"

namespace patron::test {

class TestServer {
public:
    /// The server of this binary. Precondition: db_main's environment has set it up.
    static TestServer& get();

    TestServer();
    ~TestServer();

    /// A new database; `migrated` clones the template with the current schema, otherwise empty.
    [[nodiscard]] std::string create_database(bool migrated = true);
    void drop_database(const std::string& name);
    [[nodiscard]] std::string url(const std::string& database) const;
    /// Directory of pg_dump and friends.
    [[nodiscard]] std::filesystem::path bin_dir() const;

private:
    std::unique_ptr<TempDir> directory_;            // both empty with PATRON_TEST_DATABASE_URL;
    std::unique_ptr<pg::EmbeddedCluster> cluster_;  // the directory outlives the cluster
    std::string base_url_;
    int counter_ = 0;
};

/// Rows of a raw SQL statement, every value as text (NULL as "<null>"). For tests that inspect
/// or tamper with storage the way an intruder with database access would.
std::vector<std::vector<std::string>> sql(const std::string& url, const std::string& statement);

/// A fixture with a fresh migrated database, test keys, a fixed clock and a Context.
class DbTest : public ::testing::Test {
protected:
    DbTest();
    void SetUp() override;
    void TearDown() override;

    [[nodiscard]] Context context() { return Context{*database_, keys_, clock_}; }
    /// sql() on this test's database.
    std::vector<std::vector<std::string>> sql(const std::string& statement) const;
    /// The single value of a one-row, one-column statement.
    [[nodiscard]] std::string sql_value(const std::string& statement) const;

    std::string name_;
    std::string url_;
    std::unique_ptr<store::Database> database_;
    KeyRing keys_;
    FixedClock clock_;
};

}  // namespace patron::test
