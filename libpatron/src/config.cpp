#include "patron/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "patron/exception.hpp"

namespace patron {
namespace {

// Every key the file may hold, by section: a misspelt key is refused, not silently ignored (a
// misspelt url would otherwise run the register on the embedded database).
struct Section {
    std::string_view name;
    std::array<std::string_view, 2> keys;
};
constexpr std::array<Section, 2> kSections{
    {{"database", {"url", "pool_size"}}, {"paths", {"data_dir", "key_file"}}}};

std::filesystem::path default_data_dir(const EnvLookup& env) {
    if (::geteuid() == 0) return "/var/lib/patron";
    if (auto xdg = env("XDG_DATA_HOME"); xdg && !xdg->empty()) {
        return std::filesystem::path(*xdg) / "patron";
    }
    if (auto home = env("HOME"); home && !home->empty()) {
        return std::filesystem::path(*home) / ".local/share/patron";
    }
    throw ConfigError("cannot choose a data directory: HOME is not set; set PATRON_DATA_DIR");
}

void read_file(Config& config, const std::filesystem::path& file) {
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        throw ConfigError(fmt::format("config {}: line {}: {}", file.string(),
                                      e.source().begin.line, e.description()));
    }
    const auto bad = [&](std::string_view key, std::string_view why) {
        return ConfigError(fmt::format("config {}: {}: {}", file.string(), key, why));
    };
    for (const auto& [section, value] : root) {
        const std::string_view name = section.str();
        const auto known = std::find_if(kSections.begin(), kSections.end(),
                                        [&](const Section& s) { return s.name == name; });
        if (known == kSections.end()) throw bad(name, "unknown section (known: database, paths)");
        const toml::table* table = value.as_table();
        if (table == nullptr) throw bad(name, "must be a section [" + std::string(name) + "]");
        for (const auto& [key, ignored] : *table) {
            if (std::find(known->keys.begin(), known->keys.end(), key.str()) == known->keys.end()) {
                throw bad(fmt::format("{}.{}", name, key.str()), "unknown key");
            }
        }
    }
    if (auto url = root["database"]["url"]; url) {
        if (!url.is_string()) throw bad("database.url", "must be a string");
        config.database_url = url.value<std::string>();
    }
    if (auto size = root["database"]["pool_size"]; size) {
        const auto n = size.value_exact<std::int64_t>();
        if (!n || *n < 1 || *n > 1000) throw bad("database.pool_size", "must be 1-1000");
        config.pool_size = static_cast<std::size_t>(*n);
    }
    if (auto dir = root["paths"]["data_dir"]; dir) {
        if (!dir.is_string()) throw bad("paths.data_dir", "must be a string");
        config.data_dir = *dir.value<std::string>();
    }
    if (auto key = root["paths"]["key_file"]; key) {
        if (!key.is_string()) throw bad("paths.key_file", "must be a string");
        config.key_file = *key.value<std::string>();
    }
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

Config load_config(const std::optional<std::filesystem::path>& file, const EnvLookup& env) {
    Config config;
    if (file) read_file(config, *file);
    if (auto url = env("DATABASE_URL"); url && !url->empty()) config.database_url = *url;
    if (auto dir = env("PATRON_DATA_DIR"); dir && !dir->empty()) config.data_dir = *dir;
    if (auto key = env("PATRON_KEY_FILE"); key && !key->empty()) config.key_file = *key;
    if (config.data_dir.empty()) config.data_dir = default_data_dir(env);
    config.data_dir = std::filesystem::absolute(config.data_dir);
    if (config.key_file.empty()) config.key_file = config.data_dir / "keys.toml";
    config.key_file = std::filesystem::absolute(config.key_file);
    return config;
}

}  // namespace patron
