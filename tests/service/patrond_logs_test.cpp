// patrond's logs after traffic full of personal data (logins, lookups by card, records, kiosk
// verifications, SIP2 sessions, card numbers in URLs): stdout is JSON lines whose access lines
// name route patterns only, and neither stdout nor stderr holds a HETU, a name, a card number,
// the PIN or a token, apart from the demo credential listing printed once on purpose.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

using Json = nlohmann::json;

class PatrondLogs : public PatrondTest {};

// The access line of the request `request_id`; null when there is none.
Json access_line(const std::string& out, const std::string& request_id) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        const auto json = Json::parse(line, nullptr, false);
        if (json.is_object() && json.value("kind", "") == "access" &&
            json.value("request_id", "") == request_id) {
            return json;
        }
    }
    return nullptr;
}

TEST_F(PatrondLogs, HoldNoPersonalDataAndNameRoutePatternsOnly) {
    Patrond& d = daemon();
    auto http = d.http();
    const std::string circulation = d.client("circulation").token;
    const std::string kiosk = d.client("kiosk").token;
    const std::string card = Json({{"card_number", kAdultCard}}).dump();
    const std::string card_and_pin = Json({{"card_number", kAdultCard}, {"pin", kDemoPin}}).dump();
    const std::string wrong_pin = Json({{"card_number", kAdultCard}, {"pin", "2581"}}).dump();

    std::vector<std::pair<HttpResponse, std::string>> traffic;  // response, expected route
    const auto login = http.post_json("/v1/sessions", card_and_pin);
    ASSERT_EQ(login.status, 201);
    const std::string session = Json::parse(login.body).value("token", "");
    traffic.emplace_back(login, "/v1/sessions");
    traffic.emplace_back(http.post_json("/v1/sessions", wrong_pin), "/v1/sessions");
    traffic.emplace_back(http.get("/v1/me", session), "/v1/me");
    const auto found = http.post_json("/v1/patrons/lookup", card, circulation);
    ASSERT_EQ(found.status, 200);
    const std::string id = std::to_string(Json::parse(found.body).value("id", 0));
    traffic.emplace_back(found, "/v1/patrons/lookup");
    traffic.emplace_back(http.get("/v1/patrons/" + id, circulation), "/v1/patrons/{id}");
    traffic.emplace_back(http.get("/v1/patrons/" + id + "/circulation", circulation),
                         "/v1/patrons/{id}/circulation");
    traffic.emplace_back(http.post_json("/v1/kiosk/verify", card_and_pin, kiosk),
                         "/v1/kiosk/verify");
    traffic.emplace_back(http.post_json("/v1/kiosk/verify", wrong_pin, kiosk), "/v1/kiosk/verify");
    // Card numbers and tokens where they do not belong: in the path, the query, a bad header.
    traffic.emplace_back(http.get("/v1/items/" + std::string(kAdultCard), circulation),
                         "/v1/items/{barcode}");
    traffic.emplace_back(http.get("/v1/patrons/" + std::string(kAdultCard), circulation),
                         "/v1/patrons/{id}");
    traffic.emplace_back(http.get("/v1/cards/" + std::string(kAdultCard) + "?pin=2580"),
                         "unmatched");
    traffic.emplace_back(http.get("/v1/patrons?card=" + std::string(kAdultCard), circulation),
                         "/v1/patrons");
    traffic.emplace_back(http.get("/v1/me", "ps_" + session.substr(3, 20)), "/v1/me");
    traffic.emplace_back(
        http.post_json("/v1/patrons", Json({{"hetu", "131052-308T"}, {"surname", "Aino"}}).dump(),
                       kiosk),
        "/v1/patrons");

    // SIP2: a login, a good and a wrong PIN, garbage.
    {
        Connection sip2 = d.sip2();
        const DemoClient& client = d.client("kiosk");
        ASSERT_TRUE(sip2.send("9300CN" + client.name + "|CO" + client.token + "|\r"));
        ASSERT_EQ(sip2.read_until("\r", Millis(10'000)).data, "941\r");
        for (const std::string_view pin : {kDemoPin, std::string_view("2581")}) {
            ASSERT_TRUE(sip2.send("63001" + sip2_now() + "          AOlib|AA" +
                                  std::string(kAdultCard) + "|AC|AD" + std::string(pin) + "|\r"));
            ASSERT_EQ(sip2.read_until("\r", Millis(10'000)).end, ReadEnd::complete);
        }
        ASSERT_TRUE(sip2.send("63" + std::string(kAdultCard) + "2580\r"));
        (void)sip2.read_until("\r", Millis(10'000));
    }

    const std::string out = d.out();
    const std::string err = d.err();
    // Each request left an access line under its request id, with the route pattern.
    for (const auto& [response, route] : traffic) {
        SCOPED_TRACE(route);
        const Json line = access_line(out, response.header("X-Request-Id"));
        ASSERT_TRUE(line.is_object()) << "no access line for a request";
        EXPECT_EQ(line.value("route", ""), route);
        EXPECT_EQ(line.value("status", 0), response.status);
    }

    std::vector<std::string> routes;
    const auto document = Json::parse(http.get("/v1/openapi.json").body);
    for (const auto& [path, operations] : document.at("paths").items()) routes.push_back(path);
    for (const auto& fault : access_log_faults(out, routes)) ADD_FAILURE() << fault;
    for (const auto& finding : personal_data_in_logs(out, err)) ADD_FAILURE() << finding;

    // The demo listing is there once, and the scan does see what it excludes.
    std::size_t listings = 0;
    for (std::size_t at = err.find("demo API clients"); at != std::string::npos;
         at = err.find("demo API clients", at + 1)) {
        ++listings;
    }
    ASSERT_EQ(listings, 1U);
    const std::string without_heading = err.substr(err.find('\n', err.find("demo API clients")));
    EXPECT_FALSE(personal_data_in_logs("", without_heading).empty())
        << "the scan does not see the listing it leaves out";
    EXPECT_FALSE(
        personal_data_in_logs(R"({"kind":"access","path":"/v1/patrons/DEMO0001"})", "").empty());
}

}  // namespace
}  // namespace patron::test
