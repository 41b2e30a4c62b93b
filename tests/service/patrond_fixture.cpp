#include "service/patrond_fixture.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace patron::test {
namespace {

namespace fs = std::filesystem;

// Argon2 at its cheapest: the tests measure the daemon, not the hash. Lockout after 100 wrong
// PINs rather than 5, so tests that try wrong PINs on the shared demo cards stay independent
// (lockout itself is tested in-process).
constexpr std::string_view kBaseConfig =
    "[pin]\n"
    "memory_kib = 64\n"
    "iterations = 1\n"
    "max_failed_attempts = 100\n";

// A cold start runs initdb, which takes several seconds on a loaded two-core machine.
constexpr Millis kStartTimeout{90'000};
constexpr Millis kStopTimeout{30'000};

// Settings a developer's shell may hold: cleared, so only the options and the file decide.
std::map<std::string, std::string> clean_environment() {
    return {{"DATABASE_URL", ""},
            {"PATRON_KEY_FILE", ""},
            {"PATRON_DATA_DIR", ""},
            {"PATRON_HTTP_PORT", ""},
            {"PATRON_SIP2_PORT", ""}};
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The lines of stderr that say why patrond failed ("patrond: ..."): they carry no personal data
// by the daemon's own rule, unlike the demo listing before them.
std::string failure_lines(const std::string& err) {
    std::string out;
    for (const auto& line : lines_of(err)) {
        if (line.starts_with("patrond:")) out += line + "\n";
    }
    return out.empty() ? "(no error line on stderr)" : out;
}

struct Leak {
    std::regex pattern;
    std::string_view what;
};

const std::vector<Leak>& leak_patterns() {
    static const std::vector<Leak> patterns{
        {std::regex(R"(\d{6}[-+A-FU-Y]\d{3}[0-9A-Y])"), "a personal identity code"},
        {std::regex("Esimerkki|Esimerkin|Aino|Eino"), "a demo name"},
        {std::regex("Kirjastokatu|Koulutie|example\\.fi|040 000 0001"),
         "a demo address, e-mail or phone"},
        {std::regex("DEMO000[0-9]"), "a demo card number"},
        {std::regex("(^|[^0-9])2580([^0-9]|$)"), "the demo PIN"},
        {std::regex("p[ts]_[A-Za-z0-9_-]{16,}"), "a bearer or session token"},
    };
    return patterns;
}

void scan(std::string_view text, const std::string& where, std::vector<std::string>& findings) {
    for (const Leak& leak : leak_patterns()) {
        if (std::regex_search(text.begin(), text.end(), leak.pattern)) {
            findings.push_back(where + ": " + std::string(leak.what));
        }
    }
}

// Every string value of a log line, keys included; not the request id and the time stamp, whose
// digits are random or the clock's.
void scan_json(const nlohmann::json& value, const std::string& where,
               std::vector<std::string>& findings) {
    if (value.is_string()) {
        scan(value.get_ref<const std::string&>(), where, findings);
    } else if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            scan(key, where, findings);
            if (key != "request_id" && key != "ts") scan_json(item, where, findings);
        }
    } else if (value.is_array()) {
        for (const auto& item : value) scan_json(item, where, findings);
    }
}

// Tests that need no configuration of their own share this daemon; the environment below stops
// it after the last test.
struct SharedDaemon {
    std::unique_ptr<Patrond> daemon;
    std::string failure;  // why it could not be started
};

SharedDaemon& shared_daemon() {
    static SharedDaemon shared;
    return shared;
}

class SharedDaemonEnvironment final : public ::testing::Environment {
public:
    void TearDown() override {
        SharedDaemon& shared = shared_daemon();
        if (!shared.daemon) return;
        Patrond& daemon = *shared.daemon;
        // Everything every test sent it, checked once more at the end.
        std::vector<std::string> routes;
        try {
            const auto document = nlohmann::json::parse(daemon.http().get("/v1/openapi.json").body);
            for (const auto& [path, operations] : document.at("paths").items()) {
                routes.push_back(path);
            }
        } catch (const std::exception&) {
            ADD_FAILURE() << "the shared patrond did not serve its OpenAPI document at the end";
        }
        stop_and_check(daemon, "the shared patrond");
        for (const auto& fault : access_log_faults(daemon.out(), routes)) {
            ADD_FAILURE() << "shared patrond log: " << fault;
        }
        shared.daemon.reset();
    }
};

// Registered before main() runs the tests, as GoogleTest allows; it starts nothing by itself.
[[maybe_unused]] ::testing::Environment* const kSharedDaemonEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedDaemonEnvironment);

}  // namespace

