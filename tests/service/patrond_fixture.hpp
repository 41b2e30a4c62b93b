#pragma once
// Running the built patrond as a child process: `--demo` on a data directory of its own (its own
// embedded PostgreSQL), on 127.0.0.1 with ports chosen by the kernel, talked to over sockets.
//
// Starting one costs an initdb, so tests that need no special configuration share one daemon
// (PatrondTest, started at first use and stopped after the last test); limit, TLS and shutdown
// tests start their own with the configuration they need.
//
// The demo credentials and everything the daemon answers are (synthetic) personal data:
// assertions compare them, they never print them.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/patronctl_fixture.hpp"  // has()
#include "support/net_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace patron::test {

/// A demo API client printed by `patrond --demo`: its role, name (SIP2 CN) and token (CO).
struct DemoClient {
    std::string role;
    std::string name;
    std::string token;
};

/// The demo register's adult's and child's cards and their PIN (service/common/demo.hpp).
inline constexpr std::string_view kAdultCard = "DEMO0001";
inline constexpr std::string_view kChildCard = "DEMO0002";
inline constexpr std::string_view kDemoPin = "2580";

/// One patrond process.
class Patrond {
public:
    /// Starts `patrond --demo` with a fresh data directory and a configuration file holding a
    /// cheap Argon2 cost ([pin] memory_kib = 64, iterations = 1; max_failed_attempts = 100 so
    /// tests that try wrong PINs do not lock the shared demo cards) followed by
    /// `config_sections` (TOML; any section but [pin]). Both ports are 0 (any free port). Waits
    /// for the "listening" log line and reads the ports and the demo clients.
    /// @throws std::runtime_error when the daemon does not come up within 90 s
    explicit Patrond(const std::string& config_sections = {});
    /// Stops a daemon still running (SIGTERM, then SIGKILL).
    ~Patrond();
    Patrond(const Patrond&) = delete;
    Patrond& operator=(const Patrond&) = delete;

    [[nodiscard]] std::uint16_t http_port() const noexcept { return http_port_; }
    [[nodiscard]] std::uint16_t sip2_port() const noexcept { return sip2_port_; }
    /// The demo API client of `role` ("admin", "circulation", "kiosk", ...).
    /// @throws std::out_of_range when the daemon printed none
    [[nodiscard]] const DemoClient& client(const std::string& role) const;

    /// A plain HTTP client for this daemon.
    [[nodiscard]] HttpClient http() const { return HttpClient(http_port_); }
    /// A fresh connection to the SIP2 port.
    [[nodiscard]] Connection sip2() const { return Connection(sip2_port_); }

    /// What the daemon wrote so far on stdout (JSON lines) and stderr.
    [[nodiscard]] std::string out() const;
    [[nodiscard]] std::string err() const;
    /// Waits until stdout holds `text`; false when `timeout` passes first.
    [[nodiscard]] bool wait_for_output(std::string_view text, Millis timeout) const;

    void signal(int number) { child_->signal(number); }
    /// Waits up to `timeout` for the daemon to exit: its exit status, or empty while it runs.
    std::optional<int> wait_exit(Millis timeout) { return child_->wait_for(timeout); }
    /// SIGTERM, and the exit status once it has exited (-1: it did not within 30 s and was
    /// killed).
    int stop();

private:
    /// Waits for the "listening" line, then reads the ports and the demo clients.
    /// @throws std::runtime_error when it does not come, or the process exits first
    void wait_until_listening();
    void kill_orphaned_database() const;

    // Traversable: as root the embedded server runs as `postgres` and must reach its cluster.
    TempDir temp_{"patrond-test", true};
    std::filesystem::path data_dir_;
    std::filesystem::path out_file_;
    std::filesystem::path err_file_;
    std::optional<ChildProcess> child_;
    std::uint16_t http_port_ = 0;
    std::uint16_t sip2_port_ = 0;
    std::map<std::string, DemoClient, std::less<>> clients_;
};

/// Runs `patrond ARGS...` to its end (for --check-config), with the settings a developer's shell
/// may hold cleared.
ProcessResult run_patrond(const std::vector<std::string>& args);

/// Places in the daemon's output where personal data of the demo register appears: a HETU, a
/// demo name, address, e-mail or phone, a demo card number, the demo PIN, a bearer or session
/// token. The demo credential listing on stderr (printed once on purpose) is left out. Each
/// finding says where and what kind, never the value.
std::vector<std::string> personal_data_in_logs(const std::string& out, const std::string& err);

/// Faults of the JSON-lines log on stdout: a line that is not a JSON object, an access line
/// without request_id, method, route, status or duration_ms, or whose route is not "unmatched",
/// "unparsed" or one of `routes` (the patterns).
std::vector<std::string> access_log_faults(const std::string& out,
                                           const std::vector<std::string>& routes);

/// The SIP2 error-detection suffix for `message` (without terminator): "AY<n>AZ<checksum>",
/// the checksum being the two's complement of the 16-bit byte sum through "AZ".
std::string sip2_error_detection(std::string_view message, int sequence);

/// A SIP2 transaction date "YYYYMMDD    HHMMSS" (no zone) for the current local time.
std::string sip2_now();

/// The value of the Prometheus sample `series` (name and labels exactly as rendered) in a
/// /metrics body; empty when absent.
std::optional<double> prometheus_sample(const std::string& metrics, const std::string& series);

/// Stops `daemon` with SIGTERM: a test failure unless it exits 0 and its logs hold no personal
/// data (personal_data_in_logs). `name` says which daemon in the failure.
void stop_and_check(Patrond& daemon, std::string_view name);

/// The daemon of one test suite that needs a configuration of its own: SetUpTestSuite calls
/// start(), TearDownTestSuite stop(), SetUp asserts get() is not null.
class SuiteDaemon {
public:
    /// Starts a Patrond with `config_sections`; on failure remembers why (see failure()).
    void start(const std::string& config_sections);
    /// stop_and_check, then forgets the daemon.
    void stop(std::string_view name);
    /// The daemon; null when it could not be started.
    [[nodiscard]] Patrond* get() const noexcept { return daemon_.get(); }
    [[nodiscard]] const std::string& failure() const noexcept { return failure_; }

private:
    std::unique_ptr<Patrond> daemon_;
    std::string failure_;
};

/// The daemon shared by tests that need no configuration of their own, started at first use.
class PatrondTest : public ::testing::Test {
protected:
    void SetUp() override;
    /// @throws std::runtime_error when it could not be started (then every later test fails at
    /// once rather than trying again)
    static Patrond& daemon();
};

}  // namespace patron::test
