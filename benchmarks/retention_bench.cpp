// Retention: one full run of patron::Retention (every rule of the sample policy, in short
// batches, each its own transaction) over a generated register, compared with hand-written
// set-based SQL doing the same deletions and detaches on an identical copy of the register: one
// statement per rule, each rule one transaction, as a DBA would purge by hand (holding its row
// locks for the whole rule). Figures: records purged per second over the whole run (detached
// loans, deleted records, erased patrons, cut audit entries).
//
// Checked as well, each on its own line, failing the program when missed: the longest batch of
// the run holds its row locks at most 200 ms; the run's memory stays flat (peak RSS growth);
// both sides and the generator agree on what each rule purges; the two databases end with the
// same row counts in every table; the audit chain still verifies after its prefix was cut.
//
// Environment: PATRON_BENCH_PATRONS, PATRON_BENCH_ROWS, PATRON_BENCH_SEED (the register's size:
// support/register_generator.hpp); PATRON_RETENTION_POLICY, the policy file (default: the sample
// service/patronctl/retention-policy.toml). A quick run: PATRON_BENCH_PATRONS=50000.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "patron/audit/audit_log.hpp"
#include "patron/domain/date.hpp"
#include "patron/retention/retention.hpp"
#include "support/bench_database.hpp"
#include "support/comparison.hpp"
#include "support/register_generator.hpp"

namespace {

using namespace patron;
using Steady = std::chrono::steady_clock;

constexpr auto kLongestBatchLimit = std::chrono::milliseconds{200};
// Peak RSS growth allowed during the run: a few result sets of one batch, far below what keeping
// anything per purged record would take at the default size (millions of records).
constexpr double kMemoryLimitMiB = 32;

double seconds_since(Steady::time_point start) {
    return std::chrono::duration<double>(Steady::now() - start).count();
}

// ---- The reference: hand-written set-based SQL ---------------------------------------------
//
// The same due conditions and legal holds as the policy's rules (DESIGN.md §6): processing
// restriction keeps every record of the patron; the last borrower of an item returned within the
// damage-claim window keeps that loan; every hold keeps the patron from erasure (current loans,
// open holds, unpaid fees, open invoices, wards under 15, organisations, damage claims).

// $1 cutoff (timestamptz), $2 the damage-claim window's start.
constexpr const char* kDetachLoans = R"(
UPDATE loans x SET patron_id = NULL
WHERE x.patron_id IS NOT NULL AND x.returned_at < $1
  AND NOT EXISTS (SELECT 1 FROM patrons r
                  WHERE r.id = x.patron_id AND r.processing_restricted_at IS NOT NULL)
  AND NOT (x.returned_at >= $2
           AND NOT EXISTS (SELECT 1 FROM loans n
                           WHERE n.item_id = x.item_id AND n.checked_out_at > x.checked_out_at
                             AND n.returned_at IS NOT NULL))
)";

// The record classes deleted by their trigger's time, but for restricted patrons; $1 cutoff
// (and $2 cutoff date, for loan bans).
constexpr const char* kDeleteUnlessRestricted = R"(
DELETE FROM {} x
WHERE {}
  AND NOT EXISTS (SELECT 1 FROM patrons r
                  WHERE r.id = x.patron_id AND r.processing_restricted_at IS NOT NULL)
)";
constexpr const char* kClosedHoldsDue = "x.closed_at < $1";
constexpr const char* kSettledFeesDue = "coalesce(x.paid_at, x.cancelled_at) < $1";
constexpr const char* kClosedInvoicesDue =
    "x.closed_at < $1 AND NOT EXISTS (SELECT 1 FROM fees f WHERE f.invoice_id = x.id)";
constexpr const char* kEndedBansDue = "(x.lifted_at < $1 OR x.ends_on < $2::date)";
constexpr const char* kSentMessagesDue =
    "((x.status = 'sent' AND x.sent_at < $1) OR (x.status = 'failed' AND x.created_at < $1))";
constexpr const char* kLoanHistoryDue = "x.returned_at < $1";

