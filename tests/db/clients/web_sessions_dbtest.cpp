// Web-library sessions: a correct card and PIN (a kiosk verification, audited, with lockout and
// throttling) opens a session whose token authenticates as the patron until a lifetime fixed at
// login; any other answer opens none. Only the token's SHA-256 is stored; logout ends a session
// at once, a session dies with its patron, and expired ones are deleted at the next login.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/pin/pin_fixture.hpp"
#include "patron/clients/web_sessions.hpp"
#include "support/process.hpp"

namespace patron::test {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr seconds kLifetime = minutes(15);
constexpr std::string_view kGatewayPurpose = "web library login";

/// The web front end, carrying the patrons' logins.
Caller web_gateway(Role role = Role::kiosk) {
    return Caller{"web-front", role, std::string(kGatewayPurpose), std::nullopt};
}

class WebSessionsTest : public PinDbTest {
protected:
    void SetUp() override {
        PinDbTest::SetUp();
        verifier_ = std::make_unique<KioskVerifier>(context(), kFastPins, KioskSettings{},
                                                    CirculationSettings{});
        sessions_ = std::make_unique<WebSessions>(context(), *verifier_, kLifetime);
    }

    /// A login through the web gateway that the verifier answers (the test fails on a refusal).
    WebLogin login(const std::string& card, std::string_view pin) {
        auto result = sessions_->login(web_gateway(), card, pin);
        EXPECT_TRUE(Succeeded(result));
        return result.value_or(WebLogin{});
    }

    /// The token of a login with a correct PIN of card `n`.
    std::string token_of(int n) {
        const WebLogin done = login(card_for(n), kPin);
        EXPECT_TRUE(done.session);
        return done.session ? done.session->token : std::string();
    }

    std::optional<Caller> authenticate(std::string_view token) {
        return sessions_->authenticate(token, "web library");
    }

    /// The patron a token authenticates as, if any.
    std::optional<PatronId> self_of(std::string_view token) {
        const auto caller = authenticate(token);
        return caller ? caller->self : std::nullopt;
    }

    [[nodiscard]] long session_count() const { return count("SELECT count(*) FROM web_sessions"); }

    /// The patrons of the stored sessions, by id, expired ones included.
    [[nodiscard]] std::vector<std::int64_t> session_patrons() const {
        std::vector<std::int64_t> out;
        for (const auto& row : sql("SELECT patron_id FROM web_sessions ORDER BY patron_id")) {
            out.push_back(std::stoll(row[0]));
        }
        return out;
    }

    /// The gateway's verification entries: "actor|role|patron_id|outcome|fields|purpose".
    static std::string gateway_line(std::string_view outcome, std::optional<PatronId> patron) {
        return fmt::format("web-front|kiosk|{}|{}|{{}}|{}",
                           patron ? std::to_string(patron->value) : "null", outcome,
                           kGatewayPurpose);
    }

    /// SHA-256 of `token` in hex, computed by PostgreSQL (not by the code under test).
    [[nodiscard]] std::string sha256_hex(std::string_view token) const {
        return sql_value(
            fmt::format("SELECT encode(sha256(convert_to('{}', 'UTF8')), 'hex')", token));
    }

