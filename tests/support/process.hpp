#pragma once
// Running an executable the way a user does: arguments, stdin text, extra environment; its
// exit status and output captured.

#include <map>
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

}  // namespace patron::test
