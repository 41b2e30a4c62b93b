#pragma once
// The TCP side every patrond endpoint shares (HTTP and SIP2): binding, TLS, the connection
// limit, and a graceful drain. The protocol lives in the Connection an endpoint opens.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "patron/daemon_settings.hpp"

namespace patron::service {

/// One accepted connection, as its listener drives it.
class Connection {
public:
    virtual ~Connection() = default;
    /// Begins the conversation (the TLS handshake first, when configured).
    virtual void start() = 0;
    /// Closes the connection when it waits for its peer; a busy one closes after its answer.
    /// Called from any thread.
    virtual void close_if_idle() = 0;
};

/// Accepts connections on one endpoint and hands each to the endpoint's Connection. Connections
/// over max_connections, and any arriving while draining, are closed at once and counted as
/// refused; the others are counted open in the metrics while their Ticket lives.
/// Own it by std::shared_ptr: pending accepts and open connections keep it alive.
class Listener : public std::enable_shared_from_this<Listener> {
public:
    /// A connection's place among the open ones, from its acceptance until the ticket is
    /// destroyed with the connection. It keeps the listener, and so its TLS context, alive.
    class Ticket {
    public:
        Ticket(Ticket&&) noexcept = default;
        Ticket& operator=(Ticket&&) = delete;
        ~Ticket();

        /// True once the listener drains: answer what is in progress, then close.
        [[nodiscard]] bool draining() const { return listener_->draining_; }

    private:
        friend class Listener;
        explicit Ticket(std::shared_ptr<Listener> listener) : listener_(std::move(listener)) {}

        std::shared_ptr<Listener> listener_;  // null once moved from
    };

    /// Makes the Connection for an accepted socket (not yet started). `tls` is the server
    /// context when the endpoint has TLS, else null. Called on the listener's strand.
    using Open = std::function<std::shared_ptr<Connection>(
        boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls, Ticket ticket)>;

    /// Binds the endpoint (not yet accepting). Everything must outlive the listener.
    /// @throws ConfigError on unusable TLS files, std::system_error when it cannot bind
    Listener(boost::asio::io_context& io, const ListenerSettings& settings, Transport transport,
             Metrics& metrics, Log& log, Open open);
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// The bound port (the one chosen when configured as 0).
    [[nodiscard]] std::uint16_t port() const;
    /// Starts accepting.
    void start();
    /// Graceful shutdown: stops accepting and asks every open connection to close once idle.
    /// Thread-safe.
    void drain();
    /// Connections open now.
    [[nodiscard]] std::size_t connections() const { return open_; }

private:
    void accept();
    void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& io_;
    const ListenerSettings& settings_;
    Transport transport_;
    Metrics& metrics_;
    Log& log_;
    Open open_connection_;
    std::optional<boost::asio::ssl::context> tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> draining_{false};
    std::atomic<std::size_t> open_{0};
    std::mutex mutex_;                           // guards live_
    std::list<std::weak_ptr<Connection>> live_;  // for drain(); expired ones pruned on accept
};

}  // namespace patron::service
