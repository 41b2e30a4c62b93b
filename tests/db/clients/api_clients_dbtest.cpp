// The API client registry: a token is made once, authenticates as its client until revoked, and
// is stored only as its SHA-256; names follow the rule and are never reused; only an
// administrator manages clients, and each add, list and revoke is audited; a client's last use
// is written at most once a minute.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "db/register/register_fixture.hpp"
#include "patron/clients/api_clients.hpp"
#include "patron/domain/date.hpp"

namespace patron::test {
namespace {

constexpr std::array kClientRoles{Role::circulation, Role::home_service, Role::kiosk,
                                  Role::billing,     Role::dpo,          Role::admin};

std::string hex(std::string_view bytes) {
    std::string out;
    for (const unsigned char c : bytes) out += fmt::format("{:02x}", c);
    return out;
}

std::string sha256_hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EXPECT_EQ(EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr),
              1);
    return hex({reinterpret_cast<const char*>(digest.data()), length});
}

/// The bytes behind base64url text without padding.
std::string base64url_decode(std::string_view text) {
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (const char c : text) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        if (c >= '0' && c <= '9') v = c - '0' + 52;
        if (c == '-') v = 62;
        if (c == '_') v = 63;
        EXPECT_GE(v, 0) << "not base64url";
        bits = (bits << 6) | static_cast<unsigned>(v & 63);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xff));
        }
    }
    return out;
}

class ApiClientsTest : public RegisterDbTest {
protected:
    const Caller admin_ = staff(Role::admin);

    NewClient add(std::string_view name, Role role = Role::kiosk) {
        ApiClients clients(context());
        auto added = clients.add(admin_, name, role);
        EXPECT_TRUE(Succeeded(added));
        return added.value_or(NewClient{});
    }

    std::optional<Caller> authenticate(std::string_view token) {
        return ApiClients(context()).authenticate(token, "http api");
    }

    /// Rows of every table of the register whose text contains `text`, as "table:count".
    [[nodiscard]] std::vector<std::string> tables_containing(std::string_view text) const {
        std::vector<std::string> out;
        for (const auto& table :
             sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            const long n = count(
                fmt::format("SELECT count(*) FROM {} t WHERE t::text LIKE '%{}%'", table[0], text));
            if (n > 0) out.push_back(fmt::format("{}:{}", table[0], n));
        }
        return out;
    }

    /// last_used_at of a client in whole seconds since the epoch, or "<null>".
    [[nodiscard]] std::string last_used(std::string_view name) const {
        return sql_value(fmt::format(
            "SELECT extract(epoch FROM last_used_at)::bigint FROM api_clients WHERE name = '{}'",
            name));
    }

    [[nodiscard]] std::string seconds(TimePoint at) const {
        return std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
    }

    [[nodiscard]] long client_count() const { return count("SELECT count(*) FROM api_clients"); }

    /// Both tables a managing call writes, as text, to show that a call wrote nothing.
    [[nodiscard]] std::string fingerprint() const {
        return sql_value(
            "SELECT (SELECT count(*) || ':' || coalesce(md5(string_agg(c::text, '|' ORDER BY "
            "c.id)), '') FROM api_clients c) || '/' || (SELECT count(*) FROM audit_log)");
    }

    /// Audit entries after `after_id` as "actor|role|action|patron_id|fields|outcome|purpose".
    [[nodiscard]] std::vector<std::string> audit_lines_after(long after_id) const {
        std::vector<std::string> out;
        for (const auto& row : sql(fmt::format(
                 "SELECT actor || '|' || role || '|' || action || '|' || "
                 "coalesce(patron_id::text, 'null') || '|' || fields::text || '|' || "
                 "coalesce(outcome, 'null') || '|' || purpose FROM audit_log WHERE id > {} "
                 "ORDER BY id",
                 after_id))) {
            out.push_back(row[0]);
        }
        return out;
    }
};

