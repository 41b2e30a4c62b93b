#pragma once
// What every patronctl command shares: global options, configuration, the database (embedded or
// configured, opened on first use), keys, clock, and the caller it acts as.

#include <memory>
#include <optional>
#include <string>

#include "common/bootstrap.hpp"
#include "patron/access/role.hpp"
#include "patron/context.hpp"
#include "patron/crypto/key_ring.hpp"
#include "patron/crypto/secret_bytes.hpp"
#include "patron/store/database.hpp"

namespace patron::cli {

/// Options given before the command.
struct GlobalOptions {
    std::optional<std::string> config_file;
    std::optional<std::string> data_dir;
    std::optional<std::string> database_url;
    std::string actor;  ///< default: the operating-system user
    std::string role = "admin";
    std::string purpose;  ///< default: "patronctl <command>"
    bool json = false;
};

/// Exit statuses a script can act on.
enum Exit : int {
    kOk = 0,
    kRefused = 1,      ///< the register refused (invalid input, not found, permission, conflict)
    kUsage = 2,        ///< bad command line
    kEnvironment = 3,  ///< configuration, keys or database unusable
    kInterrupted = 4,  ///< stopped on request (SIGINT/SIGTERM) after finishing work in progress
};

class Session {
public:
    Session(GlobalOptions options, std::string command);

    [[nodiscard]] const GlobalOptions& options() const noexcept { return options_; }
    [[nodiscard]] const Config& config() const noexcept { return config_; }
    /// Starts (or reuses) the embedded cluster when no URL is configured.
    [[nodiscard]] const std::string& database_url();
    /// Opens the database, refusing a schema other than this build's.
    [[nodiscard]] store::Database& database();
    [[nodiscard]] const KeyRing& keys();
    [[nodiscard]] const Clock& clock() const noexcept { return clock_; }
    [[nodiscard]] Context context() { return Context{database(), keys(), clock_}; }
    /// The caller the command acts as. @throws ConfigError on an unknown role
    [[nodiscard]] Caller caller() const;

private:
    GlobalOptions options_;
    std::string command_;
    Config config_;
    SystemClock clock_;
    std::optional<service::DatabaseLocation> location_;
    std::unique_ptr<store::Database> database_;
    std::optional<KeyRing> keys_;
};

/// Prints a refusal to stderr ("patronctl: refused: <field>: <message>") and returns kRefused.
int refused(const Error& error);

/// Reads one line from stdin, prompting on stderr when stdin is a terminal. Identity codes come
/// this way, never as arguments, which `ps` and shell history would keep.
[[nodiscard]] std::string read_stdin_line(const char* prompt);

/// Reads a PIN from stdin, without echo on a terminal, into a buffer wiped on destruction.
[[nodiscard]] SecretBytes read_secret(const char* prompt);

}  // namespace patron::cli
