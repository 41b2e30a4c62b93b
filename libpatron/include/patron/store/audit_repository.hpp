#pragma once
/// @file
/// Storage of the append-only, hash-chained audit log.
///
/// Entries are appended unsealed inside the transaction that does the audited work, so writers
/// never wait for each other. Sealing later links committed entries into the hash chain in one
/// place at a time (see AuditLog::seal).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "patron/audit/audit_event.hpp"

namespace patron::store {

/// The last sealed entry: its position and hash (position 0 and 32 zero bytes when empty).
struct ChainHead {
    std::int64_t seal_no = 0;
    std::string hash;
};

/// The chain fields given to one entry when it is sealed.
struct AuditSeal {
    std::int64_t id = 0;
    std::int64_t seal_no = 0;
    std::string prev_hash;
    std::string hash;
};

/// Audit entries within one transaction. Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class AuditRepository {
public:
    virtual ~AuditRepository() = default;

    /// Appends unsealed entries.
    virtual void append(std::span<const AuditEvent> events) = 0;

    /// Takes the sealing lock for the rest of the transaction and reads the chain head.
    /// A second sealer waits here until the first commits.
    [[nodiscard]] virtual ChainHead lock_chain_head() = 0;
    /// Reads the chain head without locking.
    [[nodiscard]] virtual ChainHead chain_head() = 0;
    /// Where the chain starts: the last entry retention purged (position 0 and 32 zero bytes
    /// before any purge). The remaining entries link to its hash. Locks the start for the rest of
    /// the transaction: retention cannot cut entries meanwhile.
    [[nodiscard]] virtual ChainHead chain_start() = 0;
    /// Committed unsealed entries, oldest first.
    [[nodiscard]] virtual std::vector<AuditRecord> unsealed(std::size_t limit) = 0;
    /// Stores the seals and the new head. Precondition: lock_chain_head() in this transaction.
    virtual void store_seals(std::span<const AuditSeal> seals, const ChainHead& head) = 0;

    /// Sealed entries with seal_no greater than `after`, in chain order.
    [[nodiscard]] virtual std::vector<AuditRecord> sealed_after(std::int64_t after,
                                                                std::size_t limit) = 0;
    [[nodiscard]] virtual std::int64_t count_unsealed() = 0;
};

}  // namespace patron::store
