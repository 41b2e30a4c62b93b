#pragma once
/// @file
/// The storage entry point: a database hands out transactions, a transaction hands out
/// repositories that work inside it.

#include <cstddef>
#include <memory>

#include "patron/store/audit_repository.hpp"
#include "patron/store/circulation_repository.hpp"
#include "patron/store/client_repository.hpp"
#include "patron/store/patron_repository.hpp"
#include "patron/store/pin_repository.hpp"
#include "patron/store/retention_repository.hpp"

namespace patron::store {

/// How the statements of a unit of work commit.
enum class Atomicity {
    transaction,  ///< together, at commit() (read committed); rolled back unless committed
    statement,    ///< each on its own, at once, with no BEGIN/COMMIT round trips: for a unit of
                  ///< one statement (a read, or a write that is atomic by itself)
};

/// One unit of work: a database transaction, or single-statement units (Atomicity::statement).
/// A transaction rolls back on destruction unless committed. Not thread-safe: one thread uses
/// it at a time.
class Transaction {
public:
    virtual ~Transaction() = default;
    [[nodiscard]] virtual PatronRepository& patrons() = 0;
    [[nodiscard]] virtual AuditRepository& audit() = 0;
    [[nodiscard]] virtual PinRepository& pins() = 0;
    [[nodiscard]] virtual CirculationRepository& circulation() = 0;
    [[nodiscard]] virtual MessageRepository& messages() = 0;
    [[nodiscard]] virtual LoanHistoryRepository& loan_history() = 0;
    [[nodiscard]] virtual ClientRepository& clients() = 0;
    [[nodiscard]] virtual RetentionRepository& retention() = 0;
    /// Makes the work durable (with Atomicity::statement it already is: a no-op).
    /// @throws TransactionConflict (retry the whole unit), DatabaseError
    virtual void commit() = 0;
};

/// How busy the connection pool is, for monitoring.
struct PoolUse {
    std::size_t size = 0;     ///< connections allowed at most
    std::size_t open = 0;     ///< connections open now
    std::size_t in_use = 0;   ///< of those, lent out to a unit of work
    std::size_t waiting = 0;  ///< units of work waiting for a connection
};

/// A source of transactions over a connection pool. Thread-safe.
class Database {
public:
    virtual ~Database() = default;
    /// A snapshot of the pool's use.
    [[nodiscard]] virtual PoolUse pool_use() const = 0;
    /// Checks that the database answers (for health checks): one round trip on a pooled
    /// connection.
    /// @throws DatabaseError when it does not
    virtual void ping() = 0;
    /// Starts a unit of work, waiting for a free connection if all are in use.
    /// @throws DatabaseError when no connection can be made
    [[nodiscard]] virtual std::unique_ptr<Transaction> begin(Atomicity atomicity) = 0;
    /// A transaction.
    [[nodiscard]] std::unique_ptr<Transaction> begin() { return begin(Atomicity::transaction); }
};

}  // namespace patron::store
