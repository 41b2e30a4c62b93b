#include "sip2/server.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "common/listener.hpp"
#include "sip2/session.hpp"

namespace patron::sip2 {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Ticket = service::Listener::Ticket;

// One kiosk connection over `Stream` (a socket, or an ssl::stream over one). Reads, answers and
// writes strictly in turn on the connection's strand, so the Session is never entered twice.
template <class Stream>
class Link final : public service::Connection, public std::enable_shared_from_this<Link<Stream>> {
public:
    template <class... Args>
    Link(Ticket ticket, const Sip2Settings& settings, service::Services& services,
         service::Metrics& metrics, Args&&... args)
        : ticket_(std::move(ticket)),
          settings_(settings),
          stream_(std::forward<Args>(args)...),
          timer_(stream_.get_executor()),
          session_(services, metrics, settings) {}

    void start() override {
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
        timer_.expires_after(settings_.listener.idle_timeout);
        timer_.async_wait([weak = this->weak_from_this()](error_code ec) {
            if (ec) return;
            if (auto self = weak.lock()) self->close();
        });
    }

    void read() {
        if (ticket_.draining() || closed_) return close();
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
        const bool close_after = output.close || ticket_.draining();
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

    Ticket ticket_;  // first member, so the listener's TLS context outlives the stream
    const Sip2Settings& settings_;
    Stream stream_;
    asio::steady_timer timer_;
    Session session_;
    std::array<char, 4096> buffer_{};
    std::string pending_;
    bool idle_ = false;
    bool closed_ = false;
};

}  // namespace

Server::Server(asio::io_context& io, const Sip2Settings& settings, service::Services& services,
               service::Metrics& metrics, service::Log& log)
    : listener_(std::make_shared<service::Listener>(
          io, settings.listener, service::Transport::sip2, metrics, log,
          [&settings, &services, &metrics](tcp::socket socket, asio::ssl::context* tls,
                                           Ticket ticket) -> std::shared_ptr<service::Connection> {
              if (tls) {
                  return std::make_shared<Link<asio::ssl::stream<tcp::socket>>>(
                      std::move(ticket), settings, services, metrics, std::move(socket), *tls);
              }
              return std::make_shared<Link<tcp::socket>>(std::move(ticket), settings, services,
                                                         metrics, std::move(socket));
          })) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return listener_->port(); }

void Server::start() { listener_->start(); }

void Server::drain() { listener_->drain(); }

std::size_t Server::connections() const { return listener_->connections(); }

}  // namespace patron::sip2
