#pragma once
/// @file
/// Web-library sessions: a patron logs in with card number and PIN and acts as role `patron`.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "patron/access/role.hpp"
#include "patron/clock.hpp"
#include "patron/context.hpp"
#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/result.hpp"

namespace patron {

/// A session just opened, with its token: given to the patron once, stored only as a hash.
struct WebSession {
    std::string token;  ///< "ps_" + 43 base64url characters (256 random bits)
    TimePoint expires_at;
};

/// What a login came to: the verifier's answer (wrong PIN, locked, throttled ...) and, only when
/// the PIN was correct, the session.
struct WebLogin {
    KioskAnswer answer;
    std::optional<WebSession> session;
};

/// Short-lived sessions of the web library. Logging in is a kiosk verification (lockout and
/// throttling apply, the attempt is audited) made by `gateway`, the caller that carries the
/// attempt (role kiosk: the web front end, or patrond on behalf of a remote address). A
/// session lasts `lifetime` from login and is not extended by use; logout ends it at once; a
/// session ends too when its patron is deleted. Only the token's SHA-256 is stored.
///
/// Refusals: those of KioskVerifier::verify. Every method @throws DatabaseError /
/// TransactionConflict on storage failures. Thread-safe.
class WebSessions {
public:
    /// `verifier` must outlive this object; `lifetime` is positive.
    WebSessions(const Context& context, KioskVerifier& verifier, std::chrono::seconds lifetime);
    ~WebSessions();
    WebSessions(const WebSessions&) = delete;
    WebSessions& operator=(const WebSessions&) = delete;

    /// Verifies card and PIN (`gateway` as the kiosk, with the default profile); on a correct
    /// PIN opens a session for the patron, and deletes the expired sessions of all patrons on
    /// the way. Any other answer opens nothing and writes only what the verifier writes.
    [[nodiscard]] Result<WebLogin> login(const Caller& gateway, std::string_view card_number,
                                         std::string_view pin);

    /// The caller a session token stands for (actor "web-session", role patron, `self` the
    /// patron, `purpose`), or empty for an unknown, expired, ended or malformed token. Not
    /// audited: the login was, and so are the calls made with the caller.
    [[nodiscard]] std::optional<Caller> authenticate(std::string_view token,
                                                     std::string_view purpose);

    /// Ends the session. True when a live session ended; false for an unknown, expired, ended
    /// or malformed token.
    bool logout(std::string_view token);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
