// SIGTERM: patrond stops accepting, closes idle connections, lets a request in flight finish
// (answered with Connection: close), then exits 0 with a "stopped" log line.

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <thread>

#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

TEST(PatrondShutdown, ARequestInFlightCompletesAndTheDaemonExitsZero) {
    Patrond daemon;
    const std::string body = Json({{"card_number", kAdultCard}, {"pin", kDemoPin}}).dump();

    // Idle connections of both endpoints.
    Connection idle(daemon.http_port());
    ASSERT_TRUE(idle.send(serialize({.method = "GET", .target = "/healthz"}, "127.0.0.1")));
    const auto served = read_response(idle, Millis(5000));
    ASSERT_EQ(served.status, 200);
    ASSERT_TRUE(served.keep_alive());
    Connection sip2 = daemon.sip2();
    ASSERT_TRUE(sip2.send("9900302.00\r"));
    ASSERT_TRUE(sip2.read_until("\r", Millis(5000)).data.starts_with("98"));

    // A kiosk verification whose header has been read (the 100 Continue says so) and whose body
    // is still to come: in flight when the signal arrives.
    Connection busy(daemon.http_port());
    ASSERT_TRUE(busy.send(
        serialize({.method = "POST",
                   .target = "/v1/kiosk/verify",
                   .headers = {{"Authorization", "Bearer " + daemon.client("kiosk").token},
                               {"Content-Type", "application/json"},
                               {"Content-Length", std::to_string(body.size())},
                               {"Expect", "100-continue"}},
                   .body = {}},
                  "127.0.0.1")));
    ASSERT_EQ(read_response(busy, Millis(5000)).status, 100);

    daemon.signal(SIGTERM);
    ASSERT_TRUE(daemon.wait_for_output("\"message\":\"draining\"", Millis(10'000)));

    // Idle connections are closed, new ones refused.
    EXPECT_TRUE(idle.closed_by_peer(Millis(5000)));
    EXPECT_TRUE(sip2.closed_by_peer(Millis(5000)));
    for (const std::uint16_t port : {daemon.http_port(), daemon.sip2_port()}) {
        int refused_errno = 0;
        for (const auto start = Clock::now(); Clock::now() - start < std::chrono::seconds(5);) {
            try {
                Connection late(port);
                std::this_thread::sleep_for(Millis(50));
            } catch (const NetError& e) {
                refused_errno = e.error_number();
                break;
            }
        }
        EXPECT_EQ(refused_errno, ECONNREFUSED) << "a connection was accepted after SIGTERM";
    }
    EXPECT_FALSE(daemon.wait_exit(Millis(0))) << "stopped with a request in flight";

    // The request in flight is answered, and says the connection ends.
    ASSERT_TRUE(busy.send(body));
    const auto answer = read_response(busy, Millis(10'000));
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(Json::parse(answer.body).value("pin_ok", false), true);
    EXPECT_FALSE(answer.keep_alive());
    EXPECT_TRUE(busy.closed_by_peer(Millis(5000)));

    const auto status = daemon.wait_exit(Millis(30'000));
    ASSERT_TRUE(status.has_value()) << "patrond did not exit after draining";
    EXPECT_EQ(*status, 0);
    EXPECT_TRUE(has(daemon.out(), "\"message\":\"stopped\""));
    EXPECT_TRUE(personal_data_in_logs(daemon.out(), daemon.err()).empty());
}

}  // namespace
}  // namespace patron::test
