#pragma once
/// @file
/// Sealing and verifying the tamper-evident audit log.

#include <cstdint>
#include <optional>
#include <string>

#include "patron/store/database.hpp"

namespace patron {

/// Outcome of checking the whole chain.
struct AuditVerification {
    bool intact = true;
    std::int64_t sealed_checked = 0;  ///< sealed entries whose hashes were recomputed
    std::int64_t unsealed = 0;        ///< committed entries not yet in the chain
    /// The stored chain head: record it elsewhere (a ticket, a signed mail) to anchor the chain,
    /// so even a rewrite of the whole log can be detected later.
    std::int64_t head_seal_no = 0;
    std::string head_hash;
    /// Entries up to this position were purged under the retention policy; the chain is
    /// verified from the next one. An anchor before it can no longer be checked.
    std::int64_t start_seal_no = 0;
    /// First place the chain breaks (seal number), and what is wrong there.
    std::optional<std::int64_t> broken_at;
    std::string problem;
};

/// A chain position and hash recorded outside the database (from an earlier verification's head),
/// so that a later verification can prove the log still contains it.
struct AuditAnchor {
    std::int64_t seal_no = 0;
    std::string hash;  ///< 32 raw bytes
};

/// The audit log's hash chain. Services append entries unsealed, in their own transaction;
/// `seal()` links committed entries into the chain (each entry's hash covers the previous hash and
/// every field), and `verify()` recomputes it. An edited entry breaks its own hash; a deleted one
/// breaks the sequence or the next entry's link; a cut-off tail no longer matches the stored head.
///
/// Thread-safe; several processes may seal at once (they take turns, no work is done twice).
class AuditLog {
public:
    explicit AuditLog(store::Database& database) : database_(database) {}

    /// Seals every entry committed so far, in batches. Returns how many were sealed.
    /// Call it periodically (patrond does) and before verify().
    /// @throws DatabaseError
    std::int64_t seal();

    /// Recomputes the whole chain; reads only. With an anchor, also requires that the entry at
    /// the anchor's position still exists with the anchored hash: this catches a tail cut off
    /// together with the stored head, which the chain alone cannot show.
    /// @throws DatabaseError
    [[nodiscard]] AuditVerification verify(const std::optional<AuditAnchor>& anchor = std::nullopt);

private:
    store::Database& database_;
};

}  // namespace patron
