// patrond's metrics: the Prometheus text exposition and what it counts.

#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace patron::service {
namespace {

using std::chrono::milliseconds;

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        if (l == line) return true;
    }
    return false;
}

TEST(Metrics, CountsRequestsByRoutePatternAndStatus) {
    Metrics metrics;
    metrics.record_request("GET", "/v1/patrons/{id}", 200, milliseconds(3));
    metrics.record_request("GET", "/v1/patrons/{id}", 200, milliseconds(4));
    metrics.record_request("GET", "/v1/patrons/{id}", 404, milliseconds(1));
    const std::string text = metrics.render({});
    EXPECT_TRUE(has_line(
        text,
        R"(patrond_http_requests_total{method="GET",route="/v1/patrons/{id}",status="200"} 2)"));
    EXPECT_TRUE(has_line(
        text,
        R"(patrond_http_requests_total{method="GET",route="/v1/patrons/{id}",status="404"} 1)"));
}

TEST(Metrics, LatencyHistogramIsCumulative) {
    Metrics metrics;
    metrics.record_request("GET", "/healthz", 200, milliseconds(3));           // <= 0.005
    metrics.record_request("GET", "/healthz", 200, milliseconds(30));          // <= 0.05
    metrics.record_request("GET", "/healthz", 200, std::chrono::seconds(10));  // +Inf only
    const std::string text = metrics.render({});
    const std::string b = R"(patrond_http_request_duration_seconds_bucket{route="/healthz",le=)";
    EXPECT_TRUE(has_line(text, b + R"("0.001"} 0)"));
    EXPECT_TRUE(has_line(text, b + R"("0.005"} 1)"));
    EXPECT_TRUE(has_line(text, b + R"("0.05"} 2)"));
    EXPECT_TRUE(has_line(text, b + R"("5"} 2)"));
    EXPECT_TRUE(has_line(text, b + R"("+Inf"} 3)"));
    EXPECT_TRUE(
        has_line(text, R"(patrond_http_request_duration_seconds_count{route="/healthz"} 3)"));
}

TEST(Metrics, CountsVerificationsByOutcomeAndTheLockingAttempt) {
    Metrics metrics;
    KioskAnswer verified;
    verified.outcome = VerifyOutcome::verified;
    KioskAnswer wrong;
    wrong.outcome = VerifyOutcome::wrong_pin;
    KioskAnswer locking = wrong;
    locking.locked_until = TimePoint{};
    metrics.record_verification(Transport::sip2, verified);
    metrics.record_verification(Transport::sip2, wrong);
    metrics.record_verification(Transport::sip2, locking);
    metrics.record_verification(Transport::http, verified);
    const std::string text = metrics.render({});
    EXPECT_TRUE(has_line(
        text, R"(patrond_kiosk_verifications_total{transport="sip2",outcome="verified"} 1)"));
    EXPECT_TRUE(has_line(
        text, R"(patrond_kiosk_verifications_total{transport="sip2",outcome="wrong_pin"} 2)"));
    EXPECT_TRUE(has_line(
        text, R"(patrond_kiosk_verifications_total{transport="http",outcome="verified"} 1)"));
    EXPECT_TRUE(has_line(text, R"(patrond_card_lockouts_total{transport="sip2"} 1)"));
    EXPECT_TRUE(has_line(text, R"(patrond_card_lockouts_total{transport="http"} 0)"));
}

TEST(Metrics, ConnectionsAndPoolUse) {
    Metrics metrics;
    metrics.connection_opened(Transport::sip2);
    metrics.connection_opened(Transport::sip2);
    metrics.connection_closed(Transport::sip2);
    metrics.connection_refused(Transport::http);
    metrics.record_sip2_message("63");
    const std::string text = metrics.render({.size = 8, .open = 3, .in_use = 2, .waiting = 1});
    EXPECT_TRUE(has_line(text, R"(patrond_connections_open{endpoint="sip2"} 1)"));
    EXPECT_TRUE(has_line(text, R"(patrond_connections_refused_total{endpoint="http"} 1)"));
    EXPECT_TRUE(has_line(text, R"(patrond_sip2_messages_total{code="63"} 1)"));
    EXPECT_TRUE(has_line(text, R"(patrond_db_pool_connections{state="max"} 8)"));
    EXPECT_TRUE(has_line(text, R"(patrond_db_pool_connections{state="in_use"} 2)"));
    EXPECT_TRUE(has_line(text, "patrond_db_pool_waiting 1"));
}

// Every sample belongs to the family its TYPE line announced just before (the exposition
// format requires a family's lines together), and every line is a comment or a sample.
TEST(Metrics, ExpositionIsWellFormed) {
    Metrics metrics;
    metrics.record_request("POST", "/v1/kiosk/verify", 200, milliseconds(30));
    KioskAnswer answer;
    metrics.record_verification(Transport::http, answer);
    metrics.record_sip2_message("93");
    const std::string text = metrics.render({});
    const std::regex sample(R"(([a-z0-9_]+)(\{[^}]*\})? [0-9.e+-]+)");
    const std::regex type(R"(# TYPE ([a-z0-9_]+) (counter|gauge|histogram))");
    std::istringstream in(text);
    std::string family;
    std::set<std::string> seen;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, type)) {
            family = m[1];
            EXPECT_TRUE(seen.insert(family).second) << "family announced twice: " << family;
        } else if (line.starts_with("# HELP ")) {
            continue;
        } else {
            ASSERT_TRUE(std::regex_match(line, m, sample)) << line;
            EXPECT_TRUE(m[1].str().starts_with(family)) << line;
        }
    }
    EXPECT_GE(seen.size(), 8U);
}

}  // namespace
}  // namespace patron::service
