// patrond's HTTP API over a real socket: health, metrics, the OpenAPI document, problem details
// for unauthenticated requests, the headers every answer carries, keep-alive, 100-continue.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

using Json = nlohmann::json;

class PatrondHttp : public PatrondTest {};

// The value of a sample, 0 when absent (counters start at 0).
double sample(const std::string& metrics, const std::string& series) {
    return prometheus_sample(metrics, series).value_or(0);
}

// What every 401 for a missing or dead token must look like (RFC 9457, RFC 9110 §15.5.2).
void expect_unauthenticated(const HttpResponse& response) {
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(response.header("WWW-Authenticate"), "Bearer");
    const auto body = Json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(body.value("type", ""), "urn:patron:problem:unauthenticated");
    EXPECT_EQ(body.value("status", 0), 401);
    EXPECT_FALSE(body.value("title", "").empty());
    ASSERT_FALSE(response.header("X-Request-Id").empty());
    EXPECT_EQ(body.value("instance", ""), response.header("X-Request-Id"));
}

TEST_F(PatrondHttp, HealthzAnswersOkWhileTheDatabaseIsReachable) {
    auto http = daemon().http();
    const auto response = http.get("/healthz");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    EXPECT_EQ(Json::parse(response.body), Json({{"status", "ok"}}));
}

TEST_F(PatrondHttp, MetricsArePrometheusTextCountingRequestsByRouteAndStatus) {
    auto http = daemon().http();
    const std::string healthz =
        R"(patrond_http_requests_total{method="GET",route="/healthz",status="200"})";
    const std::string unauthenticated =
        R"(patrond_http_requests_total{method="GET",route="/v1/patrons/{id}",status="401"})";
    const auto before = http.get("/metrics");
    ASSERT_EQ(before.status, 200);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(http.get("/healthz").status, 200);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(http.get("/v1/patrons/1").status, 401);
    const auto after = http.get("/metrics");
    ASSERT_EQ(after.status, 200);
    EXPECT_TRUE(after.header("Content-Type").starts_with("text/plain"));

    // The counters count exactly what was asked.
    EXPECT_EQ(sample(after.body, healthz) - sample(before.body, healthz), 3);
    EXPECT_EQ(sample(after.body, unauthenticated) - sample(before.body, unauthenticated), 2);
    EXPECT_TRUE(has(after.body, "# TYPE patrond_http_requests_total counter"));
    EXPECT_TRUE(has(after.body, "# TYPE patrond_http_request_duration_seconds histogram"));
    EXPECT_GE(
        sample(after.body, R"(patrond_http_request_duration_seconds_count{route="/healthz"})"), 3);
    EXPECT_GE(sample(after.body, R"(patrond_connections_open{endpoint="http"})"), 1);
    // No path with an id ever becomes a label.
    EXPECT_FALSE(has(after.body, "/v1/patrons/1\""));

    // Every line is a comment or a sample: name, optional labels, one value.
    const std::regex sample_line(
        R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? [-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN)$)");
    std::istringstream lines(after.body);
    int samples = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
        EXPECT_TRUE(std::regex_match(line, sample_line)) << "not a Prometheus sample line";
        ++samples;
    }
    EXPECT_GT(samples, 10);
}

TEST_F(PatrondHttp, ServesItsOpenApi31Document) {
    auto http = daemon().http();
    const auto response = http.get("/v1/openapi.json");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    const auto document = Json::parse(response.body, nullptr, false);
    ASSERT_TRUE(document.is_object());
    EXPECT_TRUE(document.value("openapi", "").starts_with("3.1."));
    ASSERT_TRUE(document.contains("paths"));
    EXPECT_TRUE(document["paths"].contains("/v1/patrons/{id}"));
    EXPECT_TRUE(document["paths"].contains("/v1/kiosk/verify"));
}

TEST_F(PatrondHttp, NoTokenIs401ProblemWithTheRequestIdAsInstance) {
    auto http = daemon().http();
    expect_unauthenticated(http.get("/v1/patrons/1"));
    expect_unauthenticated(http.post_json("/v1/kiosk/verify", "{}"));
}

TEST_F(PatrondHttp, DeadOrMalformedTokensAre401Problems) {
    auto http = daemon().http();
    // Well-formed but never issued, of both registries; not a token; another scheme; a real
    // token under another scheme.
    const std::string issued = daemon().client("circulation").token;
    for (const std::string& authorization :
         {"Bearer pt_" + std::string(43, 'A'), "Bearer ps_" + std::string(43, 'A'),
          std::string("Bearer not-a-token"), std::string("Bearer "),
          std::string("Basic dXNlcjpwYXNz"), "Token " + issued}) {
        const auto response = http.request({.method = "GET",
                                            .target = "/v1/patrons/1",
                                            .headers = {{"Authorization", authorization}},
                                            .body = {}});
        expect_unauthenticated(response);
        EXPECT_FALSE(has(response.body, "pt_")) << "a token in the problem";
    }
}

TEST_F(PatrondHttp, EveryAnswerCarriesNoStoreAndAFreshRequestId) {
    auto http = daemon().http();
    const std::string token = daemon().client("circulation").token;
    std::set<std::string> ids;
    const std::vector<HttpResponse> responses{
        http.get("/healthz"),
        http.get("/v1/openapi.json"),
        http.get("/v1/patrons/1"),             // 401
        http.get("/v1/no-such-thing", token),  // 404
        http.request({.method = "PUT", .target = "/v1/kiosk/verify", .headers = {}, .body = {}}),
        http.get("/v1/patrons/1", token),                  // 200
        http.post_json("/v1/patrons/lookup", "{", token),  // 400
    };
    const std::vector<int> statuses{200, 200, 401, 404, 405, 200, 400};
    for (std::size_t i = 0; i < responses.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(responses[i].status, statuses[i]);
        EXPECT_EQ(responses[i].header("Cache-Control"), "no-store");
        EXPECT_EQ(responses[i].header("X-Content-Type-Options"), "nosniff");
        const std::string id = responses[i].header("X-Request-Id");
        EXPECT_FALSE(id.empty());
        EXPECT_TRUE(ids.insert(id).second) << "a request id given twice";
    }
    EXPECT_EQ(responses[4].header("Allow"), "POST");
}

