#pragma once
/// @file
/// The PostgreSQL implementation of the storage interfaces.

#include <cstddef>
#include <memory>
#include <string>

#include "patron/store/database.hpp"

namespace patron::pg {

struct DatabaseOptions {
    std::string url;            ///< libpq connection string or URI; may hold a password
    std::size_t pool_size = 8;  ///< connections kept open at most
};

/// Opens the register's database. Connects once to check that the schema is exactly the version
/// this build knows.
/// @throws SchemaMismatch when migrations are pending or the schema is newer than this build
/// @throws DatabaseError when the server cannot be reached
[[nodiscard]] std::unique_ptr<store::Database> open_database(const DatabaseOptions& options);

/// `url` with any password replaced by "***", for messages and logs.
[[nodiscard]] std::string redact_url(const std::string& url);

}  // namespace patron::pg
