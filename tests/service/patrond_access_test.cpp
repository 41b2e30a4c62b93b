// Who may do what over the wire: a representative grid of roles x routes with each demo API
// client's token and a web-library session (the full matrix is tested in-process), the web
// login with card and PIN, and kiosk verification.

#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>

#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

using Json = nlohmann::json;

class PatrondAccess : public PatrondTest {
protected:
    /// POST /v1/sessions with `card` and `pin`.
    static HttpResponse log_in(HttpClient& http, std::string_view card, std::string_view pin) {
        return http.post_json("/v1/sessions", Json({{"card_number", card}, {"pin", pin}}).dump());
    }

    /// A session token of the demo adult; empty (and a failure) when the login fails.
    static std::string adult_session(HttpClient& http) {
        const auto response = log_in(http, kAdultCard, kDemoPin);
        EXPECT_EQ(response.status, 201);
        const auto body = Json::parse(response.body, nullptr, false);
        return body.is_object() ? body.value("token", "") : "";
    }
};

TEST_F(PatrondAccess, RolesGetWhatThePermissionTableGivesThem) {
    auto http = daemon().http();
    const std::string session = adult_session(http);
    ASSERT_TRUE(session.starts_with("ps_"));
    const auto me = Json::parse(http.get("/v1/me", session).body);
    const std::string adult = std::to_string(me["patron"]["id"].get<std::int64_t>());
    const std::string verify = Json({{"card_number", kAdultCard}, {"pin", kDemoPin}}).dump();

    const std::array<std::string, 7> roles{"admin",   "circulation", "home_service", "kiosk",
                                           "billing", "dpo",         "patron"};
    struct Row {
        std::string method;
        std::string target;
        std::string body;
        std::array<int, 7> expected;  // in the order of `roles`
    };
    // libpatron/src/access/permissions.cpp: read_patron, read_circulation, read_summary,
    // verify_pin, list_patrons, manage_clients; the patron reads their own record.
    const std::vector<Row> grid{
        {"GET", "/v1/patrons/" + adult, "", {200, 200, 200, 403, 200, 200, 200}},
        {"GET", "/v1/patrons/" + adult + "/circulation", "", {200, 200, 200, 403, 200, 200, 200}},
        {"GET",
         "/v1/patrons/" + adult + "/circulation/summary",
         "",
         {200, 200, 200, 200, 200, 200, 200}},
        {"POST", "/v1/kiosk/verify", verify, {200, 403, 403, 200, 403, 403, 403}},
        {"GET", "/v1/patrons?limit=2", "", {200, 200, 403, 403, 403, 200, 403}},
        {"GET", "/v1/clients", "", {200, 403, 403, 403, 403, 403, 403}},
    };
    for (const Row& row : grid) {
        for (std::size_t r = 0; r < roles.size(); ++r) {
            SCOPED_TRACE(row.method + " " +
                         (row.target.starts_with("/v1/patrons/")
                              ? std::string("/v1/patrons/{adult}...")
                              : row.target) +
                         " as " + roles[r]);
            const std::string token =
                roles[r] == "patron" ? session : daemon().client(roles[r]).token;
            HttpRequest request{.method = row.method,
                                .target = row.target,
                                .headers = {{"Authorization", "Bearer " + token}},
                                .body = row.body};
            if (!row.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
            const auto response = http.request(request);
            EXPECT_EQ(response.status, row.expected[r]);
            if (response.status == 403) {
                EXPECT_EQ(Json::parse(response.body).value("type", ""),
                          "urn:patron:problem:permission_denied");
            }
            if (response.status == 200 && row.target == "/v1/patrons/" + adult) {
                EXPECT_TRUE(Json::parse(response.body).value("card_number", "") == kAdultCard)
                    << "another record than the one asked for";
            }
        }
    }
}

TEST_F(PatrondAccess, WebLoginGivesASessionThatActsForThePatron) {
    auto http = daemon().http();
    const auto login = log_in(http, kAdultCard, kDemoPin);
    ASSERT_EQ(login.status, 201);
    const auto body = Json::parse(login.body);
    const std::string token = body.value("token", "");
    EXPECT_TRUE(token.starts_with("ps_"));
    EXPECT_FALSE(body.value("expires_at", "").empty());

    const auto me = http.get("/v1/me", token);
    ASSERT_EQ(me.status, 200);
    const auto record = Json::parse(me.body);
    EXPECT_TRUE(record["patron"].value("card_number", "") == kAdultCard)
        << "/v1/me is not the patron who logged in";
    // The demo child is the adult's ward.
    ASSERT_EQ(record["acts_for"].size(), 1U);
    EXPECT_EQ(record["acts_for"][0].value("relation", ""), "ward");

    // An API client is not a patron.
    EXPECT_EQ(http.get("/v1/me", daemon().client("circulation").token).status, 403);
}

TEST_F(PatrondAccess, LogoutEndsTheSession) {
    auto http = daemon().http();
    const std::string token = adult_session(http);
    ASSERT_FALSE(token.empty());
    ASSERT_EQ(http.get("/v1/me", token).status, 200);
    EXPECT_EQ(http.request({.method = "DELETE",
                            .target = "/v1/sessions/current",
                            .headers = {{"Authorization", "Bearer " + token}},
                            .body = {}})
                  .status,
              204);
    EXPECT_EQ(http.get("/v1/me", token).status, 401);
}

TEST_F(PatrondAccess, WrongPinAndUnknownCardGetTheSame401Problem) {
    auto http = daemon().http();
    const auto wrong_pin = log_in(http, kChildCard, "0000");
    const auto unknown_card = log_in(http, "NOSUCHCARD1", "0000");
    for (const auto* response : {&wrong_pin, &unknown_card}) {
        EXPECT_EQ(response->status, 401);
        EXPECT_EQ(response->header("Content-Type"), "application/problem+json");
        EXPECT_FALSE(has(response->body, "ps_")) << "a session token in a refusal";
        const auto problem = Json::parse(response->body);
        EXPECT_EQ(problem.value("type", ""), "urn:patron:problem:wrong_pin");
        EXPECT_EQ(problem.value("instance", ""), response->header("X-Request-Id"));
    }
    // Which card numbers exist cannot be learnt from the answer.
    auto a = Json::parse(wrong_pin.body);
    auto b = Json::parse(unknown_card.body);
    a.erase("instance");
    b.erase("instance");
    EXPECT_TRUE(a == b) << "a wrong PIN and an unknown card are told apart";
    // The right PIN still works: one wrong PIN locks nothing.
    EXPECT_EQ(log_in(http, kChildCard, kDemoPin).status, 201);
}

TEST_F(PatrondAccess, KioskVerifyTellsTheOutcomeWithoutPersonalData) {
    auto http = daemon().http();
    const std::string token = daemon().client("kiosk").token;
    const auto ok = http.post_json(
        "/v1/kiosk/verify", Json({{"card_number", kAdultCard}, {"pin", kDemoPin}}).dump(), token);
    ASSERT_EQ(ok.status, 200);
    const auto verified = Json::parse(ok.body);
    EXPECT_EQ(verified.value("outcome", ""), "verified");
    EXPECT_EQ(verified.value("pin_ok", false), true);
    EXPECT_EQ(verified.value("card_known", false), true);
    EXPECT_FALSE(verified.contains("display_name")) << "a name to a kiosk not configured for it";

    const auto wrong = http.post_json(
        "/v1/kiosk/verify", Json({{"card_number", kChildCard}, {"pin", "9999"}}).dump(), token);
    ASSERT_EQ(wrong.status, 200);
    const auto refused = Json::parse(wrong.body);
    EXPECT_EQ(refused.value("outcome", ""), "wrong_pin");
    EXPECT_EQ(refused.value("pin_ok", true), false);

    const auto unknown = http.post_json(
        "/v1/kiosk/verify", Json({{"card_number", "NOSUCHCARD1"}, {"pin", "9999"}}).dump(), token);
    ASSERT_EQ(unknown.status, 200);
    EXPECT_EQ(Json::parse(unknown.body).value("card_known", true), false);
}

}  // namespace
}  // namespace patron::test
