#include "patron/pg/migrations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "patron/exception.hpp"
#include "pg/errors.hpp"
#include "pg/migration_list.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

// Serialises concurrent `migrate` runs across processes ("patron" in ASCII).
constexpr std::int64_t kMigrationLock = 0x7061'7472'6f6e'0001;

constexpr const char* kCreateTable = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))";

constexpr const char* kReadApplied = R"(
SELECT version, (extract(epoch FROM applied_at) * 1000000)::bigint
FROM schema_migrations ORDER BY version)";

constexpr const char* kTableExists = "SELECT to_regclass('schema_migrations') IS NOT NULL";

struct Applied {
    int version;
    TimePoint at;
};

std::vector<Applied> read_applied(pqxx::transaction_base& tx) {
    std::vector<Applied> applied;
    if (!tx.exec1(kTableExists)[0].as<bool>()) return applied;
    for (const auto& row : tx.exec(kReadApplied)) {
        applied.push_back({row[0].as<int>(), timestamp_from_micros(row[1])});
    }
    return applied;
}

int highest(const std::vector<Applied>& applied) {
    return applied.empty() ? 0 : applied.back().version;
}

SchemaMismatch newer_schema(int database_version) {
    return SchemaMismatch(fmt::format(
        "database schema is version {}, newer than this build of patron knows ({}): upgrade patron",
        database_version, known_schema_version()));
}

}  // namespace

int known_schema_version() {
    const auto& migrations = embedded_migrations();
    return migrations.empty() ? 0 : migrations.back().version;
}

SchemaStatus schema_status(const std::string& url) {
    return translated("schema status", [&] {
        pqxx::connection connection(url);
        pqxx::read_transaction tx(connection);
        const auto applied = read_applied(tx);
        SchemaStatus status;
        status.database_version = highest(applied);
        status.known_version = known_schema_version();
        for (const auto& migration : embedded_migrations()) {
            MigrationState state{migration.version, std::string(migration.name), std::nullopt};
            for (const auto& a : applied) {
                if (a.version == migration.version) state.applied_at = a.at;
            }
            status.migrations.push_back(std::move(state));
        }
        return status;
    });
}

std::vector<int> migrate(const std::string& url) {
    return translated("migrate", [&] {
        pqxx::connection connection(url);
        std::vector<int> done;
        for (const auto& migration : embedded_migrations()) {
            pqxx::work tx(connection);
            // Held until commit: a concurrent migrate waits, then sees this one applied.
            tx.exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLock));
            tx.exec0(kCreateTable);
            const auto applied = read_applied(tx);
            if (highest(applied) > known_schema_version()) throw newer_schema(highest(applied));
            const bool already = std::any_of(applied.begin(), applied.end(), [&](const Applied& a) {
                return a.version == migration.version;
            });
            if (already) continue;
            try {
                tx.exec0(std::string(migration.sql));
            } catch (const pqxx::sql_error& e) {
                throw DatabaseError(fmt::format("migration {:04}_{} failed: {}", migration.version,
                                                migration.name, e.what()));
            }
            tx.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version, std::string(migration.name));
            tx.commit();
            done.push_back(migration.version);
        }
        return done;
    });
}

}  // namespace patron::pg
