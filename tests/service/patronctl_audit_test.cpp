// patronctl audit verify: seals pending entries and checks the hash chain; an intruder's edit of
// the stored log is reported as tampering.

#include <gtest/gtest.h>

#include <memory>

#include "patron/pg/embedded_cluster.hpp"
#include "patronctl_fixture.hpp"
#include "support/test_cluster.hpp"

namespace patron::test {
namespace {

using PatronctlAudit = PatronctlTest;

TEST_F(PatronctlAudit, VerifyAfterDemoFindsTheLogIntact) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    const auto result = patronctl({"audit", "verify"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "audit log intact"));
    EXPECT_FALSE(has(result.out, "TAMPERED"));
}

// The test keeps the embedded server up (patronctl reuses a running one and leaves it running),
// so it can reach the database the way an intruder with database access would.
class PatronctlAuditTampering : public PatronctlTest {
protected:
    void SetUp() override {
        PatronctlTest::SetUp();
        cluster_ = pg::EmbeddedCluster::start({.directory = dir_ / "postgresql"});
        ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
        ASSERT_EQ(patronctl({"audit", "verify"}).exit_code, 0);
    }
    void TearDown() override {
        cluster_.reset();
        PatronctlTest::TearDown();
    }
    void tamper(const std::string& statement) {
        sql(cluster_->url(), "ALTER TABLE audit_log DISABLE TRIGGER USER; " + statement);
    }

    std::unique_ptr<pg::EmbeddedCluster> cluster_;
};

TEST_F(PatronctlAuditTampering, ReportsAnEditedEntry) {
    tamper("UPDATE audit_log SET actor = 'x' WHERE seal_no = 2");
    const auto result = patronctl({"audit", "verify"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.out, "TAMPERED"));
    EXPECT_FALSE(has(result.out, "intact"));
}

TEST_F(PatronctlAuditTampering, ReportsARemovedLastEntry) {
    tamper("DELETE FROM audit_log WHERE seal_no = (SELECT max(seal_no) FROM audit_log)");
    const auto result = patronctl({"audit", "verify"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.out, "TAMPERED"));
}

TEST_F(PatronctlAuditTampering, LeavesAServerItDidNotStartRunning) {
    ASSERT_EQ(patronctl({"patron", "list"}).exit_code, 0);
    // Still reachable: patronctl found the server running and did not stop it.
    EXPECT_EQ(sql(cluster_->url(), "SELECT count(*) FROM patrons"),
              (std::vector<std::vector<std::string>>{{"3"}}));
}

}  // namespace
}  // namespace patron::test
