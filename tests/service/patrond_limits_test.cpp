// patrond's limits with small configured values: header block and body sizes, request and idle
// timeouts, the connection limit, and garbage bytes; each offender is cut off while other
// clients are served. HTTP and SIP2.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Far below the defaults (8 KiB headers, 64 KiB bodies, 30 s, 60 s, 1024 connections, SIP2
// 300 s and 4096 bytes), so that passing tests prove the configured values are used.
constexpr std::string_view kLimits =
    "[http]\n"
    "max_header_bytes = 1024\n"
    "max_body_bytes = 1024\n"
    "request_timeout_seconds = 1\n"
    "idle_timeout_seconds = 3\n"
    "max_connections = 4\n"
    "[sip2]\n"
    "idle_timeout_seconds = 1\n"
    "max_message_bytes = 256\n";
constexpr auto kIdleTimeout = std::chrono::seconds(3);
constexpr auto kRequestTimeout = std::chrono::seconds(1);
constexpr auto kSip2IdleTimeout = std::chrono::seconds(1);
// What a loaded machine may add to a timeout.
constexpr Millis kSlack{3000};

class PatrondLimits : public ::testing::Test {
protected:
    static void SetUpTestSuite() { suite_.start(std::string(kLimits)); }
    static void TearDownTestSuite() { suite_.stop("the limits patrond"); }
    void SetUp() override { ASSERT_NE(suite_.get(), nullptr) << suite_.failure(); }

    static Patrond& daemon() { return *suite_.get(); }

    /// A fresh connection's GET /healthz.
    static int healthz() {
        auto http = daemon().http();
        return http.get("/healthz").status;
    }

    /// HTTP connections the daemon has open, the one asking included.
    static double open_connections() {
        auto http = daemon().http();
        return prometheus_sample(http.get("/metrics").body,
                                 R"(patrond_connections_open{endpoint="http"})")
            .value_or(-1);
    }

    static SuiteDaemon suite_;
};

SuiteDaemon PatrondLimits::suite_;

Millis since(Clock::time_point start) {
    return std::chrono::duration_cast<Millis>(Clock::now() - start);
}

void expect_problem(const HttpResponse& response, int status, std::string_view kind) {
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
    const auto body = Json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(body.value("type", ""), "urn:patron:problem:" + std::string(kind));
    EXPECT_EQ(body.value("instance", ""), response.header("X-Request-Id"));
    EXPECT_FALSE(response.keep_alive());
}

std::string request_with_header_of(std::size_t filler) {
    return "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + std::string(filler, 'a') +
           "\r\n\r\n";
}

