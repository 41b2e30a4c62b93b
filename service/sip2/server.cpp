#include "sip2/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <list>
#include <mutex>
#include <optional>
#include <string>

#include "common/tls.hpp"
#include "sip2/session.hpp"

namespace patron::sip2 {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class Connection {
public:
    virtual ~Connection() = default;
    virtual void close_if_idle() = 0;
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Impl(asio::io_context& io_context, const Sip2Settings& sip2_settings,
         service::Services& all_services, service::Metrics& counters, service::Log& logger)
        : io(io_context),
          settings(sip2_settings),
          services(all_services),
          metrics(counters),
          log(logger),
          acceptor(asio::make_strand(io_context)) {
        if (settings.listener.tls()) tls.emplace(service::make_tls_context(settings.listener));
        const tcp::endpoint endpoint(asio::ip::make_address(settings.listener.address),
                                     settings.listener.port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
    }

    void accept();
    void on_accept(error_code ec, tcp::socket socket);

    void track(const std::shared_ptr<Connection>& connection) {
        std::lock_guard lock(mutex);
        std::erase_if(live, [](const std::weak_ptr<Connection>& c) { return c.expired(); });
        live.push_back(connection);
    }

    asio::io_context& io;
    const Sip2Settings& settings;
    service::Services& services;
    service::Metrics& metrics;
    service::Log& log;
    std::optional<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    std::atomic<bool> draining{false};
    std::atomic<std::size_t> open{0};
    std::mutex mutex;
    std::list<std::weak_ptr<Connection>> live;
};

namespace {

// One kiosk connection over `Stream` (a socket, or an ssl::stream over one). Reads, answers and
// writes strictly in turn on the connection's strand, so the Session is never entered twice.
template <class Stream>
class Link final : public Connection, public std::enable_shared_from_this<Link<Stream>> {
public:
    template <class... Args>
    Link(std::shared_ptr<Server::Impl> server, Args&&... args)
        : server_(std::move(server)),
          stream_(std::forward<Args>(args)...),
          timer_(stream_.get_executor()),
          session_(server_->services, server_->metrics, server_->settings) {}

    ~Link() override {
        --server_->open;
        server_->metrics.connection_closed(service::Transport::sip2);
    }

    void run() {
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            if constexpr (kTls) {
                self->arm_timer();
                self->stream_.async_handshake(asio::ssl::stream_base::server,
                                              [self](error_code ec) {
                                                  if (ec) return self->close();
                                                  self->read();
                                              });
            } else {
                self->read();
            }
        });
    }

    void close_if_idle() override {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
            if (self->idle_) self->close();
        });
    }

private:
    static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

    tcp::socket& socket() {
        if constexpr (kTls) {
            return stream_.next_layer();
        } else {
            return stream_;
        }
    }

    // The idle timeout: a kiosk that sends nothing for this long is closed.
    void arm_timer() {
        timer_.expires_after(server_->settings.listener.idle_timeout);
        timer_.async_wait([weak = this->weak_from_this()](error_code ec) {
            if (ec) return;
            if (auto self = weak.lock()) self->close();
        });
    }

    void read() {
        if (server_->draining || closed_) return close();
        idle_ = true;
        arm_timer();
        stream_.async_read_some(asio::buffer(buffer_),
                                [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                    self->idle_ = false;
                                    if (ec) return self->close();
                                    self->answer(n);
                                });
    }

    void answer(std::size_t n) {
        // The Session blocks on the database and Argon2; connections run on several threads.
        Output output = session_.receive(std::string_view(buffer_.data(), n));
        const bool close_after = output.close || server_->draining;
        if (output.responses.empty()) {
            if (close_after) return close();
            return read();
        }
        pending_.clear();
        for (auto& response : output.responses) pending_ += response;
        // A kiosk that does not take its answers is as good as silent: the same timeout.
        arm_timer();
        asio::async_write(
            stream_, asio::buffer(pending_),
            [self = this->shared_from_this(), close_after](error_code ec, std::size_t) {
                if (ec || close_after) return self->close();
                self->read();
            });
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        timer_.cancel();
        error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

    std::shared_ptr<Server::Impl> server_;
    Stream stream_;
    asio::steady_timer timer_;
    Session session_;
    std::array<char, 4096> buffer_{};
    std::string pending_;
    bool idle_ = false;
    bool closed_ = false;
};

}  // namespace

void Server::Impl::accept() {
    acceptor.async_accept(asio::make_strand(io),
                          [self = shared_from_this()](error_code ec, tcp::socket socket) {
                              self->on_accept(ec, std::move(socket));
                          });
}

void Server::Impl::on_accept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
        if (open >= settings.listener.max_connections || draining) {
            metrics.connection_refused(service::Transport::sip2);
            error_code ignored;
            socket.close(ignored);
        } else {
            ++open;
            metrics.connection_opened(service::Transport::sip2);
            auto self = shared_from_this();
            if (tls) {
                auto link = std::make_shared<Link<asio::ssl::stream<tcp::socket>>>(
                    self, std::move(socket), *tls);
                track(link);
                link->run();
            } else {
                auto link = std::make_shared<Link<tcp::socket>>(self, std::move(socket));
                track(link);
                link->run();
            }
        }
    } else {
        log.app("warning", "sip2 accept failed", {{"error", ec.message()}});
    }
    accept();
}

Server::Server(asio::io_context& io, const Sip2Settings& settings, service::Services& services,
               service::Metrics& metrics, service::Log& log)
    : impl_(std::make_shared<Impl>(io, settings, services, metrics, log)) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::start() {
    asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] { impl->accept(); });
}

void Server::drain() {
    impl_->draining = true;
    asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
        error_code ignored;
        impl->acceptor.close(ignored);
    });
    std::lock_guard lock(impl_->mutex);
    for (const auto& weak : impl_->live) {
        if (auto connection = weak.lock()) connection->close_if_idle();
    }
}

std::size_t Server::connections() const { return impl_->open; }

}  // namespace patron::sip2
