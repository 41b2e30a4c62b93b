#pragma once
/// @file
/// How patrond listens and what it tolerates (configuration `[http]` and `[sip2]`).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace patron {

/// A TCP listener, with TLS (1.2 or newer) when a certificate and key are both given.
struct ListenerSettings {
    std::string address = "127.0.0.1";      ///< IPv4 or IPv6 literal
    std::uint16_t port = 0;                 ///< 0: any free port (tests)
    std::filesystem::path tls_certificate;  ///< PEM chain; empty: plain TCP
    std::filesystem::path tls_key;          ///< PEM private key
    std::size_t max_connections = 256;      ///< more are accepted and closed at once
    std::chrono::seconds idle_timeout{60};  ///< a connection silent this long is closed
    [[nodiscard]] bool tls() const { return !tls_certificate.empty(); }
};

/// The HTTP API.
struct HttpSettings {
    ListenerSettings listener{.port = 8080, .max_connections = 1024};
    std::size_t threads = 8;                         ///< threads serving connections (calls block)
    std::size_t max_body_bytes = 64 * 1024;          ///< larger bodies: 413
    std::size_t max_header_bytes = 8 * 1024;         ///< larger header blocks: 431
    std::chrono::seconds request_timeout{30};        ///< to receive one whole request
    std::chrono::seconds session_lifetime{15 * 60};  ///< web-library sessions
};

/// Text encoding of SIP2 messages.
enum class Sip2Encoding { cp850, utf8 };

/// The SIP2 endpoint for self-service kiosks.
struct Sip2Settings {
    bool enabled = true;
    ListenerSettings listener{.port = 6001, .idle_timeout = std::chrono::seconds(300)};
    std::size_t max_message_bytes = 4096;  ///< longer: error response, connection closed
    Sip2Encoding encoding = Sip2Encoding::cp850;
    bool disclose_name = false;  ///< AE personal name ("Aino E.") after a correct PIN
};

}  // namespace patron
