#include "patron/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <type_traits>

#include "patron/exception.hpp"

namespace patron {
namespace {

// Every key the file may hold, by section: a misspelt key is refused, not silently ignored (a
// misspelt url would otherwise run the register on the embedded database).
struct Section {
    std::string_view name;
    std::array<std::string_view, 11> keys;  // unused places empty
};
constexpr std::array<Section, 7> kSections{{
    {"database", {"url", "pool_size"}},
    {"paths", {"data_dir", "key_file"}},
    {"pin",
     {"memory_kib", "iterations", "parallelism", "min_length", "max_length", "max_failed_attempts",
      "lockout_minutes"}},
    {"kiosk", {"failure_limit", "failure_window_seconds"}},
    {"circulation",
     {"fee_limit_cents", "hold_pickup_days", "reminder_days_before", "overdue_notice_days_after",
      "invoice_due_days"}},
    {"http",
     {"address", "port", "tls_certificate", "tls_key", "max_connections", "idle_timeout_seconds",
      "threads", "max_body_bytes", "max_header_bytes", "request_timeout_seconds",
      "session_minutes"}},
    {"sip2",
     {"enabled", "address", "port", "tls_certificate", "tls_key", "max_connections",
      "idle_timeout_seconds", "max_message_bytes", "encoding", "disclose_name"}},
}};

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
        if (known == kSections.end()) {
            throw bad(name,
                      "unknown section (known: database, paths, pin, kiosk, circulation, http, "
                      "sip2)");
        }
        const toml::table* table = value.as_table();
        if (table == nullptr) throw bad(name, "must be a section [" + std::string(name) + "]");
        for (const auto& [key, ignored] : *table) {
            if (key.str().empty() ||
                std::find(known->keys.begin(), known->keys.end(), key.str()) == known->keys.end()) {
                throw bad(fmt::format("{}.{}", name, key.str()), "unknown key");
            }
        }
    }
    if (auto url = root["database"]["url"]; url) {
        if (!url.is_string()) throw bad("database.url", "must be a string");
        config.database_url = url.value<std::string>();
    }
    // An integer setting within [low, high], into `target` when given.
    const auto integer = [&](std::string_view section, std::string_view key, std::int64_t low,
                             std::int64_t high, auto& target) {
        const auto node = root[section][key];
        if (!node) return;
        const auto n = node.template value_exact<std::int64_t>();
        if (!n || *n < low || *n > high) {
            throw bad(fmt::format("{}.{}", section, key),
                      fmt::format("must be an integer {}-{}", low, high));
        }
        target = static_cast<std::remove_reference_t<decltype(target)>>(*n);
    };
    integer("database", "pool_size", 1, 1000, config.pool_size);
    if (auto dir = root["paths"]["data_dir"]; dir) {
        if (!dir.is_string()) throw bad("paths.data_dir", "must be a string");
        config.data_dir = *dir.value<std::string>();
    }
    if (auto key = root["paths"]["key_file"]; key) {
        if (!key.is_string()) throw bad("paths.key_file", "must be a string");
        config.key_file = *key.value<std::string>();
    }

    PinSettings& pin = config.pin;
    integer("pin", "memory_kib", 8, 4 * 1024 * 1024, pin.hashing.memory_kib);
    integer("pin", "iterations", 1, 100, pin.hashing.iterations);
    integer("pin", "parallelism", 1, 16, pin.hashing.parallelism);
    integer("pin", "min_length", 4, 12, pin.policy.min_length);
    integer("pin", "max_length", 4, 12, pin.policy.max_length);
    integer("pin", "max_failed_attempts", 1, 100, pin.lockout.max_failed_attempts);
    std::int64_t minutes = pin.lockout.duration.count() / 60;
    integer("pin", "lockout_minutes", 1, 24 * 60, minutes);
    pin.lockout.duration = std::chrono::minutes{minutes};
    if (pin.hashing.memory_kib < 8 * pin.hashing.parallelism) {
        throw bad("pin.memory_kib", "must be at least 8 KiB per lane (8 x parallelism)");
    }
    if (pin.policy.min_length > pin.policy.max_length) {
        throw bad("pin.min_length", "must not exceed pin.max_length");
    }