TEST_F(ApiClientsTest, AddedTokenAuthenticatesAsTheClientInItsRole) {
    const NewClient added = add("desk-main", Role::circulation);
    EXPECT_EQ(added.info.name, "desk-main");
    EXPECT_EQ(added.info.role, Role::circulation);
    EXPECT_EQ(added.info.created_at, clock_.now());
    EXPECT_EQ(added.info.created_by, "staff-1");
    EXPECT_FALSE(added.info.revoked_at);
    EXPECT_FALSE(added.info.last_used_at);

    // "pt_" and 32 random bytes in base64url without padding.
    ASSERT_EQ(added.token.size(), 46U);
    EXPECT_TRUE(added.token.starts_with("pt_"));
    EXPECT_EQ(base64url_decode(added.token.substr(3)).size(), 32U);

    const auto caller = authenticate(added.token);
    ASSERT_TRUE(caller);
    EXPECT_EQ(caller->actor, "desk-main");
    EXPECT_EQ(caller->role, Role::circulation);
    EXPECT_EQ(caller->purpose, "http api");
    EXPECT_FALSE(caller->self);
}

TEST_F(ApiClientsTest, EveryClientGetsItsOwnToken) {
    const NewClient a = add("kiosk-1");
    const NewClient b = add("kiosk-2");
    EXPECT_NE(a.token, b.token);
    EXPECT_EQ(authenticate(a.token)->actor, "kiosk-1");
    EXPECT_EQ(authenticate(b.token)->actor, "kiosk-2");
}

TEST_F(ApiClientsTest, TheTokenIsStoredOnlyAsItsSha256) {
    const NewClient added = add("billing-system", Role::billing);
    EXPECT_EQ(sql_value("SELECT encode(token_hash, 'hex') FROM api_clients"),
              sha256_hex(added.token));
    const std::string random_part = added.token.substr(3);
    // Not the token, its random part, its bytes in hex (bytea as text), nor a hash of the bytes
    // alone: anywhere in the database, audit log included.
    EXPECT_EQ(tables_containing(added.token), std::vector<std::string>{});
    EXPECT_EQ(tables_containing(random_part), std::vector<std::string>{});
    EXPECT_EQ(tables_containing(hex(base64url_decode(random_part))), std::vector<std::string>{});
    EXPECT_EQ(tables_containing(sha256_hex(base64url_decode(random_part))),
              std::vector<std::string>{});
    EXPECT_EQ(tables_containing(sha256_hex(added.token)),
              std::vector<std::string>{"api_clients:1"});
}

TEST_F(ApiClientsTest, ARevokedTokenNoLongerAuthenticates) {
    const NewClient kept = add("kiosk-1");
    const NewClient gone = add("kiosk-2");
    clock_.advance(std::chrono::minutes(5));
    ASSERT_TRUE(Succeeded(ApiClients(context()).revoke(admin_, "kiosk-2")));
    EXPECT_FALSE(authenticate(gone.token));
    EXPECT_TRUE(authenticate(kept.token));

    const auto all = ApiClients(context()).list(admin_);
    ASSERT_TRUE(Succeeded(all));
    ASSERT_EQ(all->size(), 2U);
    EXPECT_FALSE((*all)[0].revoked_at);
    EXPECT_EQ((*all)[1].revoked_at, clock_.now());
    EXPECT_EQ((*all)[1].revoked_by, "staff-1");
}

TEST_F(ApiClientsTest, RevokingTwiceIsAConflictAndAnUnknownNameNotFound) {
    add("kiosk-1");
    ApiClients clients(context());
    ASSERT_TRUE(Succeeded(clients.revoke(admin_, "kiosk-1")));
    const std::string before = fingerprint();

    const auto again = clients.revoke(admin_, "kiosk-1");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::conflict);
    EXPECT_EQ(again.error().field, "name");

    const auto unknown = clients.revoke(admin_, "kiosk-9");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
    EXPECT_EQ(fingerprint(), before);
}

TEST_F(ApiClientsTest, WrongMalformedOrEmptyTokensAuthenticateNoOne) {
    const NewClient added = add("kiosk-1");
    std::string wrong = added.token;
    wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(authenticate(wrong));
    EXPECT_FALSE(authenticate(""));
    EXPECT_FALSE(authenticate("pt_"));
    EXPECT_FALSE(authenticate(added.token.substr(3)));                          // no prefix
    EXPECT_FALSE(authenticate("xx_" + added.token.substr(3)));                  // another prefix
    EXPECT_FALSE(authenticate(added.token + "A"));                              // too long
    EXPECT_FALSE(authenticate(added.token.substr(0, added.token.size() - 1)));  // too short
    EXPECT_FALSE(authenticate(added.token + "\n"));
    EXPECT_FALSE(authenticate(" " + added.token.substr(1)));
    std::string binary = added.token;
    binary[20] = '\0';
    EXPECT_FALSE(authenticate(binary));
    std::string plus = added.token;
    plus[20] = '+';
    EXPECT_FALSE(authenticate(plus));
    // None of them counted as the client's use.
    EXPECT_EQ(last_used("kiosk-1"), "<null>");
    // The right one still works.
    EXPECT_TRUE(authenticate(added.token));
}