Patrond::Patrond(const std::string& config_sections)
    : data_dir_(temp_.path() / "data"),
      out_file_(temp_.path() / "stdout.log"),
      err_file_(temp_.path() / "stderr.log") {
    const fs::path config = temp_.file("patrond.toml", std::string(kBaseConfig) + config_sections);
    auto env = clean_environment();
    env["PATRON_HTTP_PORT"] = "0";
    env["PATRON_SIP2_PORT"] = "0";
    child_.emplace(spawn_process(
        {PATROND_PATH, "--demo", "--config", config.string(), "--data-dir", data_dir_.string()},
        env, out_file_, err_file_));

    try {
        wait_until_listening();
    } catch (...) {
        // No destructor runs for a half-made object: stop what was started.
        if (!child_->wait_for(Millis(0))) stop();
        kill_orphaned_database();
        throw;
    }
}

void Patrond::wait_until_listening() {
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    std::optional<nlohmann::json> listening;
    while (!listening) {
        for (const auto& line : lines_of(out())) {
            if (line.find("\"message\":\"listening\"") != std::string::npos) {
                listening = nlohmann::json::parse(line);
            }
        }
        if (listening) break;
        if (const auto status = child_->wait_for(Millis(20))) {
            throw std::runtime_error(fmt::format("patrond exited with {} before listening: {}",
                                                 *status, failure_lines(err())));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("patrond did not start listening within the time limit");
        }
    }
    http_port_ = listening->at("http_port").get<std::uint16_t>();
    sip2_port_ = listening->value("sip2_port", std::uint16_t{0});

    // "  kiosk         demo-kiosk-20261124224132  pt_...", after "demo API clients ...".
    const std::regex client_line(R"(^  ([a-z_]+) +(\S+) +(\S+)$)");
    bool in_listing = false;
    for (const auto& line : lines_of(err())) {
        if (line.starts_with("demo API clients")) {
            in_listing = true;
        } else if (std::smatch m; in_listing && std::regex_match(line, m, client_line)) {
            clients_[m[1].str()] = DemoClient{m[1].str(), m[2].str(), m[3].str()};
        } else {
            in_listing = false;
        }
    }
    if (clients_.empty()) throw std::runtime_error("patrond --demo printed no demo API clients");
}

Patrond::~Patrond() {
    if (child_ && !child_->wait_for(Millis(0))) stop();
    kill_orphaned_database();
}

const DemoClient& Patrond::client(const std::string& role) const { return clients_.at(role); }

std::string Patrond::out() const { return read_text(out_file_); }
std::string Patrond::err() const { return read_text(err_file_); }

bool Patrond::wait_for_output(std::string_view text, Millis timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(Millis(20));
    }
    return true;
}

int Patrond::stop() {
    child_->signal(SIGTERM);
    if (const auto status = child_->wait_for(kStopTimeout)) return *status;
    child_->signal(SIGKILL);
    (void)child_->wait_for(kStopTimeout);
    kill_orphaned_database();
    return -1;
}

// A daemon that was killed leaves its embedded PostgreSQL running: stop it (immediate shutdown)
// by the pid in its pid file, after checking that pid is a postgres process.
void Patrond::kill_orphaned_database() const {
    std::ifstream pid_file(data_dir_ / "postgresql" / "data" / "postmaster.pid");
    long pid = 0;
    if (!(pid_file >> pid) || pid <= 0) return;
    const std::string command = read_text(fs::path("/proc") / std::to_string(pid) / "comm");
    if (!command.starts_with("postgres")) return;
    ::kill(static_cast<pid_t>(pid), SIGQUIT);
    for (int i = 0; i < 500 && fs::exists(fs::path("/proc") / std::to_string(pid)); ++i) {
        std::this_thread::sleep_for(Millis(10));
    }
}

ProcessResult run_patrond(const std::vector<std::string>& args) {
    std::vector<std::string> argv{PATROND_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, "", clean_environment());
}

