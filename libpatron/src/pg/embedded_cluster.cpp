#include "patron/pg/embedded_cluster.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <pqxx/pqxx>
#include <vector>

#include "patron/exception.hpp"

extern char** environ;

namespace patron::pg {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSuperuser = "patron";
constexpr const char* kDatabase = "patron";
constexpr int kPort = 5432;
// Exit status of a child that could not reach the cluster directory as the server user.
constexpr int kUnreachable = 125;
// Unix socket paths are limited to 108 bytes (sun_path) including the terminating NUL.
constexpr std::size_t kMaxSocketPath = 107;

struct Identity {
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Fixed file descriptors are closed on every path out of scope.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

fs::path data_dir(const EmbeddedClusterOptions& o) { return o.directory / "data"; }
fs::path run_dir(const EmbeddedClusterOptions& o) { return o.directory / "run"; }
fs::path server_log(const EmbeddedClusterOptions& o) { return o.directory / "server.log"; }
fs::path tool_log(const EmbeddedClusterOptions& o) { return o.directory / "tools.log"; }

EmbeddedClusterError failure(const EmbeddedClusterOptions& o, std::string_view what) {
    return EmbeddedClusterError(fmt::format("embedded PostgreSQL in {}: {} (see {} and {})",
                                            o.directory.string(), what, tool_log(o).string(),
                                            server_log(o).string()));
}

fs::path find_bin_dir(const fs::path& configured) {
    if (!configured.empty()) return configured;
    if (const char* env = std::getenv("PATRON_PG_BINDIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return "/usr/lib/postgresql/15/bin";
}

Identity server_identity(const EmbeddedClusterOptions& o) {
    Identity id;
    // initdb and postgres refuse to run as root.
    if (::geteuid() != 0) return id;
    const passwd* pw = ::getpwnam(o.run_as_user.c_str());
    if (pw == nullptr) {
        throw EmbeddedClusterError(fmt::format(
            "running as root, the embedded PostgreSQL needs the unprivileged user '{}' to run as; "
            "it does not exist (install postgresql-15, or choose another user)",
            o.run_as_user));
    }
    if (pw->pw_uid == 0) {
        throw EmbeddedClusterError(
            fmt::format("user '{}' is root; choose an unprivileged user", o.run_as_user));
    }
    id.switch_user = true;
    id.uid = pw->pw_uid;
    id.gid = pw->pw_gid;
    return id;
}

// Runs a PostgreSQL tool as the server user, its output appended to the tool log, and returns
// its exit status. Everything the child needs is prepared before fork(): only async-signal-safe
// calls happen between fork and exec.
int run_tool(const EmbeddedClusterOptions& o, const Identity& id, std::vector<std::string> args) {
    const fs::path tool = o.bin_dir / args.front();
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string program = tool.string();
    const std::string directory = o.directory.string();

    Fd log{::open(tool_log(o).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)};
    if (log.fd < 0)
        throw failure(o, fmt::format("cannot open the tool log: {}", std::strerror(errno)));
    Fd null{::open("/dev/null", O_RDONLY | O_CLOEXEC)};

    const pid_t pid = ::fork();
    if (pid < 0) throw failure(o, "fork failed");
    if (pid == 0) {
        if (id.switch_user) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(id.gid) != 0 || ::setuid(id.uid) != 0) {
                ::_exit(kUnreachable);
            }
        }
        if (::access(directory.c_str(), R_OK | W_OK | X_OK) != 0 ||
            ::chdir(directory.c_str()) != 0) {
            ::_exit(kUnreachable);
        }
        ::dup2(null.fd, STDIN_FILENO);
        ::dup2(log.fd, STDOUT_FILENO);
        ::dup2(log.fd, STDERR_FILENO);
        // The server outlives this process: it must not hold our pipes or sockets open.
        ::close_range(3, ~0U, 0);
        ::execve(program.c_str(), argv.data(), environ);
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw failure(o, "waitpid failed");
    }
    if (!WIFEXITED(status)) return 128;
    const int code = WEXITSTATUS(status);
    if (code == kUnreachable && id.switch_user) {
        throw failure(o, fmt::format("user '{}' cannot enter the directory; choose a data "
                                     "directory whose parents it may traverse (not under /root)",
                                     o.run_as_user));
    }
    if (code == 127) throw failure(o, fmt::format("cannot run {}", program));
    return code;
}

std::string quote_conf(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out.push_back(c);
        out.push_back(c);
    }
    return out + "'";
}

void initialise(const EmbeddedClusterOptions& o, const Identity& id) {
    std::vector<std::string> args{"initdb",
                                  "-D",
                                  data_dir(o).string(),
                                  "-U",
                                  kSuperuser,
                                  "--auth-local=trust",
                                  "--auth-host=reject",
                                  "-E",
                                  "UTF8",
                                  "--locale=C.UTF-8",
                                  "--no-instructions"};
    if (o.ephemeral) args.emplace_back("--no-sync");
    if (run_tool(o, id, args) != 0) throw failure(o, "initdb failed");

    // Only a Unix socket in a directory no one else may enter: trust authentication is safe.
    std::ofstream conf(data_dir(o) / "postgresql.conf", std::ios::app);
    conf << "\n# patron embedded cluster\n"
         << "listen_addresses = ''\n"
         << "port = " << kPort << "\n"
         << "unix_socket_directories = " << quote_conf(run_dir(o).string()) << "\n"
         << "unix_socket_permissions = 0700\n";
    if (o.ephemeral) {
        // Throwaway test data: durability costs time and buys nothing.
        conf << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
    }
    if (!conf) throw failure(o, "cannot write postgresql.conf");
}

void create_database(const std::string& maintenance_url, const EmbeddedClusterOptions& o) {
    try {
        pqxx::connection connection(maintenance_url);
        pqxx::nontransaction tx(connection);
        if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", kDatabase).empty()) {
            tx.exec0(fmt::format("CREATE DATABASE {}", kDatabase));
        }
    } catch (const std::exception& e) {
        throw failure(o, fmt::format("cannot create the database: {}", e.what()));
    }
}