// $1 cutoff date.
constexpr const char* kExpiredGuardianships = R"(
DELETE FROM guardianships x USING patrons w
WHERE w.id = x.ward_id AND w.birth_date + interval '15 years' <= $1::date
  AND w.processing_restricted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM patrons r
                  WHERE r.id = x.guardian_id AND r.processing_restricted_at IS NOT NULL)
)";

constexpr const char* kExpiredSessions = "DELETE FROM web_sessions WHERE expires_at < $1";

// One pass of erasing inactive patrons, with an audit entry per patron. $1 cutoff, $2 cutoff
// date, $3 today, $4 the damage-claim window's start, $5 the pass (true: wards under 15 and
// organisations, whose erasure ends their guardians' and responsible persons' holds; false: the
// rest), $6 now, $7 actor, $8 purpose.
constexpr const char* kEraseInactive = R"(
WITH erased AS (
    SELECT p.id FROM patrons p
    WHERE p.created_at < $1 AND p.modified_at < $1
      AND (p.last_card_activity IS NULL OR p.last_card_activity < $2::date)
      AND NOT EXISTS (SELECT 1 FROM loans a WHERE a.patron_id = p.id AND a.returned_at >= $1)
      AND (p.kind = 'organisation' OR p.birth_date + interval '15 years' > $3::date) = $5
      AND p.processing_restricted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM loans h WHERE h.patron_id = p.id AND h.returned_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.patron_id = p.id
                                              AND h.status IN ('placed', 'ready'))
      AND NOT EXISTS (SELECT 1 FROM fees h WHERE h.patron_id = p.id AND h.paid_at IS NULL
                                             AND h.cancelled_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM invoices h WHERE h.patron_id = p.id AND h.status = 'open')
      AND NOT EXISTS (SELECT 1 FROM guardianships h JOIN patrons w ON w.id = h.ward_id
                      WHERE h.guardian_id = p.id AND w.birth_date + interval '15 years' > $3::date)
      AND NOT EXISTS (SELECT 1 FROM organisation_contacts h WHERE h.person_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM loans h
                      WHERE h.patron_id = p.id AND h.returned_at >= $4
                        AND NOT EXISTS (SELECT 1 FROM loans n WHERE n.item_id = h.item_id
                                                         AND n.checked_out_at > h.checked_out_at
                                                         AND n.returned_at IS NOT NULL))
), detached AS (
    UPDATE loans SET patron_id = NULL WHERE patron_id IN (SELECT id FROM erased)
), fees AS (
    DELETE FROM fees WHERE patron_id IN (SELECT id FROM erased)
), invoices AS (
    DELETE FROM invoices WHERE patron_id IN (SELECT id FROM erased)
), guardians AS (
    DELETE FROM guardianships WHERE guardian_id IN (SELECT id FROM erased)
), gone AS (
    DELETE FROM patrons WHERE id IN (SELECT id FROM erased) RETURNING id
)
INSERT INTO audit_log (at, actor, role, action, patron_id, purpose, outcome)
SELECT $6, $7, 'admin', 'retention.run', id, $8, 'erased' FROM gone
)";

// The audit log's sealed prefix recorded before $1: the chain start moves to its last entry,
// then the prefix goes (the append-only trigger allows deleting up to the start).
constexpr const char* kAuditStart = "SELECT seal_no FROM audit_chain_start FOR UPDATE";
constexpr const char* kAuditMoveStart = R"(
UPDATE audit_chain_start s SET seal_no = l.seal_no, hash = l.hash
FROM (SELECT seal_no, hash FROM audit_log
      WHERE seal_no = (SELECT coalesce(min(seal_no), (SELECT seal_no FROM audit_chain_head) + 1)
                       FROM audit_log WHERE seal_no > $1 AND at >= $2) - 1) l
WHERE l.seal_no > s.seal_no
RETURNING s.seal_no
)";
constexpr const char* kAuditCut = "DELETE FROM audit_log WHERE seal_no > $1 AND seal_no <= $2";

// Like the engine, the reference records its run and what each rule did.
constexpr const char* kRuleEntry = R"(
INSERT INTO audit_log (at, actor, role, action, purpose, outcome)
VALUES ($1, $2, 'admin', 'retention.run', $3, $4)
)";
constexpr const char* kRunRow = R"(
INSERT INTO retention_runs (started_at, heartbeat_at, finished_at, status, policy_sha256)
VALUES ($1, $2, $2, 'finished', $3) RETURNING id
)";
constexpr const char* kRunRuleRow = R"(
INSERT INTO retention_run_rules (run_id, rule, action, records, batches, longest_batch_ms)
VALUES ($1, $2, $3, $4, 1, $5)
)";