std::vector<std::string> personal_data_in_logs(const std::string& out, const std::string& err) {
    std::vector<std::string> findings;
    const auto out_lines = lines_of(out);
    for (std::size_t i = 0; i < out_lines.size(); ++i) {
        const std::string where = fmt::format("stdout line {}", i + 1);
        const auto json = nlohmann::json::parse(out_lines[i], nullptr, false);
        if (json.is_discarded()) {
            scan(out_lines[i], where, findings);
        } else {
            scan_json(json, where, findings);
        }
    }
    // The demo listing: from its heading through the line of the demo cards, the first time.
    bool listing_seen = false;
    bool in_listing = false;
    const auto err_lines = lines_of(err);
    for (std::size_t i = 0; i < err_lines.size(); ++i) {
        const std::string& line = err_lines[i];
        if (!listing_seen && line.starts_with("demo API clients")) {
            listing_seen = in_listing = true;
        }
        if (in_listing) {
            if (line.starts_with("demo patrons:")) in_listing = false;
            continue;
        }
        scan(line, fmt::format("stderr line {}", i + 1), findings);
    }
    return findings;
}

std::vector<std::string> access_log_faults(const std::string& out,
                                           const std::vector<std::string>& routes) {
    std::vector<std::string> faults;
    const auto lines = lines_of(out);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string where = fmt::format("stdout line {}", i + 1);
        const auto line = nlohmann::json::parse(lines[i], nullptr, false);
        if (!line.is_object()) {
            faults.push_back(where + ": not a JSON object");
            continue;
        }
        if (line.value("kind", "") != "access") continue;
        const bool complete = line.contains("request_id") && line["request_id"].is_string() &&
                              line.contains("method") && line["method"].is_string() &&
                              line.contains("route") && line["route"].is_string() &&
                              line.contains("status") && line["status"].is_number_integer() &&
                              line.contains("duration_ms") && line["duration_ms"].is_number();
        if (!complete) {
            faults.push_back(where + ": an access line without its fields");
            continue;
        }
        const auto& route = line["route"].get_ref<const std::string&>();
        if (route != "unmatched" && route != "unparsed" &&
            std::find(routes.begin(), routes.end(), route) == routes.end()) {
            faults.push_back(where + ": a route that is not a pattern of the API");
        }
    }
    return faults;
}

std::string sip2_error_detection(std::string_view message, int sequence) {
    const std::string suffix = fmt::format("AY{}AZ", sequence);
    std::uint16_t sum = 0;
    for (const char c : message)
        sum = static_cast<std::uint16_t>(sum + static_cast<unsigned char>(c));
    for (const char c : suffix)
        sum = static_cast<std::uint16_t>(sum + static_cast<unsigned char>(c));
    return fmt::format("{}{:04X}", suffix, static_cast<std::uint16_t>(-sum));
}

std::string sip2_now() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    return fmt::format("{:%Y%m%d}    {:%H%M%S}", local, local);
}

std::optional<double> prometheus_sample(const std::string& metrics, const std::string& series) {
    for (const auto& line : lines_of(metrics)) {
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return std::nullopt;
}

void stop_and_check(Patrond& daemon, std::string_view name) {
    EXPECT_EQ(daemon.stop(), 0) << name << " did not exit 0 on SIGTERM";
    EXPECT_TRUE(daemon.out().find("\"message\":\"stopped\"") != std::string::npos)
        << name << " logged no \"stopped\"";
    for (const auto& finding : personal_data_in_logs(daemon.out(), daemon.err())) {
        ADD_FAILURE() << name << " log: " << finding;
    }
}

void SuiteDaemon::start(const std::string& config_sections) {
    try {
        daemon_ = std::make_unique<Patrond>(config_sections);
    } catch (const std::exception& e) {
        failure_ = e.what();
    }
}

void SuiteDaemon::stop(std::string_view name) {
    if (!daemon_) return;
    stop_and_check(*daemon_, name);
    daemon_.reset();
}

void PatrondTest::SetUp() { (void)daemon(); }

Patrond& PatrondTest::daemon() {
    SharedDaemon& shared = shared_daemon();
    if (!shared.failure.empty()) throw std::runtime_error(shared.failure);
    if (!shared.daemon) {
        try {
            shared.daemon = std::make_unique<Patrond>();
        } catch (const std::exception& e) {
            shared.failure = std::string("the shared patrond could not be started: ") + e.what();
            throw std::runtime_error(shared.failure);
        }
    }
    return *shared.daemon;
}

}  // namespace patron::test