TEST_F(PatrondLimits, AHeaderBlockOverTheLimitIs431) {
    Connection fits(daemon().http_port());
    ASSERT_TRUE(fits.send(request_with_header_of(600)));
    EXPECT_EQ(read_response(fits, Millis(5000)).status, 200);

    Connection over(daemon().http_port());
    ASSERT_TRUE(over.send(request_with_header_of(1500)));
    expect_problem(read_response(over, Millis(5000)), 431, "header_too_large");
    EXPECT_TRUE(over.closed_by_peer(Millis(5000)));

    // The request line counts too.
    Connection long_target(daemon().http_port());
    ASSERT_TRUE(long_target.send("GET /healthz?" + std::string(1500, 'q') +
                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    expect_problem(read_response(long_target, Millis(5000)), 431, "header_too_large");
    EXPECT_EQ(healthz(), 200);
}

TEST_F(PatrondLimits, ABodyOverTheLimitIs413BeforeItIsSent) {
    auto http = daemon().http();
    // Under the limit: read, and refused for the missing token only.
    EXPECT_EQ(http.post_json("/v1/kiosk/verify",
                             Json({{"card_number", std::string(900, '1')}, {"pin", "1"}}).dump())
                  .status,
              401);

    Connection over(daemon().http_port());
    ASSERT_TRUE(over.send(
        "POST /v1/kiosk/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 2000\r\n\r\n"));
    expect_problem(read_response(over, Millis(5000)), 413, "body_too_large");
    EXPECT_TRUE(over.closed_by_peer(Millis(5000)));

    // A client that sends a large body at once still reads the 413.
    Connection eager(daemon().http_port());
    (void)eager.send(
        "POST /v1/kiosk/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 200000\r\n\r\n" +
        std::string(200'000, ' '));
    expect_problem(read_response(eager, Millis(5000)), 413, "body_too_large");
    EXPECT_EQ(healthz(), 200);
}

TEST_F(PatrondLimits, AChunkedBodyOverTheLimitIs413) {
    Connection over(daemon().http_port());
    ASSERT_TRUE(over.send(
        "POST /v1/kiosk/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n7d0\r\n" +
        std::string(2000, ' ') + "\r\n0\r\n\r\n"));
    expect_problem(read_response(over, Millis(5000)), 413, "body_too_large");
    EXPECT_EQ(healthz(), 200);
}

TEST_F(PatrondLimits, StalledAndIdleConnectionsAreCutOffAtTheIdleTimeoutWhileOthersAreServed) {
    const auto start = Clock::now();
    Connection stalled(daemon().http_port());
    ASSERT_TRUE(stalled.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    // A keep-alive connection that asks nothing more.
    Connection idle(daemon().http_port());
    ASSERT_TRUE(idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_EQ(read_response(idle, Millis(5000)).status, 200);
    // Another client meanwhile: served at once.
    const auto served = Clock::now();
    EXPECT_EQ(healthz(), 200);
    EXPECT_LT(since(served).count(), 1000);

    EXPECT_TRUE(stalled.closed_by_peer(kIdleTimeout + kSlack));
    EXPECT_GE(since(start).count(), Millis(kIdleTimeout - Millis(500)).count());
    EXPECT_TRUE(idle.closed_by_peer(kSlack));
}

TEST_F(PatrondLimits, AStalledBodyIsCutOffAtTheRequestTimeout) {
    Connection stalled(daemon().http_port());
    ASSERT_TRUE(stalled.send(
        "POST /v1/kiosk/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"card_"));
    const auto start = Clock::now();
    EXPECT_EQ(healthz(), 200);
    EXPECT_TRUE(stalled.closed_by_peer(kRequestTimeout + kSlack));
    // The request timeout (1 s), not the idle timeout (3 s).
    EXPECT_LT(since(start).count(), Millis(kIdleTimeout - Millis(500)).count());
}

TEST_F(PatrondLimits, ATricklingClientIsCutOffAtTheDeadlineNotKeptAlive) {
    Connection slow(daemon().http_port());
    const auto start = Clock::now();
    const std::string header = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaa";
    bool closed = false;
    // One byte every 200 ms: no read ever waits long, yet the header is never complete.
    for (std::size_t i = 0; !closed && since(start) < kIdleTimeout + kSlack; ++i) {
        if (!slow.send(std::string(1, header[i % header.size()]))) break;
        closed = slow.closed_by_peer(Millis(200));
    }
    EXPECT_TRUE(closed || slow.closed_by_peer(Millis(100)));
    EXPECT_LT(since(start).count(), Millis(kIdleTimeout + kSlack).count());
}

TEST_F(PatrondLimits, ConnectionsOverTheLimitAreClosedAtOnceWhileOthersWork) {
    // Earlier tests' connections are gone before this one counts (the one asking is open).
    const auto settle = Clock::now();
    double open = open_connections();
    while (open != 1 && since(settle) < kSlack) {
        std::this_thread::sleep_for(Millis(50));
        open = open_connections();
    }
    ASSERT_EQ(open, 1);

    // The connection that counted may still be closing: a client refused for it tries again.
    std::vector<HttpClient> clients;
    for (int i = 0; i < 4; ++i) {
        const auto start = Clock::now();
        while (true) {
            auto client = daemon().http();
            try {
                ASSERT_EQ(client.get("/healthz").status, 200);
                clients.push_back(std::move(client));
                break;
            } catch (const NetError&) {
                ASSERT_LT(since(start).count(), kSlack.count())
                    << "connection " << i << " never accepted";
                std::this_thread::sleep_for(Millis(50));
            }
        }
    }
    Connection refused(daemon().http_port());
    const auto start = Clock::now();
    const Received received = refused.read_until_closed(Millis(5000));
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_TRUE(received.data.empty());
    EXPECT_LT(since(start).count(), 1000) << "not closed at once";

    // The four still work, on their own connections.
    for (auto& client : clients) {
        EXPECT_EQ(client.get("/healthz").status, 200);
        EXPECT_EQ(client.connections_opened(), 1U);
    }
    // A freed place is taken again.
    clients.pop_back();
    const auto freed = Clock::now();
    double refused_total = -1;
    while (since(freed) < kSlack) {
        try {
            auto http = daemon().http();
            const auto metrics = http.get("/metrics");
            refused_total =
                prometheus_sample(metrics.body,
                                  R"(patrond_connections_refused_total{endpoint="http"})")
                    .value_or(-1);
            break;
        } catch (const NetError&) {
            std::this_thread::sleep_for(Millis(50));
        }
    }
    EXPECT_GE(refused_total, 1);
}

// Sends `message` over and over without reading the answers, until the daemon stops taking
// them (its answers have filled the socket buffers, so its write waits) or `limit` passes.
// True when it stopped taking them.
bool flood_without_reading(Connection& connection, const std::string& message, Millis limit) {
    std::string chunk;
    while (chunk.size() < 16 * 1024) chunk += message;
    const auto start = Clock::now();
    while (since(start) < limit) {
        if (!connection.send(chunk)) return true;
    }
    return false;
}

// Open connections of `endpoint` ("http", "sip2") once they have dropped to `expected` (the
// one asking counts for http), or what they were when `timeout` passed.
double open_connections_after(const Patrond& daemon, std::string_view endpoint, double expected,
                              Millis timeout) {
    const std::string series =
        "patrond_connections_open{endpoint=\"" + std::string(endpoint) + "\"}";
    const auto start = Clock::now();
    double open = -1;
    do {
        auto http = daemon.http();
        open = prometheus_sample(http.get("/metrics").body, series).value_or(-1);
        if (open == expected) break;
        std::this_thread::sleep_for(Millis(100));
    } while (since(start) < timeout);
    return open;
}

// A client that asks and asks but never reads the answers: once the daemon's write has waited
// a timeout, the connection is closed (HTTP: the request timeout; SIP2: the idle timeout).
TEST_F(PatrondLimits, AClientThatDoesNotReadItsAnswersIsCutOff) {
    const ConnectOptions small_window{.timeout = Millis(1000), .receive_buffer = 4096};
    Connection http(daemon().http_port(), small_window);
    ASSERT_TRUE(flood_without_reading(
        http, "GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", Millis(20'000)))
        << "the daemon kept reading requests whose answers were not read";
    EXPECT_EQ(open_connections_after(daemon(), "http", 1, kRequestTimeout + kSlack), 1)
        << "the HTTP connection stayed open";

    Connection sip2(daemon().sip2_port(), small_window);
    const DemoClient& client = daemon().client("kiosk");
    ASSERT_TRUE(sip2.send("9300CN" + client.name + "|CO" + client.token + "|\r"));
    ASSERT_EQ(sip2.read_until("\r", Millis(5000)).data, "941\r");
    ASSERT_TRUE(flood_without_reading(sip2, "9900302.00\r", Millis(20'000)))
        << "the daemon kept reading messages whose answers were not read";
    EXPECT_EQ(open_connections_after(daemon(), "sip2", 0, kSip2IdleTimeout + kSlack), 0)
        << "the SIP2 connection stayed open";
}

// Bytes that are not HTTP: a 400 problem or a closed connection, never a hang beyond the idle
// timeout; the daemon serves the next client.
TEST_F(PatrondLimits, GarbageGets400OrACloseAndTheDaemonServesOn) {
    const std::vector<std::string> inputs{
        std::string("\x00\x01\x02\xff\xfe\x80\r\n\r\n", 10),
        "GET / HTTP/9\r\n\r\n",
        "\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost\r\n\r\n",
        "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        std::string("G\0T /healthz HTTP/1.1\r\n\r\n", 25),
        "GET /healthz\r\n\r\n",
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        SCOPED_TRACE(i);
        Connection connection(daemon().http_port());
        ASSERT_TRUE(connection.send(inputs[i]));
        const Received received = connection.read_until_closed(kIdleTimeout + kSlack);
        EXPECT_EQ(received.end, ReadEnd::closed);
        EXPECT_TRUE(received.data.empty() || received.data.starts_with("HTTP/1.1 400 "))
            << "garbage got an answer other than 400";
        EXPECT_EQ(healthz(), 200);
    }
}

TEST_F(PatrondLimits, ASilentSip2ConnectionIsClosedAtTheIdleTimeout) {
    const auto start = Clock::now();
    Connection silent(daemon().sip2_port());
    EXPECT_TRUE(silent.closed_by_peer(kSip2IdleTimeout + kSlack));
    EXPECT_GE(since(start).count(), Millis(kSip2IdleTimeout - Millis(300)).count());

    // Logged in, then silent: the same.
    Connection kiosk(daemon().sip2_port());
    const DemoClient& client = daemon().client("kiosk");
    ASSERT_TRUE(kiosk.send("9300CN" + client.name + "|CO" + client.token + "|\r"));
    EXPECT_EQ(kiosk.read_until("\r", Millis(5000)).data, "941\r");
    EXPECT_TRUE(kiosk.closed_by_peer(kSip2IdleTimeout + kSlack));
}

TEST_F(PatrondLimits, ASip2MessageOverTheConfiguredLengthClosesTheConnection) {
    Connection fits(daemon().sip2_port());
    ASSERT_TRUE(fits.send("9900302.00AO" + std::string(200, 'x') + "|\r"));
    EXPECT_TRUE(fits.read_until("\r", Millis(5000)).data.starts_with("98"));

    Connection over(daemon().sip2_port());
    ASSERT_TRUE(over.send("9900302.00AO" + std::string(300, 'x') + "|\r"));
    const Received received = over.read_until_closed(Millis(5000));
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_TRUE(received.data.empty());
}

}  // namespace
}  // namespace patron::test
