#pragma once
// The throwaway register a benchmark program works on: an ephemeral embedded PostgreSQL cluster
// (fsync and synchronous_commit off; the libpatron side and its reference run on the same server,
// so the comparison stays fair), migrated, opened through libpatron, with fresh random keys.

#include <memory>
#include <string>

#include "patron/clock.hpp"
#include "patron/context.hpp"
#include "patron/crypto/key_ring.hpp"
#include "patron/pg/embedded_cluster.hpp"
#include "patron/store/database.hpp"

namespace patron::bench {

class BenchDatabase {
public:
    /// Starts the cluster in `$PATRON_BENCH_DIR/<name>` when benchmarks/run set that variable
    /// (it stops and removes what an interrupted program leaves), else in a new directory under
    /// the system temporary directory. The directory is removed when the object is destroyed.
    /// @throws patron::Exception when the cluster does not start or the schema cannot be applied
    explicit BenchDatabase(const std::string& name);
    ~BenchDatabase();
    BenchDatabase(const BenchDatabase&) = delete;
    BenchDatabase& operator=(const BenchDatabase&) = delete;

    /// libpq connection string of the register database, for the hand-written references.
    [[nodiscard]] const std::string& url() const noexcept { return url_; }
    [[nodiscard]] store::Database& database() noexcept { return *database_; }
    /// Random keys, parsed from key file text as the service reads them.
    [[nodiscard]] const KeyRing& keys() const noexcept { return keys_; }
    [[nodiscard]] const Clock& clock() const noexcept { return clock_; }
    [[nodiscard]] Context context() noexcept { return Context{*database_, keys_, clock_}; }

    /// Gathers planner statistics (ANALYZE), as autovacuum does on a live register within a
    /// minute. Call after loading: statements prepared on pooled connections while the tables
    /// were small keep plans made for small tables until statistics change; autovacuum doing it
    /// in the middle of a run would make the figures jump.
    void analyze();

    /// Creates database `name` as a copy of the register (CREATE DATABASE ... TEMPLATE), so a
    /// reference can start from exactly the same data, statistics included. The pool is closed
    /// meanwhile (a template must have no connections) and opened again: database() and contexts
    /// taken before refer to the closed pool, so build services after the copy. Returns the
    /// copy's libpq connection string.
    /// @throws pqxx::failure when the copy cannot be made
    [[nodiscard]] std::string copy_database(const std::string& name);

private:
    std::unique_ptr<pg::EmbeddedCluster> cluster_;
    std::string url_;
    KeyRing keys_;
    SystemClock clock_;
    std::unique_ptr<store::Database> database_;
};

}  // namespace patron::bench
