#include "support/net_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <mutex>

namespace patron::test {
namespace {

using Clock = std::chrono::steady_clock;

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

std::string system_error_text(const std::string& what, int error_number) {
    return what + ": " + std::strerror(error_number);
}

// The reason OpenSSL gives for the last failure, e.g. "tlsv1 alert protocol version".
std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    if (code == 0) return "no reason given";
    const char* reason = ERR_reason_error_string(code);
    return reason != nullptr ? reason : "unknown reason";
}

void set_timeout(int fd, int option, Millis timeout) {
    // A zero timeval means "wait forever": never pass less than a millisecond.
    const auto ms = std::max<Millis::rep>(timeout.count(), 1);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

int connect_socket(const ConnectOptions& options, std::uint16_t port) {
    sockaddr_storage address{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (::inet_pton(AF_INET, options.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, options.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof *v6;
    } else {
        throw NetError("the host is not an IP address literal");
    }
    const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) throw NetError(system_error_text("socket", errno), errno);
    const auto fail = [fd](const std::string& what, int error_number) {
        ::close(fd);
        throw NetError(system_error_text(what, error_number), error_number);
    };
    // Before connecting: the window is agreed in the handshake.
    if (options.receive_buffer > 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer,
                     sizeof options.receive_buffer) != 0) {
        fail("SO_RCVBUF", errno);
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
        if (errno != EINPROGRESS) fail("connect", errno);
        pollfd p{fd, POLLOUT, 0};
        int ready = 0;
        do {
            ready = ::poll(&p, 1, static_cast<int>(options.timeout.count()));
        } while (ready < 0 && errno == EINTR);
        if (ready == 0) fail("connect", ETIMEDOUT);
        int error = 0;
        socklen_t size = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) fail("connect", error);
    }
    // Blocking from here on; SO_RCVTIMEO and SO_SNDTIMEO bound every call.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_timeout(fd, SO_SNDTIMEO, options.timeout);
    return fd;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

Millis remaining(Clock::time_point deadline) {
    return std::max(Millis(0), std::chrono::duration_cast<Millis>(deadline - Clock::now()));
}

}  // namespace

struct Connection::Impl {
    int fd = -1;
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx;
    std::unique_ptr<SSL, SslFree> ssl;
    std::string buffer;
    bool peer_closed = false;

    ~Impl() {
        if (ssl && !peer_closed) SSL_shutdown(ssl.get());  // close_notify, best effort
        ssl.reset();
        if (fd >= 0) ::close(fd);
    }

    void handshake(const TlsOptions& tls, Millis timeout) {
        ctx.reset(SSL_CTX_new(TLS_client_method()));
        if (!ctx) throw NetError("TLS: cannot create a context");
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        if (SSL_CTX_load_verify_locations(ctx.get(), tls.trusted_certificate.c_str(), nullptr) !=
            1) {
            throw NetError("TLS: cannot load the trusted certificate");
        }
        if (tls.max_version != 0) {
            SSL_CTX_set_security_level(ctx.get(), 0);
            SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
            SSL_CTX_set_max_proto_version(ctx.get(), tls.max_version);
        }
        ssl.reset(SSL_new(ctx.get()));
        if (!ssl) throw NetError("TLS: cannot create a connection");
        SSL_set_fd(ssl.get(), fd);
        SSL_set_tlsext_host_name(ssl.get(), tls.host_name.c_str());
        SSL_set1_host(ssl.get(), tls.host_name.c_str());
        set_timeout(fd, SO_RCVTIMEO, timeout);
        ERR_clear_error();
        if (SSL_connect(ssl.get()) != 1) {
            std::string reason = openssl_reason();
            if (const long verify = SSL_get_verify_result(ssl.get()); verify != X509_V_OK) {
                reason += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
            }
            // Without close_notify: there is no session to close.
            peer_closed = true;
            throw NetError("TLS handshake failed: " + reason);
        }
    }

