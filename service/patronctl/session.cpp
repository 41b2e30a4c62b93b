#include "patronctl/session.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "patron/exception.hpp"
#include "patron/pg/database.hpp"

namespace patron::cli {
namespace {

std::string os_user() {
    if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr) return pw->pw_name;
    return fmt::format("uid-{}", ::geteuid());
}

}  // namespace

Session::Session(GlobalOptions options, std::string command)
    : options_(std::move(options)), command_(std::move(command)) {
    // Command-line options act as the environment variables they stand for, so one precedence
    // rule holds: option, then environment, then file, then default.
    const auto env = [this](const char* name) -> std::optional<std::string> {
        if (std::string_view(name) == "PATRON_DATA_DIR" && options_.data_dir)
            return options_.data_dir;
        if (std::string_view(name) == "DATABASE_URL" && options_.database_url) {
            return options_.database_url;
        }
        return process_env(name);
    };
    config_ = load_config(options_.config_file
                              ? std::optional<std::filesystem::path>(*options_.config_file)
                              : std::nullopt,
                          env);
}

const std::string& Session::database_url() {
    if (!location_) location_ = service::locate_database(config_);
    return location_->url;
}

store::Database& Session::database() {
    if (!database_) {
        database_ = pg::open_database({.url = database_url(), .pool_size = config_.pool_size});
    }
    return *database_;
}

const KeyRing& Session::keys() {
    if (!keys_) keys_.emplace(KeyRing::load(config_.key_file));
    return *keys_;
}

Caller Session::caller() const {
    const auto role = parse_role(options_.role);
    if (!role) {
        throw ConfigError(fmt::format(
            "unknown role '{}' (circulation, home_service, kiosk, billing, dpo, admin, patron)",
            options_.role));
    }
    return Caller{options_.actor.empty() ? os_user() : options_.actor, *role,
                  options_.purpose.empty() ? "patronctl " + command_ : options_.purpose,
                  std::nullopt};
}

int refused(const Error& error) {
    if (error.field.empty()) {
        std::cerr << fmt::format("patronctl: refused: {}\n", error.message);
    } else {
        std::cerr << fmt::format("patronctl: refused: {}: {}\n", error.field, error.message);
    }
    return kRefused;
}

SecretBytes read_secret(const char* prompt) {
    const bool terminal = ::isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line = read_stdin_line(prompt);
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    }
    return SecretBytes::take(line);
}

std::string read_stdin_line(const char* prompt) {
    if (::isatty(STDIN_FILENO)) std::cerr << prompt << std::flush;
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace patron::cli
