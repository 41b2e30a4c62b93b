#include "patron/retention/retention.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "access/authorization.hpp"
#include "patron/audit/audit_log.hpp"
#include "patron/exception.hpp"

namespace patron {
namespace {

constexpr std::size_t kExamples = 5;
// A run whose heartbeat is this old was killed: the next run marks it abandoned.
constexpr auto kStaleAfter = std::chrono::minutes{15};
// A batch that meets a deadlock or serialization failure with application traffic is retried.
constexpr int kConflictRetries = 5;
// A batch should hold its row locks no longer than this. Each rule starts with kSmallestBatch
// records (or batch_size when that is smaller): a much faster batch doubles the next (up to
// batch_size), a slower one halves it (not below the start), so no batch overshoots by much.
constexpr std::chrono::milliseconds kBatchBudget{100};
constexpr std::size_t kSmallestBatch = 100;

store::DueQuery due_query(const RetentionRule& rule, const RetentionPolicy& policy,
                          const Clock& clock) {
    store::DueQuery query;
    query.record = rule.record;
    query.action = rule.action;
    const TimePoint now = clock.now();
    query.today = clock.today();
    query.cutoff_date = rule.period.before(query.today);
    query.cutoff =
        now - (std::chrono::sys_days{query.today} - std::chrono::sys_days{query.cutoff_date});
    query.claim_since = now - std::chrono::days{policy.damage_claim_days};
    return query;
}

// Every table that holds personal data must be ruled or kept by the policy, and every kept table
// must be one: a table added by an upgrade, or a misspelt name, stops the run until the plan
// says what happens to it.
Result<void> check_coverage(store::RetentionRepository& repository, const RetentionPolicy& policy) {
    const auto tables = repository.personal_data_tables();
    const auto listed = [&](std::string_view table) {
        return std::find(tables.begin(), tables.end(), table) != tables.end();
    };
    for (const auto& kept : policy.kept) {
        if (!listed(kept.table)) {
            return invalid("policy", fmt::format("kept.{}: no table of that name holds personal "
                                                 "data",
                                                 kept.table));
        }
    }
    for (const auto& table : tables) {
        const bool ruled =
            std::any_of(policy.rules.begin(), policy.rules.end(),
                        [&](const RetentionRule& r) { return info(r.record).table == table; });
        const bool kept = std::any_of(policy.kept.begin(), policy.kept.end(),
                                      [&](const KeptTable& k) { return k.table == table; });
        if (!ruled && !kept) {
            return invalid("policy",
                           fmt::format("table {} holds personal data but no rule purges it and "
                                       "[kept] does not list it",
                                       table));
        }
    }
    return {};
}

std::string rule_purpose(const Caller& caller, std::int64_t run_id, const RetentionRule& rule) {
    return fmt::format("{} (retention run {}, rule {})", caller.purpose, run_id,
                       info(rule.record).name);
}

}  // namespace

struct Retention::Impl {
    Context context;
    RetentionPolicy policy;

    // One batch in its own transaction, retried when it meets a conflict. The duration counts
    // from the turn lock to the commit: the time the batch's row locks are held at most.
    store::PurgedBatch batch(const Caller& caller, std::int64_t run_id, const RetentionRule& rule,
                             const store::DueQuery& query, std::int64_t after, std::size_t limit,
                             std::chrono::milliseconds& took) {
        for (int attempt = 1;; ++attempt) {
            try {
                auto tx = context.database.begin();
                auto& retention = tx->retention();
                retention.lock_batches();
                const auto started = std::chrono::steady_clock::now();
                store::PurgedBatch done = retention.purge_batch(query, after, limit);
                if (!done.erased.empty()) {
                    std::vector<AuditEvent> events;
                    events.reserve(done.erased.size());
                    for (const PatronId patron : done.erased) {
                        AuditEvent event = detail::audit_event(
                            context.clock, caller, Operation::run_retention, patron, {}, "erased");
                        event.purpose = rule_purpose(caller, run_id, rule);
                        events.push_back(std::move(event));
                    }
                    tx->audit().append(events);
                }
                retention.heartbeat(run_id, context.clock.now());
                tx->commit();
                took = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started);
                return done;
            } catch (const TransactionConflict&) {
                if (attempt == kConflictRetries) throw;
            }
        }
    }
};

Retention::Retention(const Context& context, RetentionPolicy policy)
    : impl_(std::make_unique<Impl>(Impl{context, std::move(policy)})) {}

Retention::~Retention() = default;

