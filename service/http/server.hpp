#pragma once
// patrond's HTTP/1.1 listener (Boost.Beast over Asio, TLS when configured): reads requests
// within the configured limits, hands them to `Api`, writes the answers, logs and counts them.

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "http/api.hpp"
#include "patron/daemon_settings.hpp"

namespace patron::service {
class Listener;
}  // namespace patron::service

namespace patron::http {

/// Serves `api` on the io_context's threads. Limits: a header block over max_header_bytes gets
/// 431, a body over max_body_bytes 413, a request not received within request_timeout or a
/// connection silent for idle_timeout is closed, connections over max_connections are closed at
/// once; one slow or oversized client never holds up another. Every answer carries
/// `Cache-Control: no-store` (responses hold personal data) and X-Request-Id.
class Server {
public:
    /// Binds the listener (not yet accepting). Everything must outlive the server.
    /// @throws ConfigError on unusable TLS files, std::system_error when it cannot bind
    Server(boost::asio::io_context& io, const HttpSettings& settings, Api& api,
           service::Metrics& metrics, service::Log& log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// The bound port (the one chosen when configured as 0).
    [[nodiscard]] std::uint16_t port() const;
    /// Starts accepting.
    void start();
    /// Graceful shutdown: stops accepting, closes idle connections, and lets each busy one
    /// finish its response (sent with `Connection: close`). Thread-safe.
    void drain();
    /// Connections open now.
    [[nodiscard]] std::size_t connections() const;

    struct Impl;  ///< opaque; public so the connections in server.cpp can name it

private:
    std::shared_ptr<Impl> impl_;  // before listener_, whose sessions share it
    std::shared_ptr<service::Listener> listener_;
};

}  // namespace patron::http
