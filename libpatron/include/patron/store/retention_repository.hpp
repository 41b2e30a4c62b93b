#pragma once
/// @file
/// Storage side of the retention engine: which records are due, purging them in batches, and the
/// record of runs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "patron/clock.hpp"
#include "patron/domain/patron.hpp"
#include "patron/retention/legal_hold.hpp"
#include "patron/retention/retention_policy.hpp"

namespace patron::store {

/// One rule as of now: what it purges, and the dates its period and the holds count from.
struct DueQuery {
    RecordClass record = RecordClass::returned_loans;
    RetentionAction action = RetentionAction::erase;
    TimePoint cutoff;       ///< records whose trigger is before this are due
    Date cutoff_date;       ///< the same, for triggers that are dates
    Date today;             ///< for holds that depend on age (guardian of a ward under 15)
    TimePoint claim_since;  ///< returns since then keep their last borrower (damage claims)
};

/// What is due under a rule (a dry run).
struct DueCount {
    std::int64_t records = 0;
    std::int64_t patrons = 0;
    std::vector<std::int64_t> examples;  ///< the lowest ids, at most the number asked for
    std::vector<std::int64_t> held;      ///< per hold of `holds_for(record)`, in that order
};

/// What one batch purged.
struct PurgedBatch {
    std::int64_t records = 0;
    std::vector<PatronId> erased;  ///< inactive_patrons: the patrons erased
    std::int64_t last_key = 0;     ///< resume after this key in the next batch
    bool exhausted = false;        ///< fewer candidates than the limit: the rule is done
};

/// A run as recorded in retention_runs.
enum class RunStatus { running, finished, interrupted, abandoned };

/// Retention work within one transaction. Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class RetentionRepository {
public:
    virtual ~RetentionRepository() = default;

    /// Tables in the schema that hold personal data: those linked to patrons by foreign keys and
    /// those with columns naming patrons or people (patron_id, actor, *_by, identity and contact
    /// columns). Sorted.
    [[nodiscard]] virtual std::vector<std::string> personal_data_tables() = 0;

    /// Counts what is due and what holds keep; reads only.
    [[nodiscard]] virtual DueCount count_due(const DueQuery& query, std::size_t examples) = 0;

    /// Takes the retention lock until the transaction ends: batches of concurrent runs take turns.
    virtual void lock_batches() = 0;

    /// Purges up to `limit` due records with keys after `after` (keys: the record id; the ward
    /// id for guardianships; the seal number for audit entries), skipping rows other
    /// transactions hold. Patrons are re-checked against every hold once locked; wards and
    /// organisations are erased before their guardians and responsible persons, so one run
    /// frees those too. Precondition: lock_batches() in this transaction.
    [[nodiscard]] virtual PurgedBatch purge_batch(const DueQuery& query, std::int64_t after,
                                                  std::size_t limit) = 0;

    /// Starts a run: marks runs whose heartbeat is older than `stale_before` abandoned, then
    /// records this one as running. Returns its id.
    [[nodiscard]] virtual std::int64_t start_run(TimePoint now, TimePoint stale_before,
                                                 const std::string& policy_digest) = 0;
    /// Notes that the run is alive.
    virtual void heartbeat(std::int64_t run_id, TimePoint now) = 0;
    /// Records what one rule of the run did.
    virtual void record_rule(std::int64_t run_id, const RetentionRule& rule, std::int64_t records,
                             std::int64_t batches, std::int64_t longest_batch_ms) = 0;
    /// Ends the run with `status` (finished or interrupted).
    virtual void finish_run(std::int64_t run_id, RunStatus status, TimePoint now) = 0;
};

}  // namespace patron::store