    // Reads what has arrived into `buffer`. False: the peer closed (or reset) the connection,
    // or the deadline passed (then peer_closed stays false).
    bool fill(Clock::time_point deadline) {
        std::array<char, 16384> chunk{};
        while (!peer_closed) {
            const Millis left = remaining(deadline);
            if (left.count() == 0) return false;
            set_timeout(fd, SO_RCVTIMEO, left);
            if (ssl) {
                ERR_clear_error();
                const int n = SSL_read(ssl.get(), chunk.data(), static_cast<int>(chunk.size()));
                if (n > 0) {
                    buffer.append(chunk.data(), static_cast<std::size_t>(n));
                    return true;
                }
                const int error = SSL_get_error(ssl.get(), n);
                // The socket's receive timeout surfaces as "want read": try again until the
                // deadline.
                if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) continue;
                peer_closed = true;
            } else {
                const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
                if (n > 0) {
                    buffer.append(chunk.data(), static_cast<std::size_t>(n));
                    return true;
                }
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
                peer_closed = true;
            }
        }
        return false;
    }

    Received take(std::size_t count, ReadEnd end) {
        count = std::min(count, buffer.size());
        Received received{buffer.substr(0, count), end};
        buffer.erase(0, count);
        return received;
    }

    Received end_of_read() {
        return take(buffer.size(), peer_closed ? ReadEnd::closed : ReadEnd::timeout);
    }
};

Connection::Connection(std::uint16_t port, const ConnectOptions& options)
    : impl_(std::make_unique<Impl>()) {
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
    impl_->fd = connect_socket(options, port);
    if (options.tls) impl_->handshake(*options.tls, options.timeout);
}

Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

