#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace patron::test {
namespace {

// argv and envp for execve, built before fork (the child may only call async-signal-safe
// functions).
class ExecArguments {
public:
    ExecArguments(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env)
        : argv_strings_(argv) {
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry(*e);
            if (!env.contains(entry.substr(0, entry.find('=')))) env_strings_.push_back(entry);
        }
        for (const auto& [name, value] : env) env_strings_.push_back(name + "=" + value);
        for (auto& e : env_strings_) envp_.push_back(e.data());
        envp_.push_back(nullptr);
        for (auto& a : argv_strings_) argv_.push_back(a.data());
        argv_.push_back(nullptr);
    }
    // argv_ and envp_ point into the strings.
    ExecArguments(const ExecArguments&) = delete;
    ExecArguments& operator=(const ExecArguments&) = delete;

    // Replaces the (forked) process; exits 127 when it cannot. SIGPIPE gets its default
    // action back: the test process may ignore it (support/net_client.hpp), and an ignored
    // signal would stay ignored in the program under test.
    [[noreturn]] void exec() const {
        ::signal(SIGPIPE, SIG_DFL);
        ::execve(argv_[0], argv_.data(), envp_.data());
        ::_exit(127);
    }

private:
    std::vector<std::string> argv_strings_;
    std::vector<std::string> env_strings_;
    std::vector<char*> argv_;
    std::vector<char*> envp_;
};

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const std::map<std::string, std::string>& env) {
    const ExecArguments exec_arguments(argv, env);

    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        exec_arguments.exec();
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);

    ProcessResult result;
    std::size_t written = 0;
    int in_fd = in[1];
    if (input.empty()) {
        ::close(in_fd);
        in_fd = -1;
    }
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in_fd, POLLOUT, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("poll failed");
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            } else {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            }
        }
        if (fds[2].fd >= 0 && fds[2].revents != 0) {
            const ssize_t n = ::write(fds[2].fd, input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n <= 0 || written == input.size()) {
                ::close(fds[2].fd);
                fds[2].fd = -1;
            }
        }
    }
    if (fds[2].fd >= 0) ::close(fds[2].fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = decode_status(status);
    return result;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), status_(other.status_) {
    other.pid_ = -1;
}

ChildProcess::~ChildProcess() {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
}

void ChildProcess::signal(int number) const {
    if (pid_ > 0 && !status_) ::kill(pid_, number);
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
        int status = 0;
        const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
        if (reaped == pid_) {
            status_ = decode_status(status);
        } else if (reaped < 0 && errno != EINTR) {
            throw std::runtime_error("waitpid failed");
        } else if (std::chrono::steady_clock::now() >= deadline) {
            break;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    return status_;
}

ChildProcess spawn_process(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env,
                           const std::filesystem::path& out_file,
                           const std::filesystem::path& err_file) {
    const ExecArguments exec_arguments(argv, env);
    const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int out = ::open(out_file.c_str(), flags, 0600);
    const int err = ::open(err_file.c_str(), flags, 0600);
    const auto close_all = [&] {
        for (const int fd : {in, out, err}) {
            if (fd >= 0) ::close(fd);
        }
    };
    if (in < 0 || out < 0 || err < 0) {
        close_all();
        throw std::runtime_error("cannot open the output files of a child process");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        close_all();
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        exec_arguments.exec();
    }
    close_all();
    return ChildProcess(pid);
}

}  // namespace patron::test
