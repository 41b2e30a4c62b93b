#pragma once
/// @file
/// The storage entry point: a database hands out transactions, a transaction hands out
/// repositories that work inside it.

#include <memory>

#include "patron/store/audit_repository.hpp"
#include "patron/store/patron_repository.hpp"
#include "patron/store/pin_repository.hpp"

namespace patron::store {

/// One database transaction (read committed). Rolls back on destruction unless committed.
/// Not thread-safe: one thread uses it at a time.
class Transaction {
public:
    virtual ~Transaction() = default;
    [[nodiscard]] virtual PatronRepository& patrons() = 0;
    [[nodiscard]] virtual AuditRepository& audit() = 0;
    [[nodiscard]] virtual PinRepository& pins() = 0;
    /// Makes the work durable. @throws TransactionConflict (retry the whole unit), DatabaseError
    virtual void commit() = 0;
};

/// A source of transactions over a connection pool. Thread-safe.
class Database {
public:
    virtual ~Database() = default;
    /// Starts a transaction, waiting for a free connection if all are in use.
    /// @throws DatabaseError when no connection can be made
    [[nodiscard]] virtual std::unique_ptr<Transaction> begin() = 0;
};

}  // namespace patron::store