bool Connection::send(std::string_view bytes) {
    Impl& s = *impl_;
    while (!bytes.empty()) {
        if (s.ssl) {
            ERR_clear_error();
            const int n = SSL_write(s.ssl.get(), bytes.data(), static_cast<int>(bytes.size()));
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        } else {
            const ssize_t n = ::send(s.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    return true;
}

Received Connection::read_until(std::string_view delimiter, Millis timeout) {
    Impl& s = *impl_;
    const auto deadline = Clock::now() + timeout;
    std::size_t from = 0;
    while (true) {
        if (const auto at = s.buffer.find(delimiter, from); at != std::string::npos) {
            return s.take(at + delimiter.size(), ReadEnd::complete);
        }
        // The delimiter may straddle what has arrived and what is to come.
        from = s.buffer.size() >= delimiter.size() ? s.buffer.size() - delimiter.size() + 1 : 0;
        if (!s.fill(deadline)) return s.end_of_read();
    }
}

Received Connection::read_exactly(std::size_t count, Millis timeout) {
    Impl& s = *impl_;
    const auto deadline = Clock::now() + timeout;
    while (s.buffer.size() < count) {
        if (!s.fill(deadline)) return s.end_of_read();
    }
    return s.take(count, ReadEnd::complete);
}

Received Connection::read_until_closed(Millis timeout) {
    Impl& s = *impl_;
    const auto deadline = Clock::now() + timeout;
    while (s.fill(deadline)) {
    }
    return s.end_of_read();
}

bool Connection::closed_by_peer(Millis timeout) {
    return read_until_closed(timeout).end == ReadEnd::closed;
}

std::string Connection::tls_version() const {
    return impl_->ssl ? SSL_get_version(impl_->ssl.get()) : "";
}

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

bool HttpResponse::keep_alive() const {
    // HTTP/1.1: persistent unless the server says close (RFC 9112 §9.3).
    std::string_view tokens = header("Connection");
    while (!tokens.empty()) {
        const std::size_t comma = tokens.find(',');
        if (iequals(trim(tokens.substr(0, comma)), "close")) return false;
        tokens = comma == std::string_view::npos ? std::string_view() : tokens.substr(comma + 1);
    }
    return true;
}

std::string serialize(const HttpRequest& request, std::string_view host) {
    const auto given = [&](std::string_view name) {
        return std::any_of(request.headers.begin(), request.headers.end(),
                           [&](const auto& h) { return iequals(h.first, name); });
    };
    std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
    if (!given("Host")) out += "Host: " + std::string(host) + "\r\n";
    for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
    const bool has_body = !request.body.empty() || request.method == "POST" ||
                          request.method == "PUT" || request.method == "PATCH";
    if (has_body && !given("Content-Length") && !given("Transfer-Encoding")) {
        out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    }
    out += "\r\n";
    out += request.body;
    return out;
}

HttpResponse read_response(Connection& connection, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    const Received head = connection.read_until("\r\n\r\n", timeout);
    if (head.end != ReadEnd::complete) {
        throw NetError(head.end == ReadEnd::closed ? "HTTP: connection closed before a response"
                                                   : "HTTP: no response in time");
    }
    std::string_view text(head.data);
    text.remove_suffix(4);
    const std::size_t line_end = text.find("\r\n");
    const std::string_view status_line = text.substr(0, line_end);
    HttpResponse response;
    // "HTTP/1.1 200 OK"
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ') {
        throw NetError("HTTP: not a status line");
    }
    const auto [end, ec] =
        std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
    if (ec != std::errc() || end != status_line.data() + 12) {
        throw NetError("HTTP: not a status code");
    }
    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 2);
    while (!rest.empty()) {
        const std::size_t next = rest.find("\r\n");
        const std::string_view line = rest.substr(0, next);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) throw NetError("HTTP: a header line without ':'");
        response.headers.emplace_back(std::string(line.substr(0, colon)),
                                      std::string(trim(line.substr(colon + 1))));
        rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 2);
    }

    if (response.status < 200 || response.status == 204 || response.status == 304) {
        return response;
    }
    if (!response.header("Transfer-Encoding").empty()) {
        throw NetError("HTTP: transfer codings are not supported by this client");
    }
    const std::string length = response.header("Content-Length");
    if (length.empty()) {
        const Received body = connection.read_until_closed(remaining(deadline));
        if (body.end != ReadEnd::closed) throw NetError("HTTP: the body did not end in time");
        response.body = body.data;
        return response;
    }
    std::size_t size = 0;
    const auto [size_end, size_ec] =
        std::from_chars(length.data(), length.data() + length.size(), size);
    if (size_ec != std::errc() || size_end != length.data() + length.size()) {
        throw NetError("HTTP: a bad Content-Length");
    }
    Received body = connection.read_exactly(size, remaining(deadline));
    if (body.end != ReadEnd::complete) throw NetError("HTTP: the body is incomplete");
    response.body = std::move(body.data);
    return response;
}

HttpClient::HttpClient(std::uint16_t port, ConnectOptions options)
    : port_(port), options_(std::move(options)) {}

HttpResponse HttpClient::request(const HttpRequest& request) {
    if (!connection_) {
        connection_.emplace(port_, options_);
        ++opened_;
    }
    const std::string host =
        options_.host.find(':') == std::string::npos ? options_.host : "[" + options_.host + "]";
    if (!connection_->send(serialize(request, host))) {
        connection_.reset();
        throw NetError("HTTP: the request could not be sent");
    }
    HttpResponse response;
    try {
        response = read_response(*connection_, options_.timeout);
    } catch (...) {
        connection_.reset();
        throw;
    }
    if (!response.keep_alive()) connection_.reset();
    return response;
}

HttpResponse HttpClient::get(std::string target, std::string_view token) {
    HttpRequest r{.method = "GET", .target = std::move(target), .headers = {}, .body = {}};
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + std::string(token));
    return request(r);
}

HttpResponse HttpClient::post_json(std::string target, std::string body, std::string_view token) {
    HttpRequest r{.method = "POST",
                  .target = std::move(target),
                  .headers = {{"Content-Type", "application/json"}},
                  .body = std::move(body)};
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + std::string(token));
    return request(r);
}

}  // namespace patron::test
