#pragma once
/// @file
/// Environmental failures: the database is unreachable, a transaction conflicted, configuration
/// or keys are unusable. Thrown, never returned (expected refusals are `patron::Result`).
/// Messages name no personal data and no secrets (no DSN password).

#include <stdexcept>
#include <string>

namespace patron {

/// Base of everything libpatron throws on purpose.
class Exception : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Configuration or key material is missing, malformed or unsafe (e.g. a world-readable key file).
class ConfigError : public Exception {
public:
    using Exception::Exception;
};

/// The database failed: unreachable, broken connection, unexpected SQL error.
class DatabaseError : public Exception {
public:
    using Exception::Exception;
};

/// The database schema is not the one this build knows (older: migrate; newer: upgrade patron).
class SchemaMismatch : public DatabaseError {
public:
    using DatabaseError::DatabaseError;
};

/// A serialization failure or deadlock: the transaction was rolled back and may be retried whole.
class TransactionConflict : public DatabaseError {
public:
    using DatabaseError::DatabaseError;
};

/// Starting or stopping the embedded PostgreSQL cluster failed.
class EmbeddedClusterError : public Exception {
public:
    using Exception::Exception;
};

}  // namespace patron