    KioskSettings& kiosk = config.kiosk;
    integer("kiosk", "failure_limit", 1, 100'000, kiosk.failure_limit);
    std::int64_t window = kiosk.failure_window.count();
    integer("kiosk", "failure_window_seconds", 1, 24 * 3600, window);
    kiosk.failure_window = std::chrono::seconds{window};

    CirculationSettings& circulation = config.circulation;
    integer("circulation", "fee_limit_cents", 0, 100'000'000, circulation.fee_limit_cents);
    integer("circulation", "hold_pickup_days", 1, 365, circulation.hold_pickup_days);
    integer("circulation", "reminder_days_before", 0, 60, circulation.reminder_days_before);
    integer("circulation", "overdue_notice_days_after", 0, 365,
            circulation.overdue_notice_days_after);
    integer("circulation", "invoice_due_days", 1, 365, circulation.invoice_due_days);

    const auto string = [&](std::string_view section, std::string_view key, auto& target) {
        const auto node = root[section][key];
        if (!node) return;
        if (!node.is_string()) throw bad(fmt::format("{}.{}", section, key), "must be a string");
        target = *node.template value<std::string>();
    };
    const auto boolean = [&](std::string_view section, std::string_view key, bool& target) {
        const auto node = root[section][key];
        if (!node) return;
        if (!node.is_boolean()) throw bad(fmt::format("{}.{}", section, key), "must be a boolean");
        target = *node.template value<bool>();
    };
    const auto seconds = [&](std::string_view section, std::string_view key, std::int64_t low,
                             std::int64_t high, std::chrono::seconds& target) {
        std::int64_t n = target.count();
        integer(section, key, low, high, n);
        target = std::chrono::seconds{n};
    };
    const auto listener = [&](std::string_view section, ListenerSettings& l) {
        string(section, "address", l.address);
        integer(section, "port", 0, 65535, l.port);
        string(section, "tls_certificate", l.tls_certificate);
        string(section, "tls_key", l.tls_key);
        integer(section, "max_connections", 1, 100'000, l.max_connections);
        seconds(section, "idle_timeout_seconds", 1, 24 * 3600, l.idle_timeout);
        if (l.tls_certificate.empty() != l.tls_key.empty()) {
            throw bad(fmt::format("{}.tls_key", section),
                      "tls_certificate and tls_key go together");
        }
    };

    HttpSettings& http = config.http;
    listener("http", http.listener);
    integer("http", "threads", 1, 256, http.threads);
    integer("http", "max_body_bytes", 1024, 64 * 1024 * 1024, http.max_body_bytes);
    integer("http", "max_header_bytes", 1024, 1024 * 1024, http.max_header_bytes);
    seconds("http", "request_timeout_seconds", 1, 3600, http.request_timeout);
    std::int64_t session_minutes = http.session_lifetime.count() / 60;
    integer("http", "session_minutes", 1, 24 * 60, session_minutes);
    http.session_lifetime = std::chrono::minutes{session_minutes};

    Sip2Settings& sip2 = config.sip2;
    boolean("sip2", "enabled", sip2.enabled);
    listener("sip2", sip2.listener);
    integer("sip2", "max_message_bytes", 64, 64 * 1024, sip2.max_message_bytes);
    boolean("sip2", "disclose_name", sip2.disclose_name);
    std::string encoding = sip2.encoding == Sip2Encoding::utf8 ? "utf-8" : "cp850";
    string("sip2", "encoding", encoding);
    if (encoding == "cp850") {
        sip2.encoding = Sip2Encoding::cp850;
    } else if (encoding == "utf-8") {
        sip2.encoding = Sip2Encoding::utf8;
    } else {
        throw bad("sip2.encoding", "must be \"cp850\" or \"utf-8\"");
    }
}

// A listening port from the environment: 0-65535.
void port_override(const EnvLookup& env, const char* name, std::uint16_t& port) {
    const auto text = env(name);
    if (!text || text->empty()) return;
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc{} || end != text->data() + text->size() || value > 65535) {
        throw ConfigError(fmt::format("environment {}: must be a port number 0-65535", name));
    }
    port = static_cast<std::uint16_t>(value);
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
    port_override(env, "PATRON_HTTP_PORT", config.http.listener.port);
    port_override(env, "PATRON_SIP2_PORT", config.sip2.listener.port);
    if (config.data_dir.empty()) config.data_dir = default_data_dir(env);
    config.data_dir = std::filesystem::absolute(config.data_dir);
    if (config.key_file.empty()) config.key_file = config.data_dir / "keys.toml";
    config.key_file = std::filesystem::absolute(config.key_file);
    return config;
}

}  // namespace patron
