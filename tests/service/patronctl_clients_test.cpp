// patronctl clients add / list / revoke: the token is printed once, at add, and never again; a
// listing shows clients without tokens; a revoked client stays listed as revoked; a bad or
// patron role and a non-admin caller are refused with exit status 1 and change nothing.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

const std::regex kToken("pt_[A-Za-z0-9_-]{43}");

class PatronctlClients : public PatronctlTest {
protected:
    void SetUp() override { ASSERT_EQ(patronctl({"demo"}).exit_code, 0); }

    /// The clients `clients list --json` gives.
    nlohmann::json listed() {
        const auto result = patronctl({"--json", "clients", "list"});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return nlohmann::json::parse(result.out)["clients"];
    }
};

TEST_F(PatronctlClients, AddPrintsTheTokenOnceAndListShowsTheClientWithoutIt) {
    const auto added = patronctl({"clients", "add", "--name", "kiosk-3", "--role", "kiosk"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    std::smatch token;
    ASSERT_TRUE(std::regex_search(added.out, token, kToken));
    EXPECT_TRUE(has(added.out, "Store the token now"));
    EXPECT_TRUE(has(added.out, "kiosk-3"));

    const auto list = patronctl({"clients", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(has(list.out, "kiosk-3"));
    EXPECT_TRUE(has(list.out, "active"));
    EXPECT_FALSE(has(list.out, "pt_"));
    EXPECT_FALSE(has(list.out, token.str()));

    const auto clients = listed();
    ASSERT_EQ(clients.size(), 1U);
    EXPECT_EQ(clients[0]["name"], "kiosk-3");
    EXPECT_EQ(clients[0]["role"], "kiosk");
    EXPECT_TRUE(clients[0]["revoked_at"].is_null());
    EXPECT_TRUE(clients[0]["last_used_at"].is_null());
    EXPECT_FALSE(clients[0].contains("token"));
    EXPECT_FALSE(has(clients.dump(), "pt_"));
}

TEST_F(PatronctlClients, JsonAddGivesNameRoleAndToken) {
    const auto added =
        patronctl({"--json", "clients", "add", "--name", "billing-system", "--role", "billing"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    const auto j = nlohmann::json::parse(added.out);
    EXPECT_EQ(j["name"], "billing-system");
    EXPECT_EQ(j["role"], "billing");
    EXPECT_TRUE(std::regex_match(j["token"].get<std::string>(), kToken));
}

TEST_F(PatronctlClients, EveryAddMakesANewToken) {
    const auto a = patronctl({"clients", "add", "--name", "kiosk-1", "--role", "kiosk"});
    const auto b = patronctl({"clients", "add", "--name", "kiosk-2", "--role", "kiosk"});
    std::smatch ta, tb;
    ASSERT_TRUE(std::regex_search(a.out, ta, kToken));
    ASSERT_TRUE(std::regex_search(b.out, tb, kToken));
    EXPECT_NE(ta.str(), tb.str());
}

TEST_F(PatronctlClients, RevokeMarksTheClientRevokedAndTheNameStaysTaken) {
    ASSERT_EQ(patronctl({"clients", "add", "--name", "kiosk-1", "--role", "kiosk"}).exit_code, 0);
    const auto revoked = patronctl({"clients", "revoke", "--name", "kiosk-1"});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
    EXPECT_TRUE(has(revoked.out, "revoked client kiosk-1"));

    const auto clients = listed();
    ASSERT_EQ(clients.size(), 1U);
    EXPECT_FALSE(clients[0]["revoked_at"].is_null());
    EXPECT_TRUE(has(patronctl({"clients", "list"}).out, "revoked"));

    const auto again = patronctl({"clients", "revoke", "--name", "kiosk-1"});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_TRUE(has(again.err, "already revoked"));
    const auto reused = patronctl({"clients", "add", "--name", "kiosk-1", "--role", "kiosk"});
    EXPECT_EQ(reused.exit_code, 1);
    EXPECT_FALSE(std::regex_search(reused.out, kToken));
    EXPECT_EQ(patronctl({"clients", "revoke", "--name", "nobody"}).exit_code, 1);
}

TEST_F(PatronctlClients, BadRolesAndNamesExitOneWithoutAToken) {
    for (const std::string role : {"patron", "librarian", ""}) {
        SCOPED_TRACE(role);
        const auto result = patronctl({"clients", "add", "--name", "web", "--role", role});
        EXPECT_EQ(result.exit_code, 1);
        EXPECT_TRUE(has(result.err, "role"));
        EXPECT_FALSE(std::regex_search(result.out, kToken));
    }
    const auto bad_name = patronctl({"clients", "add", "--name", "Kiosk 1", "--role", "kiosk"});
    EXPECT_EQ(bad_name.exit_code, 1);
    EXPECT_TRUE(has(bad_name.err, "name"));
    EXPECT_TRUE(listed().empty());
}

TEST_F(PatronctlClients, ANonAdminRoleIsRefused) {
    ASSERT_EQ(patronctl({"clients", "add", "--name", "kiosk-1", "--role", "kiosk"}).exit_code, 0);
    for (const std::string role : {"circulation", "dpo", "kiosk"}) {
        SCOPED_TRACE(role);
        const auto add =
            patronctl({"--role", role, "clients", "add", "--name", "intruder", "--role", "admin"});
        EXPECT_EQ(add.exit_code, 1);
        EXPECT_TRUE(has(add.err, "may not client.manage"));
        EXPECT_FALSE(std::regex_search(add.out, kToken));
        EXPECT_EQ(patronctl({"--role", role, "clients", "list"}).exit_code, 1);
        EXPECT_EQ(patronctl({"--role", role, "clients", "revoke", "--name", "kiosk-1"}).exit_code,
                  1);
    }
    const auto clients = listed();
    ASSERT_EQ(clients.size(), 1U);
    EXPECT_TRUE(clients[0]["revoked_at"].is_null());
}

TEST_F(PatronctlClients, MissingOptionsAreAUsageError) {
    EXPECT_EQ(patronctl({"clients", "add", "--name", "kiosk-1"}).exit_code, 2);
    EXPECT_EQ(patronctl({"clients", "revoke"}).exit_code, 2);
}

}  // namespace
}  // namespace patron::test
