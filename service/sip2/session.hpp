#pragma once
// One SIP2 connection's conversation, without a transport: bytes in, response bytes out. The TCP
// server (sip2/server.hpp) owns one per connection and only moves bytes.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.hpp"
#include "common/services.hpp"

namespace patron::sip2 {

/// What the transport does after a receive.
struct Output {
    std::vector<std::string> responses;  ///< whole messages with terminator, to write in order
    bool close = false;                  ///< close the connection after writing them
};

/// A kiosk's session (3M SIP2 v2.00): login (93) with the credentials of an API client of role
/// kiosk (CN its name, CO its token), then 99, 23, 63, 35, 17 and 97. Not thread-safe: the
/// transport calls it from one strand. Blocks on the database and on Argon2.
///
/// What it answers and when it closes:
/// - Before a successful login only 93, 99 and 97 are answered; any other message closes the
///   connection unanswered. A failed login is answered "940" and ends an earlier login; the
///   third failed login on a connection closes it.
/// - 23 and 63 verify card (AA) and PIN (AD) with KioskVerifier (lockout, throttling); without a
///   PIN nothing is verified. Until the PIN is verified a response carries no personal data.
/// - A bad checksum or a malformed message is answered "96"; a message of a code not served
///   (see BX in the 98) is not answered; a 97 with nothing sent yet neither. The third such
///   message in a row closes the connection.
/// - An oversized message (Sip2Settings::max_message_bytes) or a storage failure closes the
///   connection; messages before it in the same bytes are answered first.
/// - Once closed, every later receive() answers nothing and says close.
class Session {
public:
    /// `services`, `metrics` and `settings` must outlive the session.
    Session(service::Services& services, service::Metrics& metrics, const Sip2Settings& settings);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Takes received bytes (any split: part of a message, several messages) and answers every
    /// complete message in them. Never throws: storage failures and unexpected errors become
    /// `close` (nothing half-done is answered).
    [[nodiscard]] Output receive(std::string_view bytes) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron::sip2
