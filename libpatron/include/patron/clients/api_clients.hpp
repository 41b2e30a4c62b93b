#pragma once
/// @file
/// The registry of API clients (patrond's staff systems, kiosks, billing and DPO tools) and the
/// bearer tokens they authenticate with.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/clients/client_info.hpp"
#include "patron/context.hpp"
#include "patron/result.hpp"

namespace patron {

/// A client just added, with its token: shown once, stored only as a hash.
struct NewClient {
    ClientInfo info;
    std::string token;  ///< "pt_" + 43 base64url characters (256 random bits)
};

/// Adds, lists and revokes API clients, and authenticates their bearer tokens. A token is 32
/// bytes from OpenSSL's CSPRNG, base64url without padding behind the prefix "pt_" (so secret
/// scanners recognise a leaked one); only its SHA-256 is stored. Managing clients is for role
/// admin (Operation::manage_clients) and each add, revoke and list is audited (no patron, field
/// "api_clients", the client in the outcome).
///
/// Refusals: `permission_denied`, `invalid_input` (field "name": 1-64 of a-z 0-9 . _ -, starting
/// with a letter or digit; field "role": `patron`, whose patrons log in with card and PIN),
/// `conflict` (field "name": taken, also by a revoked client, since names are never reused;
/// revoking a revoked client), `not_found`. A caller without an actor or purpose: `invalid_input`.
/// Every method @throws DatabaseError / TransactionConflict on storage failures.
/// Thread-safe: each call runs in its own transaction.
class ApiClients {
public:
    explicit ApiClients(const Context& context);
    ~ApiClients();
    ApiClients(const ApiClients&) = delete;
    ApiClients& operator=(const ApiClients&) = delete;

    /// Adds client `name` acting in `role`, and makes its token.
    [[nodiscard]] Result<NewClient> add(const Caller& caller, std::string_view name, Role role);

    /// Every client, revoked ones included, in the order they were added.
    [[nodiscard]] Result<std::vector<ClientInfo>> list(const Caller& caller);

    /// Revokes the client's token, at once and for good.
    [[nodiscard]] Result<void> revoke(const Caller& caller, std::string_view name);

    /// The caller a bearer token stands for (actor: the client's name; its role; `purpose`), or
    /// empty for an unknown, revoked or malformed token. This is the authentication, not a
    /// permission-checked call, and is not audited (the calls made with the caller are). Records
    /// the use at most once a minute, so a busy client does not cost a write per request.
    [[nodiscard]] std::optional<Caller> authenticate(std::string_view token,
                                                     std::string_view purpose);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
