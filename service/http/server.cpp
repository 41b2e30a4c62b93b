#include "http/server.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/listener.hpp"
#include "http/problem.hpp"

namespace patron::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Ticket = service::Listener::Ticket;

}  // namespace

struct Server::Impl {
    Impl(const HttpSettings& http_settings, Api& http_api, service::Metrics& counters,
         service::Log& logger)
        : settings(http_settings), api(http_api), metrics(counters), log(logger) {
        unsigned char random[4];
        if (RAND_bytes(random, sizeof random) != 1 || RAND_bytes(salt, sizeof salt) != 1) {
            throw std::runtime_error("no random bytes for request ids");
        }
        for (const unsigned char b : random) id_prefix += fmt::format("{:02x}", b);
    }

    // The peer as the API sees it: a salted hash of its address, never the address, so the
    // audit entries of web logins (whose gateway is named after it) hold no IP address. The salt
    // lives as long as the process; throttling windows are a minute.
    std::string pseudonym(const asio::ip::address& address) const {
        const std::string text = address.to_string();
        std::string input(reinterpret_cast<const char*>(salt), sizeof salt);
        input += text;
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
        std::string out;
        for (unsigned int i = 0; i < 8 && i < length; ++i) out += fmt::format("{:02x}", digest[i]);
        return out;
    }

    std::string next_request_id() { return fmt::format("{}-{:x}", id_prefix, ++request_counter); }

    const HttpSettings& settings;
    Api& api;
    service::Metrics& metrics;
    service::Log& log;
    std::string id_prefix;
    unsigned char salt[16]{};
    std::atomic<std::uint64_t> request_counter{0};
};

namespace {

// One HTTP connection over `Stream` (beast::tcp_stream, or an ssl_stream over one). All its
// handlers run on the stream's strand, one at a time.
template <class Stream>
class Session final : public service::Connection,
                      public std::enable_shared_from_this<Session<Stream>> {
public:
    template <class... Args>
    Session(Ticket ticket, std::shared_ptr<Server::Impl> server, std::string remote, Args&&... args)
        : ticket_(std::move(ticket)),
          server_(std::move(server)),
          remote_(std::move(remote)),
          stream_(std::forward<Args>(args)...) {}

    void start() override {
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            if constexpr (kTls) {
                beast::get_lowest_layer(self->stream_)
                    .expires_after(self->server_->settings.request_timeout);
                self->stream_.async_handshake(asio::ssl::stream_base::server,
                                              [self](beast::error_code ec) {
                                                  if (ec) return self->close();
                                                  self->read_header();
                                              });
            } else {
                self->read_header();
            }
        });
    }

    void close_if_idle() override {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
            if (self->idle_) self->close();
        });
    }

private:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    void read_header() {
        if (ticket_.draining()) return close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->settings.max_header_bytes));
        parser_->body_limit(server_->settings.max_body_bytes);
        idle_ = true;
        beast::get_lowest_layer(stream_).expires_after(server_->settings.listener.idle_timeout);
        bhttp::async_read_header(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                self->idle_ = false;
                self->started_ = Clock::now();
                if (ec) return self->refuse(ec);
                self->read_body();
            });
    }

    void read_body() {
        beast::get_lowest_layer(stream_).expires_after(server_->settings.request_timeout);
        // curl and others wait for "100 Continue" before sending a larger body.
        if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
            auto go_on = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, parser_->get().version());
            bhttp::async_write(
                stream_, *go_on,
                [self = this->shared_from_this(), go_on](beast::error_code ec, std::size_t) {
                    if (ec) return self->close();
                    self->read_rest();
                });
            return;
        }
        read_rest();
    }

    void read_rest() {
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->refuse(ec);
                              self->answer();
                          });
    }

    // A request that could not be read: answer what the client can act on, then close.
    void refuse(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated) {
            return close();
        }
        const std::string id = server_->next_request_id();
        Problem problem;
        if (ec == bhttp::error::header_limit) {
            problem = Problem{.status = 431,
                              .kind = "header_too_large",
                              .title = "Request header fields too large"};
        } else if (ec == bhttp::error::body_limit) {
            problem =
                Problem{.status = 413, .kind = "body_too_large", .title = "Request body too large"};
        } else {
            problem =
                Problem{.status = 400, .kind = "bad_request", .title = "Malformed HTTP request"};
        }
        Handled handled{render(problem, id), "unparsed", problem.kind, ""};
        send(std::move(handled), "-", id, false);
    }

    void answer() {
        auto& message = parser_->get();
        Request request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        request.authorization = std::string(message[bhttp::field::authorization]);
        request.content_type = std::string(message[bhttp::field::content_type]);
        request.body = std::move(message.body());
        request.remote_address = remote_;
        request.request_id = server_->next_request_id();
        const bool keep_alive = message.keep_alive() && !ticket_.draining();
        Handled handled = server_->api.handle(request);
        send(std::move(handled), request.method, request.request_id, keep_alive);
    }

    void send(Handled handled, const std::string& method, const std::string& request_id,
              bool keep_alive) {
        const auto latency = Clock::now() - started_;
        auto& response = handled.response;
        response_.emplace(static_cast<bhttp::status>(response.status), 11);
        response_->set(bhttp::field::server, "patrond");
        if (!response.content_type.empty()) {
            response_->set(bhttp::field::content_type, response.content_type);
        }
        response_->set(bhttp::field::cache_control, "no-store");
        response_->set("X-Content-Type-Options", "nosniff");
        response_->set("X-Request-Id", request_id);
        if constexpr (kTls)
            response_->set(bhttp::field::strict_transport_security, "max-age=31536000");
        for (const auto& [name, value] : response.headers) response_->set(name, value);
        response_->body() = std::move(response.body);
        response_->keep_alive(keep_alive);
        response_->prepare_payload();

        server_->metrics.record_request(method, handled.route, response.status, latency);
        nlohmann::json entry{
            {"request_id", request_id},
            {"method", method},
            {"route", handled.route},
            {"status", response.status},
            {"duration_ms", std::chrono::duration<double, std::milli>(latency).count()},
            {"bytes", response_->body().size()}};
        if (!handled.actor.empty()) entry["actor"] = handled.actor;
        if (!handled.error_code.empty()) entry["error"] = handled.error_code;
        if (!handled.cause.empty()) entry["cause"] = handled.cause;
        server_->log.access(std::move(entry));

        beast::get_lowest_layer(stream_).expires_after(server_->settings.request_timeout);
        bhttp::async_write(
            stream_, *response_,
            [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                if (ec || !keep_alive) return self->close();
                self->read_header();
            });
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        if constexpr (kTls) {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream_)
                    .socket()
                    .shutdown(tcp::socket::shutdown_both, ignored);
            });
        } else {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            stream_.close();
        }
    }

    Ticket ticket_;  // first member, so the listener's TLS context outlives the stream
    std::shared_ptr<Server::Impl> server_;
    std::string remote_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::response<bhttp::string_body>> response_;
    Clock::time_point started_ = Clock::now();
    bool idle_ = false;
    bool closed_ = false;
};

// A Session for an accepted socket, over TLS when the endpoint has it.
std::shared_ptr<service::Connection> open_session(const std::shared_ptr<Server::Impl>& server,
                                                  tcp::socket socket, asio::ssl::context* tls,
                                                  Ticket ticket) {
    beast::error_code remote_ec;
    const auto peer = socket.remote_endpoint(remote_ec);
    std::string remote = remote_ec ? "" : server->pseudonym(peer.address());
    if (tls) {
        return std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            std::move(ticket), server, std::move(remote), std::move(socket), *tls);
    }
    return std::make_shared<Session<beast::tcp_stream>>(std::move(ticket), server,
                                                        std::move(remote), std::move(socket));
}

}  // namespace

Server::Server(asio::io_context& io, const HttpSettings& settings, Api& api,
               service::Metrics& metrics, service::Log& log)
    : impl_(std::make_shared<Impl>(settings, api, metrics, log)),
      listener_(std::make_shared<service::Listener>(io, settings.listener, service::Transport::http,
                                                    metrics, log,
                                                    std::bind_front(&open_session, impl_))) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return listener_->port(); }

void Server::start() { listener_->start(); }

void Server::drain() { listener_->drain(); }

std::size_t Server::connections() const { return listener_->connections(); }

}  // namespace patron::http