TEST_F(ApiClientsTest, AMalformedTokenCostsNoDatabaseWork) {
    CountingDatabase counting(*database_);
    ApiClients clients(Context{counting, keys_, clock_});
    EXPECT_FALSE(clients.authenticate("Bearer something", "http api"));
    EXPECT_FALSE(clients.authenticate(std::string(46, '\xff'), "http api"));
    EXPECT_EQ(counting.begun(), 0);
}

TEST_F(ApiClientsTest, LastUseIsWrittenAtMostOnceAMinute) {
    const NewClient added = add("kiosk-1");
    EXPECT_EQ(last_used("kiosk-1"), "<null>");

    const TimePoint first = clock_.now();
    ASSERT_TRUE(authenticate(added.token));
    EXPECT_EQ(last_used("kiosk-1"), seconds(first));

    clock_.advance(std::chrono::seconds(59));
    const std::string before = fingerprint();
    ASSERT_TRUE(authenticate(added.token));
    EXPECT_EQ(fingerprint(), before) << "a use within the minute wrote the row";

    clock_.advance(std::chrono::seconds(2));
    ASSERT_TRUE(authenticate(added.token));
    EXPECT_EQ(last_used("kiosk-1"), seconds(clock_.now()));

    const auto all = ApiClients(context()).list(admin_);
    ASSERT_TRUE(Succeeded(all));
    ASSERT_EQ(all->size(), 1U);
    EXPECT_EQ((*all)[0].last_used_at, clock_.now());
}

TEST_F(ApiClientsTest, NamesFollowTheRule) {
    ApiClients clients(context());
    const std::vector<std::string> valid{"a",           "7",       "kiosk-3",
                                         "desk.main_1", "0-a.b_c", std::string(64, 'k')};
    for (const std::string& name : valid) {
        SCOPED_TRACE(name);
        EXPECT_TRUE(Succeeded(clients.add(admin_, name, Role::kiosk)));
    }
    const long added = client_count();
    const std::vector<std::string> invalid_names{"",
                                                 "Kiosk",
                                                 "-a",
                                                 ".a",
                                                 "_a",
                                                 "a b",
                                                 "kiosk/3",
                                                 "k\xc3\xa4",
                                                 "a\n",
                                                 std::string("a\0b", 3),
                                                 std::string(65, 'k')};
    for (const std::string& name : invalid_names) {
        SCOPED_TRACE(name);
        const auto refused = clients.add(admin_, name, Role::kiosk);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
        EXPECT_EQ(refused.error().field, "name");
    }
    EXPECT_EQ(client_count(), added);
}

TEST_F(ApiClientsTest, EveryStaffRoleMayHaveTokensButNotRolePatron) {
    for (const Role role : kClientRoles) {
        SCOPED_TRACE(to_string(role));
        const NewClient added = add(fmt::format("client-{}", to_string(role)), role);
        const auto caller = authenticate(added.token);
        ASSERT_TRUE(caller);
        EXPECT_EQ(caller->role, role);
    }
    const std::string before = fingerprint();
    const auto refused = ApiClients(context()).add(admin_, "web-patron", Role::patron);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(refused.error().field, "role");
    EXPECT_EQ(fingerprint(), before);
}

TEST_F(ApiClientsTest, ANameIsNeverReusedNotEvenAfterRevoking) {
    const NewClient first = add("kiosk-1");
    ApiClients clients(context());
    const std::string before = fingerprint();
    const auto taken = clients.add(admin_, "kiosk-1", Role::admin);
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, ErrorCode::conflict);
    EXPECT_EQ(taken.error().field, "name");
    EXPECT_EQ(fingerprint(), before);

    ASSERT_TRUE(Succeeded(clients.revoke(admin_, "kiosk-1")));
    const auto reused = clients.add(admin_, "kiosk-1", Role::kiosk);
    ASSERT_FALSE(reused);
    EXPECT_EQ(reused.error().code, ErrorCode::conflict);
    EXPECT_EQ(reused.error().field, "name");
    EXPECT_EQ(client_count(), 1);
    EXPECT_FALSE(authenticate(first.token));
}