// The dates a rule's period counts from, as the engine computes them.
struct Cutoff {
    std::string at;           // now minus the period
    std::string date;         // today minus the period
    std::string today;        // for ages
    std::string claim_since;  // the damage-claim window's start
};

Cutoff cutoff_of(const RetentionRule& rule, const RetentionPolicy& policy, TimePoint now,
                 Date today) {
    const Date before = rule.period.before(today);
    return {to_iso(now - (std::chrono::sys_days{today} - std::chrono::sys_days{before})),
            to_iso(before), to_iso(today),
            to_iso(now - std::chrono::days{policy.damage_claim_days})};
}

// One rule, in its own transaction; returns the records it purged.
std::int64_t reference_rule(pqxx::work& tx, const RetentionRule& rule, const Cutoff& c,
                            const Caller& caller, const std::string& purpose,
                            const std::string& now) {
    const auto deleted = [&](const char* table, const char* due) {
        return static_cast<std::int64_t>(
            tx.exec_params0(fmt::format(kDeleteUnlessRestricted, table, due), c.at)
                .affected_rows());
    };
    switch (rule.record) {
        case RecordClass::returned_loans:
            return static_cast<std::int64_t>(
                tx.exec_params0(kDetachLoans, c.at, c.claim_since).affected_rows());
        case RecordClass::closed_holds:
            return deleted("holds", kClosedHoldsDue);
        case RecordClass::settled_fees:
            return deleted("fees", kSettledFeesDue);
        case RecordClass::closed_invoices:
            return deleted("invoices", kClosedInvoicesDue);
        case RecordClass::ended_loan_bans:
            return static_cast<std::int64_t>(
                tx.exec_params0(fmt::format(kDeleteUnlessRestricted, "loan_bans", kEndedBansDue),
                                c.at, c.date)
                    .affected_rows());
        case RecordClass::sent_messages:
            return deleted("messages", kSentMessagesDue);
        case RecordClass::loan_history:
            return deleted("loan_history", kLoanHistoryDue);
        case RecordClass::expired_guardianships:
            return static_cast<std::int64_t>(
                tx.exec_params0(kExpiredGuardianships, c.date).affected_rows());
        case RecordClass::expired_web_sessions:
            return static_cast<std::int64_t>(
                tx.exec_params0(kExpiredSessions, c.at).affected_rows());
        case RecordClass::inactive_patrons: {
            std::int64_t erased = 0;
            for (const bool first_pass : {true, false}) {
                erased += static_cast<std::int64_t>(
                    tx.exec_params0(kEraseInactive, c.at, c.date, c.today, c.claim_since,
                                    first_pass, now, caller.actor, purpose)
                        .affected_rows());
            }
            return erased;
        }
        case RecordClass::audit_entries: {
            const auto start = tx.exec(kAuditStart)[0][0].as<std::int64_t>();
            const auto moved = tx.exec_params(kAuditMoveStart, start, c.at);
            if (moved.empty()) return 0;
            return static_cast<std::int64_t>(
                tx.exec_params0(kAuditCut, start, moved[0][0].as<std::int64_t>()).affected_rows());
        }
    }
    throw std::logic_error("a record class without reference SQL");
}

// What the reference did per rule, in the policy's order.
struct ReferenceRun {
    std::vector<std::int64_t> records;
    std::vector<std::int64_t> took_ms;  // the rule's transaction: its row locks are held that long
};