Result<RetentionReport> Retention::plan(const Caller& caller) {
    if (auto allowed = detail::authorize(caller, Operation::plan_retention); !allowed) {
        return tl::unexpected(allowed.error());
    }
    const Context& context = impl_->context;
    RetentionReport report;
    report.started_at = context.clock.now();
    auto tx = context.database.begin();
    auto& retention = tx->retention();
    if (auto covered = check_coverage(retention, impl_->policy); !covered) {
        return tl::unexpected(covered.error());
    }
    for (const auto& rule : impl_->policy.rules) {
        const auto query = due_query(rule, impl_->policy, context.clock);
        store::DueCount due = retention.count_due(query, kExamples);
        RuleOutcome outcome{rule, due.records, due.patrons, std::move(due.examples), {}, 0, {}, {}};
        const auto holds = holds_for(rule.record);
        for (std::size_t i = 0; i < holds.size() && i < due.held.size(); ++i) {
            outcome.held.push_back(HeldRecords{holds[i], due.held[i]});
        }
        report.rules.push_back(std::move(outcome));
    }
    tx->audit().append(std::array{
        detail::audit_event(context.clock, caller, Operation::plan_retention, std::nullopt)});
    tx->commit();
    report.finished_at = context.clock.now();
    return report;
}

Result<RetentionReport> Retention::run(const Caller& caller, const RetentionControl& control) {
    if (auto allowed = detail::authorize(caller, Operation::run_retention); !allowed) {
        return tl::unexpected(allowed.error());
    }
    const Context& context = impl_->context;
    const RetentionPolicy& policy = impl_->policy;
    RetentionReport report;
    report.status = RetentionReport::Status::finished;
    report.started_at = context.clock.now();
    {
        auto tx = context.database.begin();
        auto& retention = tx->retention();
        if (auto covered = check_coverage(retention, policy); !covered) {
            return tl::unexpected(covered.error());
        }
        report.run_id =
            retention.start_run(report.started_at, report.started_at - kStaleAfter, policy.digest);
        tx->commit();
    }
    const std::int64_t run_id = *report.run_id;
    const auto stop = [&] { return control.stop_requested && control.stop_requested(); };

    for (std::size_t index = 0; index < policy.rules.size(); ++index) {
        if (stop()) {
            report.status = RetentionReport::Status::interrupted;
            break;
        }
        const RetentionRule& rule = policy.rules[index];
        // Entries committed but not yet sealed cannot be cut from the chain.
        if (rule.record == RecordClass::audit_entries) AuditLog(context.database).seal();
        const auto query = due_query(rule, policy, context.clock);
        RuleOutcome outcome{rule, 0, 0, {}, {}, 0, {}, {}};
        const auto rule_started = std::chrono::steady_clock::now();
        RetentionProgress progress{index, rule.record, 0, 0};
        if (control.on_progress) {
            auto tx = context.database.begin(store::Atomicity::statement);
            progress.expected = tx->retention().count_due(query, 0).records;
            control.on_progress(progress);
        }
        std::int64_t after = 0;
        const std::size_t smallest = std::min(policy.batch_size, kSmallestBatch);
        std::size_t limit = smallest;
        for (;;) {
            std::chrono::milliseconds took{0};
            const store::PurgedBatch done =
                impl_->batch(caller, run_id, rule, query, after, limit, took);
            if (took > kBatchBudget) {
                limit = std::max(smallest, limit / 2);
            } else if (took < kBatchBudget / 4) {
                limit = std::min(policy.batch_size, limit * 2);
            }
            ++outcome.batches;
            outcome.records += done.records;
            outcome.longest_batch = std::max(outcome.longest_batch, took);
            after = done.last_key;
            progress.done = outcome.records;
            if (control.on_progress) control.on_progress(progress);
            if (done.exhausted) break;
            if (stop()) {
                report.status = RetentionReport::Status::interrupted;
                break;
            }
        }
        outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - rule_started);
        {
            auto tx = context.database.begin();
            tx->retention().record_rule(run_id, rule, outcome.records, outcome.batches,
                                        outcome.longest_batch.count());
            AuditEvent summary = detail::audit_event(
                context.clock, caller, Operation::run_retention, std::nullopt, {},
                fmt::format("{} {}", to_string(rule.action), outcome.records));
            summary.purpose = rule_purpose(caller, run_id, rule);
            tx->audit().append(std::array{std::move(summary)});
            tx->commit();
        }
        report.rules.push_back(std::move(outcome));
        if (report.status == RetentionReport::Status::interrupted) break;
    }

    report.finished_at = context.clock.now();
    auto tx = context.database.begin();
    tx->retention().finish_run(run_id,
                               report.status == RetentionReport::Status::finished
                                   ? store::RunStatus::finished
                                   : store::RunStatus::interrupted,
                               report.finished_at);
    tx->commit();
    return report;
}

}  // namespace patron