TEST_F(PatrondHttp, UnknownRoutesAndWrongMethodsAreProblems) {
    auto http = daemon().http();
    const std::string token = daemon().client("admin").token;
    const auto missing = http.get("/v1/nothing-here", token);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(Json::parse(missing.body).value("type", ""), "urn:patron:problem:not_found");

    const auto method =
        http.request({.method = "DELETE", .target = "/v1/me", .headers = {}, .body = {}});
    EXPECT_EQ(method.status, 405);
    EXPECT_EQ(Json::parse(method.body).value("type", ""), "urn:patron:problem:method_not_allowed");

    const auto not_an_id = http.get("/v1/patrons/abc", token);
    EXPECT_EQ(not_an_id.status, 404);
}

TEST_F(PatrondHttp, BadBodiesAreProblems) {
    auto http = daemon().http();
    const std::string token = daemon().client("kiosk").token;
    const auto malformed = http.post_json("/v1/kiosk/verify", "{\"card_number\":", token);
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(Json::parse(malformed.body).value("type", ""), "urn:patron:problem:malformed_json");

    const auto not_json = http.request(
        {.method = "POST",
         .target = "/v1/kiosk/verify",
         .headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}},
         .body = "card"});
    EXPECT_EQ(not_json.status, 415);

    const auto missing_pin =
        http.post_json("/v1/kiosk/verify", Json({{"card_number", kAdultCard}}).dump(), token);
    EXPECT_EQ(missing_pin.status, 422);
    EXPECT_EQ(Json::parse(missing_pin.body).value("type", ""), "urn:patron:problem:invalid_input");
}

TEST_F(PatrondHttp, KeepAliveServesManyRequestsOnOneConnection) {
    auto http = daemon().http();
    const std::string token = daemon().client("circulation").token;
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(http.get("/healthz").status, 200);
        EXPECT_EQ(http.get("/v1/patrons/1", token).status, 200);
        // A refusal keeps the connection too.
        const auto refused = http.get("/v1/patrons/1");
        EXPECT_EQ(refused.status, 401);
        EXPECT_TRUE(refused.keep_alive());
    }
    EXPECT_EQ(http.connections_opened(), 1U);
}

TEST_F(PatrondHttp, PipelinedRequestsAreAnsweredInOrder) {
    Connection connection(daemon().http_port());
    const std::string host = "127.0.0.1";
    ASSERT_TRUE(connection.send(serialize({.method = "GET", .target = "/healthz"}, host) +
                                serialize({.method = "GET", .target = "/v1/patrons/1"}, host) +
                                serialize({.method = "GET", .target = "/v1/openapi.json"}, host)));
    EXPECT_EQ(read_response(connection, Millis(5000)).status, 200);
    EXPECT_EQ(read_response(connection, Millis(5000)).status, 401);
    const auto last = read_response(connection, Millis(5000));
    EXPECT_EQ(last.status, 200);
    EXPECT_TRUE(has(last.body, "\"openapi\""));
}

TEST_F(PatrondHttp, ConnectionCloseIsHonoured) {
    Connection connection(daemon().http_port());
    ASSERT_TRUE(connection.send(serialize(
        {.method = "GET", .target = "/healthz", .headers = {{"Connection", "close"}}, .body = {}},
        "127.0.0.1")));
    const auto response = read_response(connection, Millis(5000));
    EXPECT_EQ(response.status, 200);
    EXPECT_FALSE(response.keep_alive());
    EXPECT_TRUE(connection.closed_by_peer(Millis(5000)));
}

TEST_F(PatrondHttp, AnHttp10RequestIsAnsweredAndClosed) {
    Connection connection(daemon().http_port());
    ASSERT_TRUE(connection.send("GET /healthz HTTP/1.0\r\n\r\n"));
    const Received received = connection.read_until_closed(Millis(5000));
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_TRUE(received.data.starts_with("HTTP/1.1 200 ")) << "no 200 to HTTP/1.0";
    EXPECT_TRUE(received.data.ends_with("{\"status\":\"ok\"}"));
}

TEST_F(PatrondHttp, ExpectContinueGetsAn100BeforeTheBody) {
    Connection connection(daemon().http_port());
    const std::string body = Json({{"card_number", kAdultCard}, {"pin", kDemoPin}}).dump();
    ASSERT_TRUE(connection.send(
        serialize({.method = "POST",
                   .target = "/v1/kiosk/verify",
                   .headers = {{"Authorization", "Bearer " + daemon().client("kiosk").token},
                               {"Content-Type", "application/json"},
                               {"Content-Length", std::to_string(body.size())},
                               {"Expect", "100-continue"}},
                   .body = {}},
                  "127.0.0.1")));
    EXPECT_EQ(read_response(connection, Millis(5000)).status, 100);
    ASSERT_TRUE(connection.send(body));
    const auto response = read_response(connection, Millis(5000));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(Json::parse(response.body).value("pin_ok", false), true);
}

}  // namespace
}  // namespace patron::test