ReferenceRun run_reference(pqxx::connection& connection, const RetentionPolicy& policy,
                           const patron::Clock& clock, const Caller& caller) {
    const TimePoint started = clock.now();
    const Date today = clock.today();
    ReferenceRun run;
    auto& [records, took_ms] = run;
    for (const RetentionRule& rule : policy.rules) {
        const auto rule_started = Steady::now();
        const Cutoff c = cutoff_of(rule, policy, started, today);
        const std::string purpose =
            fmt::format("{} (reference, rule {})", caller.purpose, info(rule.record).name);
        pqxx::work tx(connection);
        const std::int64_t done = reference_rule(tx, rule, c, caller, purpose, to_iso(clock.now()));
        tx.exec_params0(kRuleEntry, to_iso(clock.now()), caller.actor, purpose,
                        fmt::format("{} {}", to_string(rule.action), done));
        tx.commit();
        records.push_back(done);
        took_ms.push_back(
            std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - rule_started)
                .count());
    }
    pqxx::work tx(connection);
    const auto run_id = tx.exec_params1(kRunRow, to_iso(started), to_iso(clock.now()),
                                        pqxx::binarystring(policy.digest))[0]
                            .as<std::int64_t>();
    for (std::size_t i = 0; i < policy.rules.size(); ++i) {
        tx.exec_params0(kRunRuleRow, run_id, std::string(info(policy.rules[i].record).name),
                        std::string(to_string(policy.rules[i].action)), records[i], took_ms[i]);
    }
    tx.commit();
    return run;
}

// ---- Measuring ------------------------------------------------------------------------------

// The process's resident memory during the run: the peak (VmHWM, reset when the run starts, so
// no spike between samples escapes) and samples every 20 ms, to show where it grew.
class MemoryWatch {
public:
    MemoryWatch() = default;
    MemoryWatch(const MemoryWatch&) = delete;
    MemoryWatch& operator=(const MemoryWatch&) = delete;
    ~MemoryWatch() {
        if (sampler_.joinable()) stop();
    }

    void start() {
        std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
        start_kib_ = status_kib("VmRSS:");
        samples_.clear();
        started_ = Steady::now();
        running_ = true;
        sampler_ = std::thread([this] {
            while (running_) {
                const double at = seconds_since(started_);
                const long kib = status_kib("VmRSS:");
                {
                    const std::lock_guard lock(mutex_);
                    samples_.emplace_back(at, kib);
                }
                std::this_thread::sleep_for(std::chrono::milliseconds{20});
            }
        });
    }
    void stop() {
        running_ = false;
        sampler_.join();
        peak_kib_ = status_kib("VmHWM:");
    }

    [[nodiscard]] double peak_growth_mib() const {
        return static_cast<double>(peak_kib_ - start_kib_) / 1024.0;
    }
    // Growth over the start at 25, 50, 75 and 100 % of the run.
    [[nodiscard]] std::string profile() const {
        const std::lock_guard lock(mutex_);
        if (samples_.empty()) return "no samples";
        const double total = samples_.back().first;
        std::string out;
        for (const double share : {0.25, 0.5, 0.75, 1.0}) {
            const auto it = std::find_if(samples_.begin(), samples_.end(),
                                         [&](const auto& s) { return s.first >= share * total; });
            out += fmt::format("{}+{:.1f}", out.empty() ? "" : " / ",
                               static_cast<double>(it->second - start_kib_) / 1024.0);
        }
        return out + " MiB";
    }

private:
    static long status_kib(const std::string& field) {
        std::ifstream status("/proc/self/status");
        std::string word;
        while (status >> word) {
            if (word == field) {
                long kib = 0;
                status >> kib;
                return kib;
            }
        }
        return 0;
    }

    long start_kib_ = 0;
    long peak_kib_ = 0;
    Steady::time_point started_;
    std::atomic<bool> running_{false};
    std::thread sampler_;
    mutable std::mutex mutex_;
    std::vector<std::pair<double, long>> samples_;
};

void execute(const std::string& url, const char* statement) {
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    tx.exec(statement);
}

std::int64_t total(const std::vector<std::int64_t>& records) {
    std::int64_t sum = 0;
    for (const auto r : records) sum += r;
    return sum;
}

// What each side did, for the checks after the comparison.
struct Sides {
    std::optional<RetentionReport> figure;
    std::optional<ReferenceRun> reference;
    MemoryWatch memory;
};

