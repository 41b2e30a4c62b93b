#pragma once
/// @file
/// Storage of API clients and web-library sessions, each known by the hash of its token.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "patron/clients/client_info.hpp"
#include "patron/domain/patron.hpp"

namespace patron::store {

/// What revoking a client came to.
enum class RevokeOutcome { revoked, already_revoked, not_found };

/// API clients and web sessions. A token is known here only by its SHA-256 (32 bytes). Not
/// thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class ClientRepository {
public:
    virtual ~ClientRepository() = default;

    /// Adds a client (unrevoked, never used) with its token's hash. False when the name is taken,
    /// by a revoked client too.
    [[nodiscard]] virtual bool insert(const ClientInfo& client, std::string_view token_hash) = 0;

    /// Every client, revoked ones included, in the order they were added.
    [[nodiscard]] virtual std::vector<ClientInfo> list() = 0;

    /// Marks the client revoked at `at` by `actor`, unless it already is. One statement.
    virtual RevokeOutcome revoke(std::string_view name, TimePoint at, std::string_view actor) = 0;

    /// The unrevoked client whose token has this hash. In the same statement, its last use
    /// becomes `now` when it was never used or last used before `stale_before`; the client
    /// returned carries its last use after that.
    [[nodiscard]] virtual std::optional<ClientInfo> authenticate(std::string_view token_hash,
                                                                 TimePoint now,
                                                                 TimePoint stale_before) = 0;

    /// Opens a web session of `patron` from `created_at` until `expires_at` (later), known by its
    /// token's hash.
    virtual void insert_session(std::string_view token_hash, PatronId patron, TimePoint created_at,
                                TimePoint expires_at) = 0;

    /// The patron of the session with this hash, if it is live at `now` (expires after it).
    [[nodiscard]] virtual std::optional<PatronId> find_session(std::string_view token_hash,
                                                               TimePoint now) = 0;

    /// Deletes the session with this hash, live or expired. True when it was live at `now`.
    virtual bool delete_session(std::string_view token_hash, TimePoint now) = 0;

    /// Deletes the sessions of all patrons that expired at or before `now`; how many. One
    /// statement.
    virtual std::int64_t delete_expired_sessions(TimePoint now) = 0;
};

}  // namespace patron::store
