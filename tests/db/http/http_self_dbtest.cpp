// Web-library login and logout, the session patron's own view (GET /v1/me) and their wards
// through the shared patron routes, kiosk verification over HTTP, and API client management.
// A failed login says nothing about whether the card exists: a wrong PIN, an unknown card and
// a card without a PIN get byte-for-byte the same answer.

#include <gtest/gtest.h>

#include "db/http/http_fixture.hpp"

namespace patron::test {
namespace {

using HttpSelf = HttpApiTest;

std::string path(PatronId id, std::string_view rest = "") {
    return fmt::format("/v1/patrons/{}{}", id.value, rest);
}

TEST_F(HttpSelf, ALoginGivesASessionTokenThatReadsTheOwnRecordAndWards) {
    const PatronId guardian = add_adult_with_pin(2);
    const PatronId ward = add_ward(born_years_ago(9), 3, guardian);
    add_adult(4);
    const long start = last_audit_id();
    const auto logged_in = login(card_for(2), kPin);
    const Json session = body_of(logged_in, 201);
    EXPECT_EQ(logged_in.route, "/v1/sessions");
    EXPECT_EQ(logged_in.actor, "");
    const std::string bearer = session["token"];
    EXPECT_TRUE(bearer.starts_with("ps_"));
    EXPECT_EQ(session["expires_at"], to_iso(clock_.now() + std::chrono::minutes(15)));
    // The login is a kiosk verification by patrond for the remote address.
    EXPECT_EQ(kiosk_audit_after(start),
              std::vector<std::string>{fmt::format(
                  "web@{}|kiosk|{}|verified|{{}}|web library login", kRemote, guardian.value)});

    const auto me = call("GET", "/v1/me", bearer);
    const Json view = body_of(me);
    EXPECT_EQ(me.actor, "web-session");
    EXPECT_EQ(view["patron"]["id"], guardian.value);
    EXPECT_EQ(view["patron"]["card_number"], card_for(2));
    EXPECT_EQ(view["acts_for"], Json::array({{{"id", ward.value},
                                              {"kind", "person"},
                                              {"name", "Testinen, Testi"},
                                              {"relation", "ward"}}}));
    // The same routes as staff, for the ward too; another patron's are refused.
    EXPECT_EQ(body_of(call("GET", path(ward, "/circulation"), bearer))["loans"], Json::array());
    EXPECT_EQ(body_of(call("GET", path(ward), bearer))["id"], ward.value);
    EXPECT_TRUE(IsProblem(call("GET", path(PatronId{guardian.value + 2}), bearer), 403,
                          "permission_denied"));
    // Audited as the session, with the route's purpose.
    const auto entries = audit_callers_after(start);
    EXPECT_NE(std::find(entries.begin(), entries.end(),
                        fmt::format("patron.read|{}|web-session|patron|self-service via API",
                                    guardian.value)),
              entries.end());
}

TEST_F(HttpSelf, WrongPinUnknownCardAndNoPinGiveTheSameAnswer) {
    add_adult_with_pin(2);
    add_adult(3);  // no PIN
    const auto wrong = login(card_for(2), kWrongPin);
    const auto unknown = login(card_for(9), kPin);
    const auto no_pin = login(card_for(3), kPin);
    EXPECT_TRUE(IsProblem(wrong, 401, "wrong_pin"));
    EXPECT_EQ(header(wrong, "WWW-Authenticate"), "Bearer");
    for (const auto* other : {&unknown, &no_pin}) {
        EXPECT_EQ(other->response.status, wrong.response.status);
        EXPECT_EQ(other->response.body, wrong.response.body);
        EXPECT_EQ(other->response.headers, wrong.response.headers);
        EXPECT_EQ(other->error_code, wrong.error_code);
    }
    EXPECT_EQ(rows("web_sessions"), 0);
}

TEST_F(HttpSelf, LoginInputIsChecked) {
    EXPECT_TRUE(IsProblem(call("POST", "/v1/sessions", {}, Json{{"card_number", card_for(2)}}), 422,
                          "invalid_input", "pin"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/sessions", {},
                               Json{{"card_number", "no card!"}, {"pin", std::string(kPin)}}),
                          422, "invalid_input", "card_number"));
    EXPECT_TRUE(IsProblem(
        raw("POST", "/v1/sessions", {}, "card=1&pin=2", "application/x-www-form-urlencoded"), 415,
        "unsupported_media_type"));
}

TEST_F(HttpSelf, TheLoginThatLocksTheCardAndLaterOnesAre423WithTheLockEnd) {
    add_adult_with_pin(2);
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(IsProblem(login(card_for(2), kWrongPin), 401, "wrong_pin"));
    const auto locking = login(card_for(2), kWrongPin);
    EXPECT_TRUE(IsProblem(locking, 423, "card_locked"));
    const std::string until = to_iso(clock_.now() + std::chrono::minutes(15));
    EXPECT_EQ(Json::parse(locking.response.body)["locked_until"], until);
    // Even the right PIN now: the lock is told apart so the patron stops trying.
    const auto locked = login(card_for(2), kPin);
    EXPECT_TRUE(IsProblem(locked, 423, "card_locked"));
    EXPECT_EQ(Json::parse(locked.response.body)["locked_until"], until);
    EXPECT_NE(metrics_.render({}).find("patrond_card_lockouts_total{transport=\"http\"} 1"),
              std::string::npos);
}

TEST_F(HttpSelf, TooManyFailedLoginsFromOneAddressAre429WithRetryAfter) {
    config_.kiosk.failure_limit = 3;
    rebuild();
    add_adult_with_pin(2);
    for (int i = 0; i < 3; ++i) login(card_for(9), kPin);
    const auto throttled = login(card_for(2), kPin);
    EXPECT_TRUE(IsProblem(throttled, 429, "throttled"));
    const std::string retry = header(throttled, "Retry-After");
    EXPECT_FALSE(retry.empty());
    EXPECT_EQ(Json::parse(throttled.response.body)["retry_after_seconds"], std::stoi(retry));
    EXPECT_GT(std::stoi(retry), 0);
    EXPECT_LE(std::stoi(retry), 60);
    // Another address is not held back by this one.
    http::Request other{
        .method = "POST",
        .target = "/v1/sessions",
        .content_type = "application/json",
        .body = Json{{"card_number", card_for(2)}, {"pin", std::string(kPin)}}.dump(),
        .remote_address = "192.0.2.11",
        .request_id = std::string(kRequestId)};
    EXPECT_EQ(api_->handle(other).response.status, 201U);
}

TEST_F(HttpSelf, LogoutEndsTheSessionAtOnce) {
    const PatronId id = add_adult(2);
    const std::string session = session_of(id);
    EXPECT_EQ(call("GET", "/v1/me", session).response.status, 200U);
    const auto out = call("DELETE", "/v1/sessions/current", session);
    EXPECT_EQ(out.response.status, 204U);
    EXPECT_EQ(out.route, "/v1/sessions/current");
    EXPECT_TRUE(IsProblem(call("GET", "/v1/me", session), 401, "unauthenticated"));
    EXPECT_TRUE(IsProblem(call("DELETE", "/v1/sessions/current", session), 401, "unauthenticated"));
    // An API client has no session to end, and no patron of its own.
    EXPECT_TRUE(IsProblem(call("DELETE", "/v1/sessions/current", token(Role::circulation)), 403,
                          "permission_denied"));
    EXPECT_TRUE(
        IsProblem(call("GET", "/v1/me", token(Role::circulation)), 403, "permission_denied"));
}

TEST_F(HttpSelf, ASessionEndsWithItsLifetime) {
    const std::string session = session_of(add_adult(2));
    clock_.advance(std::chrono::minutes(15));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/me", session), 401, "unauthenticated"));
}

TEST_F(HttpSelf, KioskVerificationAnswersEveryOutcomeButThePatronsId) {
    const PatronId id = add_adult_with_pin(2);
    add_adult_with_pin(3);
    lock_card(3);
    const std::string t = token(Role::kiosk);
    auto verify = [&](const std::string& card, std::string_view pin) {
        return call("POST", "/v1/kiosk/verify", t,
                    Json{{"card_number", card}, {"pin", std::string(pin)}});
    };
    const auto verified = verify(card_for(2), kPin);
    EXPECT_EQ(body_of(verified), Json({{"outcome", "verified"},
                                       {"card_known", true},
                                       {"pin_ok", true},
                                       {"may_borrow", true},
                                       {"blocks", Json::array()}}));
    EXPECT_EQ(verified.route, "/v1/kiosk/verify");

    EXPECT_EQ(body_of(verify(card_for(2), kWrongPin))["outcome"], "wrong_pin");
    EXPECT_EQ(body_of(verify(card_for(9), kPin)), Json({{"outcome", "unknown_card"},
                                                        {"card_known", false},
                                                        {"pin_ok", false},
                                                        {"may_borrow", false},
                                                        {"blocks", Json::array()}}));
    const Json locked = body_of(verify(card_for(3), kPin));
    EXPECT_EQ(locked["outcome"], "locked");
    EXPECT_EQ(locked["blocks"], Json::array({"card_locked"}));
    EXPECT_TRUE(locked["locked_until"].is_string());

    add_loan_ban(id, clock_.today());
    const Json banned = body_of(verify(card_for(2), kPin));
    EXPECT_EQ(banned["may_borrow"], false);
    EXPECT_EQ(banned["blocks"], Json::array({"loan_ban"}));

    EXPECT_TRUE(IsProblem(verify("not a card", kPin), 422, "invalid_input", "card_number"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/kiosk/verify", token(Role::circulation),
                               Json{{"card_number", card_for(2)}, {"pin", std::string(kPin)}}),
                          403, "permission_denied"));
    const std::string metrics = metrics_.render({});
    EXPECT_NE(metrics.find(
                  "patrond_kiosk_verifications_total{transport=\"http\",outcome=\"verified\"} 2"),
              std::string::npos);
    EXPECT_NE(
        metrics.find(
            "patrond_kiosk_verifications_total{transport=\"http\",outcome=\"unknown_card\"} 1"),
        std::string::npos);
}