TEST_F(ApiClientsTest, OnlyAnAdministratorManagesClients) {
    const NewClient added = add("kiosk-1");
    std::vector<Caller> callers;
    for (const Role role : kClientRoles) {
        if (role != Role::admin) callers.push_back(staff(role));
    }
    callers.push_back(self_service(add_adult(2)));
    // A client authenticated with its own admin token is an administrator like any other.
    const auto admin_client = authenticate(add("ops-tool", Role::admin).token);
    ASSERT_TRUE(admin_client);

    for (const Caller& caller : callers) {
        SCOPED_TRACE(to_string(caller.role));
        ApiClients clients(context());
        const std::string before = fingerprint();
        const auto add_refused = clients.add(caller, "intruder", Role::admin);
        ASSERT_FALSE(add_refused);
        EXPECT_EQ(add_refused.error().code, ErrorCode::permission_denied);
        const auto list_refused = clients.list(caller);
        ASSERT_FALSE(list_refused);
        EXPECT_EQ(list_refused.error().code, ErrorCode::permission_denied);
        const auto revoke_refused = clients.revoke(caller, "kiosk-1");
        ASSERT_FALSE(revoke_refused);
        EXPECT_EQ(revoke_refused.error().code, ErrorCode::permission_denied);
        EXPECT_EQ(fingerprint(), before);
        EXPECT_TRUE(authenticate(added.token));
    }
    EXPECT_TRUE(Succeeded(ApiClients(context()).list(*admin_client)));
}

TEST_F(ApiClientsTest, ACallerWithoutActorOrPurposeIsRefused) {
    ApiClients clients(context());
    Caller no_actor = admin_;
    no_actor.actor.clear();
    Caller no_purpose = admin_;
    no_purpose.purpose.clear();
    const auto a = clients.add(no_actor, "kiosk-1", Role::kiosk);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().field, "actor");
    const auto p = clients.list(no_purpose);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().field, "purpose");
    EXPECT_EQ(client_count(), 0);
}

TEST_F(ApiClientsTest, AddListAndRevokeAreAuditedAndAuthenticationIsNot) {
    const long start = last_audit_id();
    const NewClient added = add("kiosk-1");
    ASSERT_TRUE(authenticate(added.token));
    ApiClients clients(context());
    ASSERT_TRUE(Succeeded(clients.list(admin_)));
    ASSERT_TRUE(Succeeded(clients.revoke(admin_, "kiosk-1")));
    // Refusals write nothing.
    EXPECT_FALSE(clients.revoke(admin_, "kiosk-1"));
    EXPECT_FALSE(clients.add(admin_, "kiosk-1", Role::kiosk));
    EXPECT_FALSE(authenticate(added.token));

    EXPECT_EQ(audit_lines_after(start),
              (std::vector<std::string>{
                  "staff-1|admin|client.manage|null|{api_clients}|added kiosk-1 as kiosk|test",
                  "staff-1|admin|client.manage|null|{api_clients}|listed|test",
                  "staff-1|admin|client.manage|null|{api_clients}|revoked kiosk-1|test"}));
}

TEST_F(ApiClientsTest, ListGivesEveryClientInTheOrderAdded) {
    add("zeta", Role::dpo);
    clock_.advance(std::chrono::hours(1));
    add("alpha", Role::billing);
    const auto all = ApiClients(context()).list(admin_);
    ASSERT_TRUE(Succeeded(all));
    ASSERT_EQ(all->size(), 2U);
    EXPECT_EQ((*all)[0].name, "zeta");
    EXPECT_EQ((*all)[0].role, Role::dpo);
    EXPECT_EQ((*all)[1].name, "alpha");
    EXPECT_EQ((*all)[1].role, Role::billing);
    EXPECT_EQ((*all)[1].created_at, clock_.now());
    EXPECT_EQ((*all)[1].created_by, "staff-1");
    EXPECT_FALSE((*all)[1].last_used_at);
}

}  // namespace
}  // namespace patron::test
