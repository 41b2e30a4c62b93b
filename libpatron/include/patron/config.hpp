#pragma once
/// @file
/// Configuration: one TOML file plus environment overrides.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "patron/circulation/circulation_settings.hpp"
#include "patron/daemon_settings.hpp"
#include "patron/kiosk/kiosk_settings.hpp"
#include "patron/pin/pin_settings.hpp"

namespace patron {

/// Settings shared by patronctl and patrond.
///
/// File (all keys optional):
/// @code
/// [database]
/// url = "postgresql://patron@db.example/patron"   # none: embedded cluster under data_dir
/// pool_size = 8
/// [paths]
/// data_dir = "/var/lib/patron"
/// key_file = "/etc/patron/keys.toml"                # default: <data_dir>/keys.toml
/// [pin]
/// memory_kib = 19456          # Argon2id cost: OWASP's minimum is the default
/// iterations = 2
/// parallelism = 1
/// min_length = 4
/// max_length = 8
/// max_failed_attempts = 5     # then the card is locked for lockout_minutes
/// lockout_minutes = 15
/// [kiosk]
/// failure_limit = 30          # failed verifications per kiosk per window before it is refused
/// failure_window_seconds = 60
/// [circulation]
/// fee_limit_cents = 1000      # unpaid fees above this stop borrowing
/// hold_pickup_days = 7        # a ready hold waits this long
/// reminder_days_before = 2    # due-date reminder this many days before the due date
/// overdue_notice_days_after = 1
/// invoice_due_days = 14
/// [http]                      # patrond's HTTP API
/// address = "127.0.0.1"
/// port = 8080
/// tls_certificate = "/etc/patron/tls/cert.pem"     # with tls_key: HTTPS only (TLS 1.2+)
/// tls_key = "/etc/patron/tls/key.pem"
/// max_connections = 1024
/// idle_timeout_seconds = 60
/// threads = 8
/// max_body_bytes = 65536
/// max_header_bytes = 8192
/// request_timeout_seconds = 30
/// session_minutes = 15        # web-library sessions
/// [sip2]                      # patrond's SIP2 endpoint for kiosks
/// enabled = true
/// address = "127.0.0.1"
/// port = 6001
/// tls_certificate = ""        # with tls_key: SIP2 over TLS
/// tls_key = ""
/// max_connections = 256
/// idle_timeout_seconds = 300
/// max_message_bytes = 4096
/// encoding = "cp850"          # or "utf-8"
/// disclose_name = false       # AE personal name after a correct PIN
/// @endcode
/// Environment overrides: DATABASE_URL, PATRON_DATA_DIR, PATRON_KEY_FILE, PATRON_HTTP_PORT,
/// PATRON_SIP2_PORT.
struct Config {
    std::optional<std::string> database_url;  ///< may hold a password: print redacted
    std::size_t pool_size = 8;
    std::filesystem::path data_dir;
    std::filesystem::path key_file;
    PinSettings pin;
    KioskSettings kiosk;
    CirculationSettings circulation;
    HttpSettings http;  ///< patrond only
    Sip2Settings sip2;  ///< patrond only

    /// Where the embedded cluster lives: `<data_dir>/postgresql`.
    [[nodiscard]] std::filesystem::path embedded_dir() const { return data_dir / "postgresql"; }
};

/// Reads an environment variable; empty when unset. Injected so tests need not touch the
/// process environment.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

/// The process environment.
[[nodiscard]] std::optional<std::string> process_env(const char* name);

/// Loads `file` (when given; it must exist) and applies environment overrides. Defaults: data_dir
/// /var/lib/patron for root, else $XDG_DATA_HOME/patron or ~/.local/share/patron.
/// @throws ConfigError on an unreadable or malformed file (with file, line and reason) or a bad
/// value
[[nodiscard]] Config load_config(const std::optional<std::filesystem::path>& file,
                                 const EnvLookup& env = process_env);

}  // namespace patron