// Row counts of every table, loans without a borrower apart.
std::map<std::string, std::int64_t> row_counts(const std::string& url) {
    pqxx::connection connection(url);
    pqxx::read_transaction tx(connection);
    std::map<std::string, std::int64_t> counts;
    for (const auto& row : tx.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                   "ORDER BY 1")) {
        const std::string table = row[0].as<std::string>();
        counts[table] = tx.exec1(fmt::format("SELECT count(*) FROM {}", tx.quote_name(table)))[0]
                            .as<std::int64_t>();
    }
    counts["loans (patron_id NULL)"] =
        tx.exec1("SELECT count(*) FROM loans WHERE patron_id IS NULL")[0].as<std::int64_t>();
    return counts;
}

// The lines after the comparison; false when a check failed.
bool report_checks(const Sides& sides, const bench::GeneratedRegister& generated,
                   const RetentionPolicy& policy, const std::string& figure_url,
                   const std::string& reference_url, store::Database& database) {
    if (!sides.figure || !sides.reference) {
        std::cout << "retention/checks  skipped: a side did not run\n";
        return true;
    }
    const RetentionReport& report = *sides.figure;
    const std::vector<std::int64_t>& reference = sides.reference->records;
    bool ok = true;
    const auto line = [&](const std::string& name, const std::string& what, bool passed) {
        std::cout << fmt::format("{:<26}  {}  {}\n", name, what, passed ? "ok" : "FAILED");
        ok = ok && passed;
    };

    // What each rule purged, beside what the generator planted.
    std::cerr << fmt::format("{:<22} {:>10} {:>10} {:>10} {:>10} {:>8} {:>10} {:>12}\n", "rule",
                             "due", "expected", "libpatron", "reference", "batches", "longest",
                             "reference");
    bool agree = report.rules.size() == policy.rules.size();
    std::int64_t records = 0;
    for (std::size_t i = 0; i < report.rules.size() && i < reference.size(); ++i) {
        const RuleOutcome& rule = report.rules[i];
        const bench::ExpectedRule& expected = generated.rules.at(i);
        std::cerr << fmt::format("{:<22} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7} ms {:>9} ms\n",
                                 info(rule.rule.record).name, expected.due, expected.purged,
                                 rule.records, reference[i], rule.batches,
                                 rule.longest_batch.count(), sides.reference->took_ms[i]);
        agree = agree && expected.record == rule.rule.record && expected.purged == rule.records &&
                rule.records == reference[i];
        records += rule.records;
    }
    line("retention/records",
         fmt::format("{} purged; libpatron, reference and generator agree on every rule", records),
         agree);

    const auto longest = std::max_element(report.rules.begin(), report.rules.end(),
                                          [](const RuleOutcome& a, const RuleOutcome& b) {
                                              return a.longest_batch < b.longest_batch;
                                          });
    if (longest != report.rules.end()) {
        line("retention/longest_batch",
             fmt::format("{} ms ({})  limit {} ms", longest->longest_batch.count(),
                         info(longest->rule.record).name, kLongestBatchLimit.count()),
             longest->longest_batch <= kLongestBatchLimit);
    }

    const double growth = sides.memory.peak_growth_mib();
    line(
        "retention/memory",
        fmt::format("peak RSS +{:.1f} MiB for {} records (at 25/50/75/100 %: {})  limit {:.0f} MiB",
                    growth, records, sides.memory.profile(), kMemoryLimitMiB),
        growth <= kMemoryLimitMiB);

    const auto mine = row_counts(figure_url);
    const auto theirs = row_counts(reference_url);
    std::string differ;
    for (const auto& [table, count] : mine) {
        const auto it = theirs.find(table);
        if (it == theirs.end() || it->second != count) {
            differ +=
                fmt::format(" {} ({} vs {})", table, count, it == theirs.end() ? -1 : it->second);
        }
    }
    std::cerr << "row counts after the run (libpatron's database):\n";
    for (const auto& [table, count] : mine) std::cerr << fmt::format("  {:<26} {}\n", table, count);
    line("retention/end_state",
         differ.empty() ? fmt::format("same row counts in all {} tables", mine.size() - 1)
                        : "row counts differ:" + differ,
         differ.empty());

    const auto verify_started = Steady::now();
    const AuditVerification chain = AuditLog(database).verify();
    line("retention/audit_chain",
         fmt::format("verifies from seal {} to {} ({} entries, {:.1f} s)", chain.start_seal_no,
                     chain.head_seal_no, chain.sealed_checked, seconds_since(verify_started)),
         chain.intact && chain.start_seal_no > 0);
    return ok;
}

