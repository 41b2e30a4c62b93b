#pragma once
// Small blocking network clients for the service tests and the benchmarks: a TCP (optionally
// TLS) connection that sends arbitrary bytes and reads with deadlines, and an HTTP/1.1 client on
// top of it. Everything times out; nothing here prints what it sends or receives.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patron::test {

using Millis = std::chrono::milliseconds;

/// A connection could not be made or used as asked (connect refused, TLS handshake refused, a
/// response that is not HTTP). Texts name the failure, never the data.
class NetError : public std::runtime_error {
public:
    NetError(const std::string& what, int error_number = 0)
        : std::runtime_error(what), error_number_(error_number) {}
    /// The errno of a failed system call (ECONNREFUSED, ...); 0 for protocol failures.
    [[nodiscard]] int error_number() const noexcept { return error_number_; }

private:
    int error_number_;
};

/// TLS on a connection. The server's certificate is verified against `trusted_certificate`
/// alone (a test's self-signed certificate), for `host_name`.
struct TlsOptions {
    std::filesystem::path trusted_certificate;
    std::string host_name = "localhost";  ///< checked against the certificate, sent as SNI
    /// Highest protocol version offered (e.g. TLS1_1_VERSION, to act as an outdated client; the
    /// lowest is then lowered to TLS 1.0 and the security level to 0 so that the old versions are
    /// really offered); 0: the library's default range.
    int max_version = 0;
};

struct ConnectOptions {
    std::string host = "127.0.0.1";  ///< an IPv4 or IPv6 literal
    /// Connect and TLS handshake; how long a send may block; HttpClient's reads too.
    Millis timeout{10'000};
    /// SO_RCVBUF set before connecting, in bytes: a small one makes a client that does not read
    /// fill the server's buffers soon. 0: the system's automatic sizing.
    int receive_buffer = 0;
    std::optional<TlsOptions> tls;
};

/// How a read ended.
enum class ReadEnd {
    complete,  ///< what was asked for arrived (the delimiter, or the count)
    closed,    ///< the peer closed or reset the connection first
    timeout,   ///< the deadline passed first
};

struct Received {
    std::string data;  ///< everything read, up to and including the delimiter when complete
    ReadEnd end = ReadEnd::timeout;
};

/// One connection, closed on destruction. Reads are buffered: bytes past what a read asked for
/// stay for the next read. Not thread-safe. SIGPIPE is ignored in the process once a connection
/// exists (a peer that closes must not kill the test).
class Connection {
public:
    /// Connects to `port` on options.host.
    /// @throws NetError when it cannot connect (error_number() tells why, e.g. ECONNREFUSED)
    /// or the TLS handshake fails (the message carries OpenSSL's reason)
    explicit Connection(std::uint16_t port, const ConnectOptions& options = {});
    ~Connection();
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Sends all of `bytes`. False when the peer closed or reset the connection, or the bytes
    /// could not be sent within the connect timeout.
    [[nodiscard]] bool send(std::string_view bytes);
    /// Reads until `delimiter` has arrived, the peer closes, or `timeout` passes.
    [[nodiscard]] Received read_until(std::string_view delimiter, Millis timeout);
    /// Reads exactly `count` bytes, unless the peer closes or `timeout` passes first.
    [[nodiscard]] Received read_exactly(std::size_t count, Millis timeout);
    /// Reads everything until the peer closes (`closed`) or `timeout` passes (`timeout`).
    [[nodiscard]] Received read_until_closed(Millis timeout);
    /// True when the peer has closed the connection within `timeout`; what it sent before
    /// closing is discarded.
    [[nodiscard]] bool closed_by_peer(Millis timeout);

    /// The TLS protocol version negotiated ("TLSv1.3"); empty on a plain connection.
    [[nodiscard]] std::string tls_version() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// An HTTP/1.1 request. `Host` and, when there is a body (or the method is POST, PUT or
/// PATCH), `Content-Length` are added unless given.
struct HttpRequest {
    std::string method = "GET";
    std::string target = "/";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// An HTTP/1.x response (an interim 1xx one too, when read with read_response).
struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first header named `name` (any case); empty when absent.
    [[nodiscard]] std::string header(std::string_view name) const;
    /// Whether the server keeps the connection open after this response.
    [[nodiscard]] bool keep_alive() const;
};

/// The request as bytes on the wire.
[[nodiscard]] std::string serialize(const HttpRequest& request, std::string_view host);

/// Reads one response from `connection`: the status line and headers, then a body of
/// Content-Length bytes, none (1xx, 204, 304), or everything until the peer closes.
/// @throws NetError when the connection closes or the deadline passes before a whole response,
/// or the bytes are not an HTTP/1.x response
[[nodiscard]] HttpResponse read_response(Connection& connection, Millis timeout);

/// A keep-alive HTTP/1.1 client: requests go one after another over one connection, which is
/// opened when needed and dropped when a response says `Connection: close`. A failure is not
/// retried on a new connection, so a broken keep-alive shows. Not thread-safe.
class HttpClient {
public:
    explicit HttpClient(std::uint16_t port, ConnectOptions options = {});

    /// @throws NetError when the request cannot be sent or no whole response arrives within
    /// options.timeout
    HttpResponse request(const HttpRequest& request);
    /// GET `target`, with `Authorization: Bearer <token>` when a token is given.
    HttpResponse get(std::string target, std::string_view token = {});
    /// POST `target` with a JSON body, and the bearer token when given.
    HttpResponse post_json(std::string target, std::string body, std::string_view token = {});

    /// Connections opened so far.
    [[nodiscard]] std::size_t connections_opened() const noexcept { return opened_; }

private:
    std::uint16_t port_;
    ConnectOptions options_;
    std::optional<Connection> connection_;
    std::size_t opened_ = 0;
};

}  // namespace patron::test
