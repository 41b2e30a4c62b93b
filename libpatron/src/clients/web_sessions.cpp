#include "patron/clients/web_sessions.hpp"

#include "clients/token.hpp"

namespace patron {
namespace {

// "ps_" (patron session) beside API clients' "pt_": a leaked token tells what it opens.
constexpr std::string_view kTokenPrefix = "ps_";
constexpr std::string_view kActor = "web-session";

}  // namespace

struct WebSessions::Impl {
    Context context;
    KioskVerifier& verifier;
    std::chrono::seconds lifetime;
};

WebSessions::WebSessions(const Context& context, KioskVerifier& verifier,
                         std::chrono::seconds lifetime)
    : impl_(std::make_unique<Impl>(Impl{context, verifier, lifetime})) {}
WebSessions::~WebSessions() = default;

Result<WebLogin> WebSessions::login(const Caller& gateway, std::string_view card_number,
                                    std::string_view pin) {
    auto answer = impl_->verifier.verify(gateway, card_number, pin);
    if (!answer) return tl::unexpected(answer.error());
    WebLogin login{.answer = std::move(*answer), .session = std::nullopt};
    if (!login.answer.patron) return login;

    const TimePoint now = impl_->context.clock.now();
    detail::IssuedToken issued = detail::issue_token(kTokenPrefix);
    WebSession session{.token = std::move(issued.token), .expires_at = now + impl_->lifetime};
    // Two statements, each atomic by itself: neither depends on the other, so no transaction.
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    // Expired sessions are of no use to anyone: they go as soon as someone logs in (GDPR art.
    // 5(1)(e)), not on a schedule of their own.
    tx->clients().delete_expired_sessions(now);
    tx->clients().insert_session(issued.hash, *login.answer.patron, now, session.expires_at);
    tx->commit();
    login.session = std::move(session);
    return login;
}

std::optional<Caller> WebSessions::authenticate(std::string_view token, std::string_view purpose) {
    // A malformed token cannot match a stored hash: no database round trip for it.
    if (!detail::well_formed_token(token, kTokenPrefix)) return std::nullopt;
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    const auto patron =
        tx->clients().find_session(detail::token_hash(token), impl_->context.clock.now());
    tx->commit();
    if (!patron) return std::nullopt;
    return Caller{std::string(kActor), Role::patron, std::string(purpose), *patron};
}

bool WebSessions::logout(std::string_view token) {
    if (!detail::well_formed_token(token, kTokenPrefix)) return false;
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    const bool ended =
        tx->clients().delete_session(detail::token_hash(token), impl_->context.clock.now());
    tx->commit();
    return ended;
}

}  // namespace patron