std::string policy_path() {
    if (const char* path = std::getenv("PATRON_RETENTION_POLICY"); path != nullptr && *path) {
        return path;
    }
    return PATRON_SAMPLE_RETENTION_POLICY;
}

}  // namespace

int main(int argc, char** argv) {
    if (!bench::initialize(argc, argv)) return 2;
    return bench::guarded([] {
        const RetentionPolicy policy = load_retention_policy(policy_path());
        const bench::RegisterSize size = bench::RegisterSize::from_environment();
        bench::BenchDatabase db("retention");

        std::cerr << fmt::format("generating {} patrons and about {} circulation rows\n",
                                 size.patrons, size.rows);
        auto started = Steady::now();
        const bench::GeneratedRegister generated =
            bench::generate_register(db.url(), size, policy, db.clock());
        std::int64_t rows = 0;
        for (const auto& [table, count] : generated.rows) {
            std::cerr << fmt::format("  {:<22} {}\n", table, count);
            rows += count;
        }
        const double generation = seconds_since(started);
        started = Steady::now();
        // The generator leaves its audit entries unsealed, as services append them.
        const std::int64_t sealed = AuditLog(db.database()).seal();
        const double sealing = seconds_since(started);
        started = Steady::now();
        // Hint bits, visibility map and statistics, as on a register that has been live a while;
        // the copy inherits them.
        execute(db.url(), "VACUUM (FREEZE, ANALYZE)");
        const double vacuum = seconds_since(started);
        // Neither side pays for vacuuming the other's deletions while it runs.
        execute(db.url(), "ALTER SYSTEM SET autovacuum = off");
        execute(db.url(), "SELECT pg_reload_conf()");
        started = Steady::now();
        const std::string reference_url = db.copy_database("reference");
        std::cerr << fmt::format(
            "generated {} rows in {:.1f} s; sealed {} audit entries in {:.1f} s; vacuum "
            "{:.1f} s; copy {:.1f} s\n",
            rows, generation, sealed, sealing, vacuum, seconds_since(started));
        std::cout << fmt::format(
            "# retention: {} patrons, {} rows generated in {:.0f} s (audit sealing {:.0f} s, "
            "vacuum {:.0f} s, not measured)\n",
            size.patrons, rows, generation, sealing, vacuum);

        const Caller caller{"bench", Role::admin, "benchmark", std::nullopt};
        Retention retention(db.context(), policy);
        Sides sides;
        const auto add = [](const char* name, auto&& body) {
            // One long run per side: the register is used up by it.
            benchmark::RegisterBenchmark(name, body)
                ->Iterations(1)
                ->Repetitions(1)
                ->UseRealTime()
                ->Unit(benchmark::kSecond);
        };
        add("retention/run", [&](benchmark::State& state) {
            execute(db.url(), "CHECKPOINT");
            for (auto _ : state) {
                sides.memory.start();
                auto report = retention.run(caller);
                sides.memory.stop();
                if (!report) {
                    const std::string why = fmt::format(
                        "the run was refused: {} {}", report.error().field, report.error().message);
                    state.SkipWithError(why.c_str());
                    return;
                }
                sides.figure = std::move(*report);
            }
            std::int64_t records = 0;
            for (const auto& rule : sides.figure->rules) records += rule.records;
            state.SetItemsProcessed(records);
        });
        add("retention/reference", [&](benchmark::State& state) {
            execute(reference_url, "CHECKPOINT");
            pqxx::connection connection(reference_url);
            for (auto _ : state) {
                sides.reference = run_reference(connection, policy, db.clock(), caller);
            }
            state.SetItemsProcessed(total(sides.reference->records));
        });

        int status = bench::run_comparisons({{.name = "retention/run",
                                              .figure = "retention/run",
                                              .reference = "retention/reference",
                                              .target = 0.5}});
        if (!report_checks(sides, generated, policy, db.url(), reference_url, db.database())) {
            status = std::max(status, 1);
        }
        return status;
    });
}
