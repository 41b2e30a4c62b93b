#pragma once
/// @file
/// The retention engine: plans and purges what the records-management plan says is due.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/context.hpp"
#include "patron/result.hpp"
#include "patron/retention/legal_hold.hpp"
#include "patron/retention/retention_policy.hpp"

namespace patron {

/// Records a rule would purge but a legal hold keeps (a record kept by two holds counts under
/// both).
struct HeldRecords {
    LegalHold hold;
    std::int64_t records = 0;
};

/// What one rule would do (plan) or did (run).
struct RuleOutcome {
    RetentionRule rule;
    /// Plan: records due now. Run: records purged (for inactive_patrons: patrons erased). A run
    /// may erase more patrons than planned: guardians and responsible persons whose wards and
    /// organisations it erases first are freed in the same run.
    std::int64_t records = 0;
    /// Plan: distinct patrons those records belong to (none for audit entries).
    std::int64_t patrons = 0;
    /// Plan: the first few due records' ids (wards' patron ids for guardianships, patron ids for
    /// web sessions and patrons, seal numbers for audit entries). Never personal data itself.
    std::vector<std::int64_t> examples;
    /// Plan: records past their period that legal holds keep, per hold that applies to the rule.
    std::vector<HeldRecords> held;
    /// Run: transactions used, and the longest one (its row locks are held that long).
    std::int64_t batches = 0;
    std::chrono::milliseconds longest_batch{0};
    /// Run: the rule's whole time.
    std::chrono::milliseconds elapsed{0};
};

/// A plan, or what a run did.
struct RetentionReport {
    enum class Status {
        planned,      ///< a dry run: nothing changed
        finished,     ///< every rule ran to its end
        interrupted,  ///< stopped between batches on request; what was done stays done
    };
    Status status = Status::planned;
    std::optional<std::int64_t> run_id;  ///< the retention_runs row (runs only)
    TimePoint started_at;
    TimePoint finished_at;
    std::vector<RuleOutcome> rules;  ///< one per policy rule, in the order they ran
};

/// How far a run has come, reported after each batch.
struct RetentionProgress {
    std::size_t rule_index = 0;  ///< into RetentionReport::rules
    RecordClass record = RecordClass::returned_loans;
    std::int64_t done = 0;      ///< records purged so far under this rule
    std::int64_t expected = 0;  ///< records due when the rule started
};

/// Hooks a caller gives a run. Both are called on the running thread.
struct RetentionControl {
    /// Called after each batch. When set, each rule first counts what is due (for `expected`):
    /// one more read of the rule's records.
    std::function<void(const RetentionProgress&)> on_progress;
    /// Asked between batches; true stops the run, which then reports `interrupted`.
    std::function<bool()> stop_requested;
};

/// Plans and runs the policy's rules over the register.
///
/// A run works in batches of at most `batch_size` records, each its own short transaction (each
/// rule starts at 100 records, doubling while batches take under 25 ms and halving after one over
/// 100 ms), so it can be
/// stopped or killed at any point and run again: the end state is the same as one uninterrupted
/// run. Batches of concurrent runs (other processes, other hosts) take turns on a database-wide
/// lock, so two runs never do the same work or deadlock each other; rows an application
/// transaction holds are skipped and left for the next run. Legal holds are checked again after
/// a patron's row is locked, so a loan or fee committed meanwhile keeps them.
///
/// Every erased patron leaves an audit entry naming the rule and the patron id; every rule leaves
/// one entry with its count. The audit log's prefix past its period is cut in whole, sealed
/// entries, and the chain still verifies (AuditLog::verify) from the new start.
///
/// Refusals: `permission_denied` (plan: roles dpo and admin; run: admin), `invalid_input` with
/// field "policy" when a table holding personal data is neither ruled nor kept by the policy
/// (nothing runs). @throws DatabaseError / TransactionConflict. Thread-safe.
class Retention {
public:
    Retention(const Context& context, RetentionPolicy policy);
    ~Retention();
    Retention(const Retention&) = delete;
    Retention& operator=(const Retention&) = delete;

    /// A dry run: what each rule would purge now, and what legal holds keep. Changes nothing but
    /// the audit log (the plan is a read of the register).
    [[nodiscard]] Result<RetentionReport> plan(const Caller& caller);

    /// Purges what is due, records a retention_runs row, and reports what it did.
    [[nodiscard]] Result<RetentionReport> run(const Caller& caller,
                                              const RetentionControl& control = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
