// patrond: the register's HTTP API and SIP2 endpoint, on the configured or the embedded database.

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "common/bootstrap.hpp"
#include "common/demo.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/services.hpp"
#include "common/tls.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "patron/exception.hpp"
#include "patron/pg/database.hpp"
#include "sip2/server.hpp"

namespace {

using namespace patron;
namespace asio = boost::asio;

// Busy connections get this long to finish after SIGTERM before the process stops anyway.
constexpr auto kDrainDeadline = std::chrono::seconds(20);

struct Options {
    std::optional<std::string> config_file;
    std::optional<std::string> data_dir;
    std::optional<std::string> database_url;
    bool check_config = false;
    bool demo = false;
};

Config load(const Options& options) {
    // Options act as the environment variables they stand for: option, environment, file,
    // default.
    const auto env = [&](const char* name) -> std::optional<std::string> {
        if (std::string_view(name) == "PATRON_DATA_DIR" && options.data_dir)
            return options.data_dir;
        if (std::string_view(name) == "DATABASE_URL" && options.database_url) {
            return options.database_url;
        }
        return process_env(name);
    };
    return load_config(options.config_file
                           ? std::optional<std::filesystem::path>(*options.config_file)
                           : std::nullopt,
                       env);
}

std::string describe(const ListenerSettings& listener) {
    return fmt::format("{}:{} ({})", listener.address, listener.port,
                       listener.tls() ? "TLS" : "plain");
}

// --check-config: everything that can be checked without starting: the file, the TLS files,
// the key file.
int check_config(const Config& config) {
    if (config.http.listener.tls()) (void)service::make_tls_context(config.http.listener);
    if (config.sip2.enabled && config.sip2.listener.tls()) {
        (void)service::make_tls_context(config.sip2.listener);
    }
    (void)KeyRing::load(config.key_file);
    std::cout << "configuration ok\n"
              << "database: "
              << (config.database_url ? pg::redact_url(*config.database_url)
                                      : "embedded PostgreSQL in " + config.embedded_dir().string())
              << "\nkey file: " << config.key_file.string()
              << "\nhttp: " << describe(config.http.listener)
              << "\nsip2: " << (config.sip2.enabled ? describe(config.sip2.listener) : "disabled")
              << "\n";
    return 0;
}

// A fresh API client of each role for the demo, printed once: tokens are stored only as
// hashes. Earlier demo clients are revoked, so a demo token works only while its patrond runs.
void add_demo_clients(service::Services& services, const Caller& admin, std::ostream& out) {
    const auto earlier = services.clients.list(admin);
    if (!earlier) throw Exception("demo clients cannot be listed: " + earlier.error().message);
    for (const auto& client : *earlier) {
        if (client.name.starts_with("demo-") && !client.revoked_at) {
            (void)services.clients.revoke(admin, client.name);
        }
    }
    const auto stamp = fmt::format(
        "{:%Y%m%d%H%M%S}",
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    out << "demo API clients (bearer tokens; SIP2 login CN = name, CO = token):\n";
    for (const Role role : {Role::admin, Role::circulation, Role::home_service, Role::kiosk,
                            Role::billing, Role::dpo}) {
        const auto added =
            services.clients.add(admin, fmt::format("demo-{}-{}", to_string(role), stamp), role);
        if (!added) throw Exception("demo client refused: " + added.error().message);
        out << fmt::format("  {:<13} {}  {}\n", to_string(role), added->info.name, added->token);
    }
    out << fmt::format("demo patrons: cards {}, {} (PIN {}), {}\n", service::kDemoCards[0],
                       service::kDemoCards[1], service::kDemoPin, service::kDemoCards[2]);
}

int serve(const Options& options, const Config& config) {
    service::Log log(std::cout);
    auto location = service::locate_database(config);
    if (options.demo) service::prepare_demo(config, location.url, std::cerr);
    auto database = pg::open_database({.url = location.url, .pool_size = config.pool_size});
    const KeyRing keys = KeyRing::load(config.key_file);
    const SystemClock clock;
    const Context context{*database, keys, clock};
    service::Services services(context, config);
    if (options.demo) {
        const Caller admin{"patrond-demo", Role::admin, "load the demo register", std::nullopt};
        if (service::load_demo_register(context, config, admin)) {
            std::cerr << "loaded the demo register\n";
        }
        add_demo_clients(services, admin, std::cerr);
    }

    service::Metrics metrics;
    http::Api api(services, metrics);
    asio::io_context io(static_cast<int>(config.http.threads));
    http::Server http_server(io, config.http, api, metrics, log);
    std::optional<sip2::Server> sip2_server;
    if (config.sip2.enabled) sip2_server.emplace(io, config.sip2, services, metrics, log);
    http_server.start();
    if (sip2_server) sip2_server->start();

    nlohmann::json listening{{"http_port", http_server.port()},
                             {"http_tls", config.http.listener.tls()}};
    if (sip2_server) {
        listening["sip2_port"] = sip2_server->port();
        listening["sip2_tls"] = config.sip2.listener.tls();
    }
    log.app("info", "listening", listening);
    std::cerr << fmt::format("HTTP API: {}://{}:{}/v1/  (OpenAPI: /v1/openapi.json)\n",
                             config.http.listener.tls() ? "https" : "http",
                             config.http.listener.address, http_server.port());
    if (sip2_server) {
        std::cerr << fmt::format("SIP2: {}:{}{}\n", config.sip2.listener.address,
                                 sip2_server->port(), config.sip2.listener.tls() ? " (TLS)" : "");
    }
    std::cerr << "stop with Ctrl-C (SIGINT) or SIGTERM\n";

    // SIGTERM/SIGINT: stop accepting, let busy connections finish, then stop.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer drain_timer(io);
    const auto deadline_at = std::make_shared<std::chrono::steady_clock::time_point>();
    std::function<void()> wait_drained = [&] {
        const std::size_t open =
            http_server.connections() + (sip2_server ? sip2_server->connections() : 0);
        if (open == 0 || std::chrono::steady_clock::now() >= *deadline_at) {
            if (open != 0) log.app("warning", "drain deadline passed", {{"connections", open}});
            io.stop();
            return;
        }
        drain_timer.expires_after(std::chrono::milliseconds(50));
        drain_timer.async_wait([&](boost::system::error_code) { wait_drained(); });
    };
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec) return;
        log.app("info", "draining", {{"signal", signal}});
        *deadline_at = std::chrono::steady_clock::now() + kDrainDeadline;
        http_server.drain();
        if (sip2_server) sip2_server->drain();
        wait_drained();
    });

    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < config.http.threads; ++i) threads.emplace_back([&] { io.run(); });
    io.run();
    for (auto& thread : threads) thread.join();
    log.app("info", "stopped");
    return 0;
}

int run(int argc, char** argv) {
    CLI::App app{"patrond: the patron register's HTTP API and SIP2 endpoint"};
    Options options;
    app.add_option("--config", options.config_file, "TOML configuration file")
        ->check(CLI::ExistingFile);
    app.add_option("--data-dir", options.data_dir,
                   "data directory: embedded database and key file (env PATRON_DATA_DIR)");
    app.add_option("--database-url", options.database_url,
                   "PostgreSQL URL instead of the embedded database (env DATABASE_URL)");
    app.add_flag("--check-config", options.check_config,
                 "check the configuration, TLS files and key file, then exit");
    app.add_flag("--demo", options.demo,
                 "prepare the database, load the demo register and print demo credentials");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        const Config config = load(options);
        if (options.check_config) return check_config(config);
        return serve(options, config);
    } catch (const ConfigError& e) {
        std::cerr << "patrond: configuration: " << e.what() << "\n";
    } catch (const Exception& e) {
        std::cerr << "patrond: " << e.what() << "\n";
    } catch (const std::system_error& e) {
        // Binding a port that is taken, and the like.
        std::cerr << "patrond: " << e.what() << "\n";
    }
    return 3;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
