#pragma once
// Running the built patronctl as a user would, each test with a data directory of its own (the
// embedded PostgreSQL and the key file), removed afterwards. patronctl starts the embedded server
// itself and stops it when it exits, so nothing else needs cleaning up.
//
// Output is personal data (names, cards, masked codes): assertions check it with has() and
// friends, whose failure messages show the expression, never the output.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace patron::test {

inline bool has(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

/// The values of the `  label<spaces>value` lines patronctl prints for records, in order.
inline std::vector<std::string> field_values(const std::string& out, std::string_view label) {
    std::vector<std::string> values;
    std::istringstream lines(out);
    const std::string prefix = "  " + std::string(label);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with(prefix) || line.size() <= prefix.size() ||
            line[prefix.size()] != ' ') {
            continue;
        }
        const auto value = line.find_first_not_of(' ', prefix.size());
        values.push_back(value == std::string::npos ? "" : line.substr(value));
    }
    return values;
}

inline std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The base64 keys in a key file.
inline std::vector<std::string> key_material(const std::string& key_file_text) {
    std::vector<std::string> keys;
    const std::regex quoted("\"([A-Za-z0-9+/=]{40,})\"");
    for (auto it = std::sregex_iterator(key_file_text.begin(), key_file_text.end(), quoted);
         it != std::sregex_iterator(); ++it) {
        keys.push_back((*it)[1].str());
    }
    return keys;
}

class PatronctlTest : public ::testing::Test {
protected:
    /// patronctl --data-dir <this test's dir> ARGS..., with `input` on stdin. The settings a
    /// developer's shell may hold are cleared, so only the data directory decides.
    ProcessResult patronctl(const std::vector<std::string>& args, const std::string& input = "") {
        return run_process(patronctl_argv(args), input, patronctl_env());
    }

    /// The command line and environment patronctl() runs with, for spawn_process.
    [[nodiscard]] std::vector<std::string> patronctl_argv(
        const std::vector<std::string>& args) const {
        std::vector<std::string> argv{PATRONCTL_PATH, "--data-dir", dir_.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    [[nodiscard]] static std::map<std::string, std::string> patronctl_env() {
        return {{"DATABASE_URL", ""}, {"PATRON_KEY_FILE", ""}, {"PATRON_DATA_DIR", ""}};
    }

    [[nodiscard]] std::filesystem::path key_file() const { return dir_ / "keys.toml"; }

    // Traversable: as root the embedded server runs as `postgres` and must reach its cluster.
    TempDir temp_{"patronctl-test", true};
    std::filesystem::path dir_ = temp_.path();
};

}  // namespace patron::test
