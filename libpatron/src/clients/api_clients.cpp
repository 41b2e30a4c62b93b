#include "patron/clients/api_clients.hpp"

#include <fmt/format.h>

#include <chrono>

#include "access/authorization.hpp"
#include "clients/token.hpp"
#include "patron/access/permissions.hpp"

namespace patron {
namespace {

constexpr std::string_view kTokenPrefix = "pt_";
constexpr std::size_t kMaxNameLength = 64;
// A client's last use is recorded to the minute: finer would cost a write per request.
constexpr auto kLastUsedResolution = std::chrono::minutes(1);

bool name_char(char c, bool first) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    return alnum || (!first && (c == '.' || c == '_' || c == '-'));
}

// The same rule as the table's CHECK, so a bad name is refused as input, not as a storage error.
bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxNameLength) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!name_char(name[i], i == 0)) return false;
    }
    return true;
}

}  // namespace

struct ApiClients::Impl {
    Context context;

    // The audit entry of a managing call: no patron; the client concerned, if any, in the outcome
    // (a system's name, not personal data).
    void finish(store::Transaction& tx, const Caller& caller, std::string outcome) const {
        const AuditEvent e = detail::audit_event(context.clock, caller, Operation::manage_clients,
                                                 std::nullopt, {"api_clients"}, std::move(outcome));
        tx.audit().append({&e, 1});
        tx.commit();
    }
};

ApiClients::ApiClients(const Context& context) : impl_(std::make_unique<Impl>(Impl{context})) {}
ApiClients::~ApiClients() = default;

Result<NewClient> ApiClients::add(const Caller& caller, std::string_view name, Role role) {
    if (auto ok = detail::authorize(caller, Operation::manage_clients); !ok) {
        return tl::unexpected(ok.error());
    }
    if (!valid_name(name)) {
        return invalid("name", "1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
    }
    if (role == Role::patron) {
        return invalid("role", "patrons log in with card number and PIN, not with a token");
    }
    detail::IssuedToken issued = detail::issue_token(kTokenPrefix);
    NewClient added{.info = {.name = std::string(name),
                             .role = role,
                             .created_at = impl_->context.clock.now(),
                             .created_by = caller.actor},
                    .token = std::move(issued.token)};
    auto tx = impl_->context.database.begin();
    if (!tx->clients().insert(added.info, issued.hash)) {
        // Also when the holder was revoked: its audit entries must keep meaning one client.
        return fail(ErrorCode::conflict, "name", "a client of this name exists or existed");
    }
    impl_->finish(*tx, caller, fmt::format("added {} as {}", name, to_string(role)));
    return added;
}

Result<std::vector<ClientInfo>> ApiClients::list(const Caller& caller) {
    if (auto ok = detail::authorize(caller, Operation::manage_clients); !ok) {
        return tl::unexpected(ok.error());
    }
    auto tx = impl_->context.database.begin();
    auto clients = tx->clients().list();
    impl_->finish(*tx, caller, "listed");
    return clients;
}

Result<void> ApiClients::revoke(const Caller& caller, std::string_view name) {
    if (auto ok = detail::authorize(caller, Operation::manage_clients); !ok) {
        return tl::unexpected(ok.error());
    }
    auto tx = impl_->context.database.begin();
    switch (tx->clients().revoke(name, impl_->context.clock.now(), caller.actor)) {
        case store::RevokeOutcome::not_found:
            return fail(ErrorCode::not_found, "name", "no client of this name");
        case store::RevokeOutcome::already_revoked:
            return fail(ErrorCode::conflict, "name", "the client is already revoked");
        case store::RevokeOutcome::revoked:
            break;
    }
    impl_->finish(*tx, caller, fmt::format("revoked {}", name));
    return {};
}

std::optional<Caller> ApiClients::authenticate(std::string_view token, std::string_view purpose) {
    // A malformed token cannot match a stored hash: no database round trip for it.
    if (!detail::well_formed_token(token, kTokenPrefix)) return std::nullopt;
    const TimePoint now = impl_->context.clock.now();
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    const auto client =
        tx->clients().authenticate(detail::token_hash(token), now, now - kLastUsedResolution);
    if (!client) return std::nullopt;
    return Caller{client->name, client->role, std::string(purpose), std::nullopt};
}

}  // namespace patron