std::string connection_string(const fs::path& socket_dir, const std::string& database) {
    const auto quote = [](const std::string& v) {
        std::string out = "'";
        for (char c : v) {
            if (c == '\'' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        return out + "'";
    };
    return fmt::format("host={} port={} dbname={} user={}", quote(socket_dir.string()), kPort,
                       quote(database), kSuperuser);
}

}  // namespace

std::unique_ptr<EmbeddedCluster> EmbeddedCluster::start(EmbeddedClusterOptions options) {
    options.directory = fs::absolute(options.directory);
    options.bin_dir = find_bin_dir(options.bin_dir);
    if (::access((options.bin_dir / "initdb").c_str(), X_OK) != 0) {
        throw EmbeddedClusterError(fmt::format(
            "PostgreSQL 15 server binaries not found in {} (install postgresql-15, or set "
            "PATRON_PG_BINDIR)",
            options.bin_dir.string()));
    }
    const fs::path socket = run_dir(options) / fmt::format(".s.PGSQL.{}", kPort);
    if (socket.string().size() > kMaxSocketPath) {
        throw EmbeddedClusterError(fmt::format(
            "embedded PostgreSQL directory {} is too deep for a Unix socket path; choose a "
            "shorter one",
            options.directory.string()));
    }
    const Identity id = server_identity(options);

    std::error_code ec;
    fs::create_directories(options.directory, ec);
    if (ec) throw failure(options, fmt::format("cannot create the directory: {}", ec.message()));
    fs::create_directories(run_dir(options), ec);
    for (const auto& dir : {options.directory, run_dir(options)}) {
        if (::chmod(dir.c_str(), 0700) != 0 ||
            (id.switch_user && ::chown(dir.c_str(), id.uid, id.gid) != 0)) {
            throw failure(options,
                          fmt::format("cannot secure {}: {}", dir.string(), std::strerror(errno)));
        }
    }

    // Two processes starting the same directory at once take turns; the second reuses the first.
    const fs::path lock_path = options.directory / "start.lock";
    Fd lock{::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)};
    if (lock.fd < 0 || ::flock(lock.fd, LOCK_EX) != 0) throw failure(options, "cannot lock");

    std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster(options));
    cluster->owns_directory_ = options.ephemeral;
    if (!fs::exists(data_dir(options) / "PG_VERSION")) initialise(options, id);

    // pg_ctl status: 0 running, 3 not running.
    const int status =
        run_tool(options, id, {"pg_ctl", "status", "-D", data_dir(options).string()});
    // A cluster someone else runs is theirs: an ephemeral object never removes it.
    if (status == 0) cluster->owns_directory_ = false;
    if (status != 0) {
        if (run_tool(options, id,
                     {"pg_ctl", "start", "-D", data_dir(options).string(), "-l",
                      server_log(options).string(), "-w", "-t", "120", "-s"}) != 0) {
            throw failure(options, "the server did not start");
        }
        cluster->started_here_ = true;
    }
    create_database(connection_string(run_dir(options), "postgres"), options);
    return cluster;
}

EmbeddedCluster::~EmbeddedCluster() {
    if (started_here_) stop();
    if (owns_directory_) {
        std::error_code ec;
        fs::remove_all(options_.directory, ec);
    }
}

void EmbeddedCluster::stop() noexcept {
    try {
        run_tool(options_, server_identity(options_),
                 {"pg_ctl", "stop", "-D", data_dir(options_).string(), "-m", "fast", "-w", "-s"});
    } catch (...) {
        // Destruction must not throw; a server left running is reused by the next start.
    }
}

std::string EmbeddedCluster::url(const std::string& database) const {
    return connection_string(run_dir(options_), database);
}

}  // namespace patron::pg
