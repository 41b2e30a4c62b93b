#include "common/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <string_view>

#include "common/tls.hpp"

namespace patron::service {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The log's fixed text for an endpoint's failed accept.
std::string_view accept_failed(Transport transport) {
    return transport == Transport::http ? "http accept failed" : "sip2 accept failed";
}

}  // namespace

Listener::Ticket::~Ticket() {
    if (!listener_) return;
    --listener_->open_;
    listener_->metrics_.connection_closed(listener_->transport_);
}

Listener::Listener(asio::io_context& io, const ListenerSettings& settings, Transport transport,
                   Metrics& metrics, Log& log, Open open)
    : io_(io),
      settings_(settings),
      transport_(transport),
      metrics_(metrics),
      log_(log),
      open_connection_(std::move(open)),
      acceptor_(asio::make_strand(io)) {
    if (settings_.tls()) tls_.emplace(make_tls_context(settings_));
    const tcp::endpoint endpoint(asio::ip::make_address(settings_.address), settings_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

std::uint16_t Listener::port() const { return acceptor_.local_endpoint().port(); }

void Listener::start() {
    asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
}

void Listener::drain() {
    draining_ = true;
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
    });
    std::lock_guard lock(mutex_);
    for (const auto& weak : live_) {
        if (auto connection = weak.lock()) connection->close_if_idle();
    }
}

void Listener::accept() {
    // Each connection gets its own strand, so its handlers never run concurrently.
    acceptor_.async_accept(
        asio::make_strand(io_),
        [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
            self->on_accept(ec, std::move(socket));
        });
}

void Listener::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
        if (open_ >= settings_.max_connections || draining_) {
            metrics_.connection_refused(transport_);
            boost::system::error_code ignored;
            socket.close(ignored);
        } else {
            ++open_;
            metrics_.connection_opened(transport_);
            auto connection = open_connection_(std::move(socket), tls_ ? &*tls_ : nullptr,
                                               Ticket(shared_from_this()));
            {
                std::lock_guard lock(mutex_);
                std::erase_if(live_,
                              [](const std::weak_ptr<Connection>& c) { return c.expired(); });
                live_.push_back(connection);
            }
            connection->start();
        }
    } else {
        // Out of descriptors and the like: say so, and keep accepting.
        log_.app("warning", accept_failed(transport_), {{"error", ec.message()}});
    }
    accept();
}

}  // namespace patron::service