TEST_F(HttpSelf, AThrottledKioskIsAnswered429) {
    config_.kiosk.failure_limit = 2;
    rebuild();
    add_adult_with_pin(2);
    const std::string t = token(Role::kiosk);
    const Json wrong{{"card_number", card_for(9)}, {"pin", std::string(kPin)}};
    call("POST", "/v1/kiosk/verify", t, wrong);
    call("POST", "/v1/kiosk/verify", t, wrong);
    const auto throttled = call("POST", "/v1/kiosk/verify", t,
                                Json{{"card_number", card_for(2)}, {"pin", std::string(kPin)}});
    EXPECT_TRUE(IsProblem(throttled, 429, "throttled"));
    EXPECT_FALSE(header(throttled, "Retry-After").empty());
}

TEST_F(HttpSelf, AnAdministratorManagesApiClients) {
    const std::string admin = token(Role::admin);
    const auto added =
        call("POST", "/v1/clients", admin, Json{{"name", "desk-3"}, {"role", "circulation"}});
    const Json client = body_of(added, 201);
    EXPECT_EQ(client["name"], "desk-3");
    EXPECT_EQ(client["role"], "circulation");
    EXPECT_EQ(client["created_by"], "client-admin");
    EXPECT_EQ(client["revoked_at"], nullptr);
    const std::string new_token = client["token"];
    EXPECT_TRUE(new_token.starts_with("pt_"));
    EXPECT_EQ(call("GET", "/v1/patrons", new_token).actor, "desk-3");

    const Json listed = body_of(call("GET", "/v1/clients", admin));
    ASSERT_EQ(listed["clients"].size(), 2U);
    EXPECT_EQ(listed["clients"][1]["name"], "desk-3");
    EXPECT_FALSE(listed["clients"][1].contains("token"));
    EXPECT_EQ(listed.dump().find(new_token), std::string::npos);

    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/clients", admin, Json{{"name", "desk-3"}, {"role", "kiosk"}}),
                  409, "conflict", "name"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/clients", admin, Json{{"name", "Desk 4"}, {"role", "kiosk"}}),
                  422, "invalid_input", "name"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/clients", admin, Json{{"name", "desk-4"}, {"role", "janitor"}}),
                  422, "invalid_input", "role"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/clients", admin, Json{{"name", "desk-4"}, {"role", "patron"}}),
                  422, "invalid_input", "role"));

    const auto revoked = call("DELETE", "/v1/clients/desk-3", admin);
    EXPECT_EQ(revoked.response.status, 204U);
    EXPECT_EQ(revoked.route, "/v1/clients/{name}");
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons", new_token), 401, "unauthenticated"));
    EXPECT_TRUE(IsProblem(call("DELETE", "/v1/clients/desk-3", admin), 409, "conflict", "name"));
    EXPECT_TRUE(IsProblem(call("DELETE", "/v1/clients/nobody", admin), 404, "not_found", "name"));
    for (const Role role : {Role::circulation, Role::dpo}) {
        EXPECT_TRUE(IsProblem(call("GET", "/v1/clients", token(role)), 403, "permission_denied"));
    }
}

}  // namespace
}  // namespace patron::test
