#pragma once
// Running an executable the way a user does: arguments, stdin text, extra environment; its
// exit status and output captured. Either to the end (run_process) or in the background, as a
// daemon runs (spawn_process).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace patron::test {

struct ProcessResult {
    int exit_code = -1;  ///< exit status, or 128 + signal
    std::string out;
    std::string err;
};

/// Runs `argv` (argv[0] a path) with `input` on stdin and `env` added to this process's
/// environment; waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::map<std::string, std::string>& env = {});

/// A process started by spawn_process. Killed (SIGKILL) and reaped if it still runs when this
/// object goes, so a failed test leaves no process behind. Not thread-safe.
class ChildProcess {
public:
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    /// Sends signal `number` unless the process has been reaped.
    void signal(int number) const;
    /// Waits up to `timeout` for the process to end: its exit status (or 128 + signal), or empty
    /// while it still runs. Once reaped, answers the same status at once.
    std::optional<int> wait_for(std::chrono::milliseconds timeout);

private:
    pid_t pid_;
    std::optional<int> status_;
};

/// Starts `argv` (argv[0] a path) with `env` added to this process's environment, stdin from
/// /dev/null, stdout and stderr appended to the files given (created if missing).
/// @throws std::runtime_error when it cannot be started
ChildProcess spawn_process(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env,
                           const std::filesystem::path& out_file,
                           const std::filesystem::path& err_file);

}  // namespace patron::test