    std::unique_ptr<KioskVerifier> verifier_;
    std::unique_ptr<WebSessions> sessions_;
};

TEST_F(WebSessionsTest, CorrectPinOpensASessionThatAuthenticatesAsThePatron) {
    const PatronId id = add_adult_with_pin(2);
    const long start = last_audit_id();
    const WebLogin done = login(card_for(2), kPin);

    EXPECT_EQ(done.answer.outcome, VerifyOutcome::verified);
    EXPECT_TRUE(done.answer.pin_ok);
    EXPECT_EQ(done.answer.patron, id);
    ASSERT_TRUE(done.session);
    EXPECT_EQ(done.session->expires_at, clock_.now() + kLifetime);
    // "ps_" and 32 random bytes in base64url without padding (decoded by PostgreSQL).
    const std::string& token = done.session->token;
    ASSERT_EQ(token.size(), 46U);
    EXPECT_TRUE(token.starts_with("ps_"));
    EXPECT_EQ(
        sql_value(fmt::format("SELECT octet_length(decode(translate('{}=', '-_', '+/'), 'base64'))",
                              token.substr(3))),
        "32");
    // The stored row: the patron, from now until the lifetime has passed.
    EXPECT_EQ(sql_value(fmt::format("SELECT patron_id || ' ' || (created_at = '{}') || ' ' || "
                                    "(expires_at = '{}') FROM web_sessions",
                                    to_iso(clock_.now()), to_iso(clock_.now() + kLifetime))),
              fmt::format("{} true true", id.value));
    // The login is the gateway's audited kiosk verification of the patron.
    EXPECT_EQ(kiosk_audit_after(start), std::vector<std::string>{gateway_line("verified", id)});

    const auto caller = authenticate(token);
    ASSERT_TRUE(caller);
    EXPECT_EQ(caller->actor, "web-session");
    EXPECT_EQ(caller->role, Role::patron);
    EXPECT_EQ(caller->purpose, "web library");
    EXPECT_EQ(caller->self, id);
    // Authenticating is not audited (the calls made with the caller are).
    EXPECT_EQ(last_audit_id(), start + 1);
}

TEST_F(WebSessionsTest, EveryLoginOpensItsOwnSessionForItsOwnPatron) {
    const PatronId first = add_adult_with_pin(2);
    const PatronId second = add_adult_with_pin(3);
    const std::string a = token_of(2);
    const std::string b = token_of(2);
    const std::string c = token_of(3);
    EXPECT_NE(a, b);
    EXPECT_EQ(session_count(), 3);
    EXPECT_EQ(self_of(a), first);
    EXPECT_EQ(self_of(b), first);
    EXPECT_EQ(self_of(c), second);
}

TEST_F(WebSessionsTest, AnyOtherAnswerOpensNoSession) {
    const PatronId with_pin = add_adult_with_pin(2);
    const PatronId without_pin = add_adult(3);
    const PatronId locked = add_adult_with_pin(4);
    const long start = last_audit_id();

    const WebLogin wrong = login(card_for(2), kWrongPin);
    EXPECT_EQ(wrong.answer.outcome, VerifyOutcome::wrong_pin);
    EXPECT_TRUE(wrong.answer.card_known);
    EXPECT_FALSE(wrong.answer.patron);
    EXPECT_FALSE(wrong.session);
    EXPECT_EQ(failed_attempts(with_pin), 1);

    const WebLogin unknown = login(card_for(999), kPin);
    EXPECT_EQ(unknown.answer.outcome, VerifyOutcome::unknown_card);
    EXPECT_FALSE(unknown.answer.card_known);
    EXPECT_FALSE(unknown.answer.patron);
    EXPECT_FALSE(unknown.session);

    const WebLogin no_pin = login(card_for(3), kPin);
    EXPECT_EQ(no_pin.answer.outcome, VerifyOutcome::no_pin);
    EXPECT_FALSE(no_pin.answer.patron);
    EXPECT_FALSE(no_pin.session);

    // Five wrong PINs lock the card (kFastPins' lockout); then even the right PIN opens nothing.
    for (int i = 0; i < 5; ++i) (void)login(card_for(4), kWrongPin);
    const WebLogin locked_out = login(card_for(4), kPin);
    EXPECT_EQ(locked_out.answer.outcome, VerifyOutcome::locked);
    EXPECT_TRUE(locked_out.answer.locked_until);
    EXPECT_FALSE(locked_out.answer.patron);
    EXPECT_FALSE(locked_out.session);

    EXPECT_EQ(session_count(), 0);
    std::vector<std::string> expected{gateway_line("wrong_pin", with_pin),
                                      gateway_line("unknown_card", std::nullopt),
                                      gateway_line("no_pin", without_pin)};
    for (int i = 0; i < 5; ++i) expected.push_back(gateway_line("wrong_pin", locked));
    expected.push_back(gateway_line("locked", locked));
    EXPECT_EQ(kiosk_audit_after(start), expected);
}

TEST_F(WebSessionsTest, AThrottledGatewayOpensNoSession) {
    add_adult_with_pin(2);
    KioskVerifier strict(context(), kFastPins, KioskSettings{.failure_limit = 1}, {});
    WebSessions sessions(context(), strict, kLifetime);
    ASSERT_TRUE(Succeeded(sessions.login(web_gateway(), card_for(2), kWrongPin)));

    const auto throttled = sessions.login(web_gateway(), card_for(2), kPin);
    ASSERT_TRUE(Succeeded(throttled));
    EXPECT_EQ(throttled->answer.outcome, VerifyOutcome::throttled);
    EXPECT_TRUE(throttled->answer.retry_after);
    EXPECT_FALSE(throttled->answer.patron);
    EXPECT_FALSE(throttled->session);
    EXPECT_EQ(session_count(), 0);
}

TEST_F(WebSessionsTest, AGatewayWhoseRoleMayNotVerifyPinsIsRefused) {
    const PatronId id = add_adult_with_pin(2);
    // The permission table lets roles kiosk and admin verify PINs; no other carries logins.
    for (const Role role :
         {Role::circulation, Role::home_service, Role::billing, Role::dpo, Role::patron}) {
        SCOPED_TRACE(to_string(role));
        const long audits = audit_count();
        const std::string pins = pins_fingerprint();
        Caller gateway = web_gateway(role);
        if (role == Role::patron) gateway.self = id;
        EXPECT_TRUE(Refused(sessions_->login(gateway, card_for(2), kPin),
                            ErrorCode::permission_denied, ""));
        EXPECT_EQ(session_count(), 0);
        EXPECT_EQ(audit_count(), audits);
        EXPECT_EQ(pins_fingerprint(), pins);
    }
    const auto admin = sessions_->login(web_gateway(Role::admin), card_for(2), kPin);
    ASSERT_TRUE(Succeeded(admin));
    EXPECT_TRUE(admin->session);
}

TEST_F(WebSessionsTest, AMalformedCardNumberIsRefusedAsInput) {
    add_adult_with_pin(2);
    const long audits = audit_count();
    EXPECT_TRUE(Refused(sessions_->login(web_gateway(), "", kPin), ErrorCode::invalid_input,
                        "card_number"));
    EXPECT_EQ(session_count(), 0);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(WebSessionsTest, TheTokenIsStoredOnlyAsItsSha256) {
    add_adult_with_pin(2);
    const std::string token = token_of(2);
    const std::string stored = sql_value("SELECT encode(token_hash, 'hex') FROM web_sessions");
    EXPECT_EQ(stored, sha256_hex(token));

    const ProcessResult dump = run_process(
        {(TestServer::get().bin_dir() / "pg_dump").string(), "--no-owner", "--dbname=" + url_});
    ASSERT_EQ(dump.exit_code, 0) << "pg_dump failed: " << dump.err;
    // Not the token, its random part, nor that part's bytes in hex (as bytea shows them), in any
    // table, audit log included.
    const std::string random_part = token.substr(3);
    const std::string random_hex = sql_value(fmt::format(
        "SELECT encode(decode(translate('{}=', '-_', '+/'), 'base64'), 'hex')", random_part));
    EXPECT_EQ(dump.out.find(random_part), std::string::npos) << "the token is in the dump";
    EXPECT_EQ(dump.out.find(random_hex), std::string::npos) << "the token's bytes are in the dump";
    // The dump does hold the session: its hash is there.
    EXPECT_NE(dump.out.find("COPY public.web_sessions"), std::string::npos);
    EXPECT_NE(dump.out.find(stored), std::string::npos);
}

TEST_F(WebSessionsTest, ASessionEndsWhenItsLifetimeFromLoginHasPassed) {
    const PatronId id = add_adult_with_pin(2);
    const std::string token = token_of(2);
    // Used throughout its lifetime, it is not extended by use.
    for (int i = 0; i < 14; ++i) {
        clock_.advance(minutes(1));
        ASSERT_TRUE(authenticate(token));
    }
    clock_.advance(seconds(59));
    EXPECT_EQ(self_of(token), id);
    clock_.advance(seconds(1));
    EXPECT_FALSE(authenticate(token));
    EXPECT_FALSE(sessions_->logout(token)) << "an expired session is no live session";
}

TEST_F(WebSessionsTest, LogoutEndsTheSessionAtOnce) {
    add_adult_with_pin(2);
    const std::string ended = token_of(2);
    const std::string kept = token_of(2);

    EXPECT_TRUE(sessions_->logout(ended));
    EXPECT_FALSE(authenticate(ended));
    EXPECT_FALSE(sessions_->logout(ended));
    EXPECT_EQ(session_count(), 1);
    // The patron's other session is another one.
    EXPECT_TRUE(authenticate(kept));
}

TEST_F(WebSessionsTest, LogoutOfAnExpiredSessionDeletesItAndEndsNothing) {
    add_adult_with_pin(2);
    const std::string token = token_of(2);
    clock_.advance(kLifetime);
    EXPECT_FALSE(sessions_->logout(token));
    EXPECT_EQ(session_count(), 0);
}

TEST_F(WebSessionsTest, WrongOrMalformedTokensAuthenticateNoOne) {
    add_adult_with_pin(2);
    const std::string token = token_of(2);
    const std::string random_part = token.substr(3);

    std::string wrong = token;
    wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(authenticate(wrong));
    EXPECT_FALSE(sessions_->logout(wrong));

    CountingDatabase counting(*database_);
    WebSessions sessions(Context{counting, keys_, clock_}, *verifier_, kLifetime);
    std::string binary = token;
    binary[20] = '\0';
    const std::vector<std::string> malformed{
        "",
        "ps_",
        random_part,          // no prefix
        "pt_" + random_part,  // an API client's prefix
        "PS_" + random_part,
        token + "A",                        // too long
        token.substr(0, token.size() - 1),  // too short
        token + "=",                        // padded
        token + "\n",
        " " + token.substr(1),
        binary,
        "ps_" + random_part.substr(0, 20) + "+" + random_part.substr(21),
        "ps_" + random_part.substr(0, 20) + "/" + random_part.substr(21),
        "Bearer " + token};
    for (std::size_t i = 0; i < malformed.size(); ++i) {
        SCOPED_TRACE(i);  // the case's index, not the token
        EXPECT_FALSE(sessions.authenticate(malformed[i], "web library"));
        EXPECT_FALSE(sessions.logout(malformed[i]));
    }
    EXPECT_EQ(counting.begun(), 0) << "a malformed token cost database work";
    // The right one still works.
    EXPECT_TRUE(authenticate(token));
    EXPECT_EQ(session_count(), 1);
}

TEST_F(WebSessionsTest, ExpiredSessionsOfAllPatronsAreDeletedAtTheNextLogin) {
    const PatronId first = add_adult_with_pin(2);
    const PatronId second = add_adult_with_pin(3);
    const PatronId third = add_adult_with_pin(4);
    const std::string expired = token_of(2);
    clock_.advance(minutes(10));
    const std::string live = token_of(3);
    clock_.advance(minutes(6));  // the first session expired a minute ago, the second has 9 left
    ASSERT_FALSE(authenticate(expired));
    EXPECT_EQ(session_patrons(), (std::vector<std::int64_t>{first.value, second.value}));

    // A login that opens no session writes nothing but what the verification writes.
    EXPECT_FALSE(login(card_for(4), kWrongPin).session);
    EXPECT_EQ(session_count(), 2);

    (void)token_of(4);
    EXPECT_EQ(session_patrons(), (std::vector<std::int64_t>{second.value, third.value}));
    EXPECT_EQ(sql_value(fmt::format("SELECT count(*) FROM web_sessions WHERE token_hash = "
                                    "decode('{}', 'hex')",
                                    sha256_hex(expired))),
              "0");
    EXPECT_EQ(self_of(live), second);
}

TEST_F(WebSessionsTest, ASessionDiesWithItsPatron) {
    const PatronId gone = add_adult_with_pin(2);
    const PatronId kept = add_adult_with_pin(3);
    const std::string gone_token = token_of(2);
    const std::string kept_token = token_of(3);

    // The register has no erasure yet: delete the row as it will.
    sql(fmt::format("DELETE FROM patrons WHERE id = {}", gone.value));
    EXPECT_FALSE(authenticate(gone_token));
    EXPECT_EQ(session_patrons(), std::vector<std::int64_t>{kept.value});
    EXPECT_EQ(self_of(kept_token), kept);
}

}  // namespace
}  // namespace patron::test
