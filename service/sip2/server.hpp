#pragma once
// patrond's SIP2 listener: TCP (TLS when configured), one Session per connection.

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/services.hpp"
#include "patron/daemon_settings.hpp"

namespace patron::service {
class Listener;
}  // namespace patron::service

namespace patron::sip2 {

/// Accepts kiosks and moves bytes between each socket and its Session. A connection silent for
/// idle_timeout is closed; connections over max_connections are closed at once. Nothing a kiosk
/// sends is logged; messages are counted by code in the metrics.
class Server {
public:
    /// Binds the listener (not yet accepting). Everything must outlive the server.
    /// @throws ConfigError on unusable TLS files, std::system_error when it cannot bind
    Server(boost::asio::io_context& io, const Sip2Settings& settings, service::Services& services,
           service::Metrics& metrics, service::Log& log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// The bound port (the one chosen when configured as 0).
    [[nodiscard]] std::uint16_t port() const;
    void start();
    /// Graceful shutdown: stops accepting and closes each connection once its current message
    /// is answered (idle ones at once). Thread-safe.
    void drain();
    /// Connections open now.
    [[nodiscard]] std::size_t connections() const;

private:
    std::shared_ptr<service::Listener> listener_;
};

}  // namespace patron::sip2
