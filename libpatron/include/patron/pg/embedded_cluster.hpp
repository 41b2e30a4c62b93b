#pragma once
/// @file
/// A private PostgreSQL cluster under a directory, for running without a database server: used by
/// patronctl and patrond when no database URL is configured, and by the tests.

#include <filesystem>
#include <memory>
#include <string>

namespace patron::pg {

struct EmbeddedClusterOptions {
    /// Holds `data/` (the cluster), `run/` (the Unix socket) and `server.log`. Created if missing.
    std::filesystem::path directory;
    /// For tests: no fsync, and the directory is removed when the cluster object is destroyed
    /// (also after a failed start), unless the cluster was found running for someone else.
    bool ephemeral = false;
    /// When started as root, the server runs as this unprivileged user (initdb refuses root); the
    /// directory is handed to it and must be reachable by it.
    std::string run_as_user = "postgres";
    /// Where initdb, pg_ctl and postgres are; empty: PATRON_PG_BINDIR, then
    /// /usr/lib/postgresql/15/bin.
    std::filesystem::path bin_dir;
};

/// A running cluster listening only on a Unix socket in a directory no one else may enter
/// (no TCP). The database "patron" exists; the user "patron" is its superuser.
///
/// start() initialises the directory once (initdb), starts the server if it is not running, and
/// reuses it if it is (another process started it). The object stops the server on destruction
/// only if it started it, so a command run beside a running patrond leaves it running.
class EmbeddedCluster {
public:
    /// @throws EmbeddedClusterError with the reason and the log file to read
    [[nodiscard]] static std::unique_ptr<EmbeddedCluster> start(EmbeddedClusterOptions options);

    EmbeddedCluster(const EmbeddedCluster&) = delete;
    EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;
    /// Stops the server if this object started it (fast shutdown); removes an ephemeral directory.
    ~EmbeddedCluster();

    /// Connection string for `database` over the socket.
    [[nodiscard]] std::string url(const std::string& database = "patron") const;
    [[nodiscard]] const std::filesystem::path& directory() const noexcept {
        return options_.directory;
    }
    /// Where the server's own binaries are (pg_dump for the tests, psql for operators).
    [[nodiscard]] const std::filesystem::path& bin_dir() const noexcept { return options_.bin_dir; }
    /// True when this object started the server (and will stop it).
    [[nodiscard]] bool started_here() const noexcept { return started_here_; }

private:
    explicit EmbeddedCluster(EmbeddedClusterOptions options) : options_(std::move(options)) {}
    void stop() noexcept;

    EmbeddedClusterOptions options_;
    bool started_here_ = false;
    bool owns_directory_ = false;  // ephemeral, and not a cluster another process runs
};

}  // namespace patron::pg
