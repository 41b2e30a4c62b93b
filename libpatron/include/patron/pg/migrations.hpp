#pragma once
/// @file
/// Schema migrations: numbered SQL files embedded in the library, each applied in its own
/// transaction and recorded in `schema_migrations`.

#include <optional>
#include <string>
#include <vector>

#include "patron/clock.hpp"

namespace patron::pg {

/// One migration this build knows, and when it was applied to the database (empty: pending).
struct MigrationState {
    int version = 0;
    std::string name;
    std::optional<TimePoint> applied_at;
};

struct SchemaStatus {
    int database_version = 0;  ///< highest version recorded in the database (0: empty database)
    int known_version = 0;     ///< highest version this build knows
    std::vector<MigrationState> migrations;
    /// True when the database holds versions this build does not know: refuse to run.
    [[nodiscard]] bool newer_than_known() const noexcept {
        return database_version > known_version;
    }
    [[nodiscard]] bool up_to_date() const noexcept { return database_version == known_version; }
};

/// Highest migration version embedded in this build.
[[nodiscard]] int known_schema_version();

/// Reads the schema state. @throws DatabaseError
[[nodiscard]] SchemaStatus schema_status(const std::string& url);

/// Applies pending migrations in order, each in its own transaction; concurrent runs wait for each
/// other (advisory lock) and never apply one twice. Returns the versions applied (empty: no-op).
/// @throws SchemaMismatch when the database is newer than this build (nothing applied)
/// @throws DatabaseError when a migration fails (it is rolled back; earlier ones stay)
std::vector<int> migrate(const std::string& url);

}  // namespace patron::pg
