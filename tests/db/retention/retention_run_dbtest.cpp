// A run's bookkeeping and its resilience: a retention_runs row (status, policy digest) and one
// retention_run_rules row per rule; batches of batch_size, each its own transaction, reported to
// the progress callback; stopped between batches and run again, or stopped at any point, the end
// state equals an uninterrupted run; a killed run is marked abandoned by the next; a second run
// finds nothing to do; two runs at once share the work without deadlock; rows other
// transactions hold are skipped, not waited for, and purged by the next run.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <latch>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "db/retention/retention_fixture.hpp"
#include "patron/pg/database.hpp"

namespace patron::test {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

// How long a run may take before the test calls it stuck on a lock.
constexpr seconds kDeadline{20};

/// A transaction of another application holding row locks until it ends (staff editing a
/// record, a checkout in flight).
class Locker {
public:
    Locker(const std::string& url, const std::string& statement)
        : connection_(url), work_(connection_) {
        work_.exec(statement);
    }
    /// Ends the transaction (again: nothing).
    void release() {
        if (!released_) work_.commit();
        released_ = true;
    }

private:
    pqxx::connection connection_;
    pqxx::work work_;
    bool released_ = false;
};

class RetentionRun : public RetentionDbTest {
protected:
    /// `n` holds of `patron` closed long ago (items H-<first>...), ids ascending.
    std::vector<std::int64_t> closed_holds(PatronId patron, int n, int first = 1) {
        std::vector<std::int64_t> ids;
        for (int i = first; i < first + n; ++i) {
            const Hold h = hold(patron, fmt::format("H-{}", i));
            EXPECT_TRUE(Succeeded(circulation().cancel_hold(staff(), h.id)));
            age("holds", "closed_at", h.id.value, days{400});
            ids.push_back(h.id.value);
        }
        return ids;
    }

    /// The policy of closed holds and settled fees at "1 year", `batch` records per batch.
    static RetentionPolicy holds_and_fees(int batch = 1000) {
        return policy(
            rule(RecordClass::closed_holds, "1 year") + rule(RecordClass::settled_fees, "1 year"),
            fmt::format("batch_size = {}", batch));
    }

    /// retention_run_rules of run `id` as "rule|action|records|batches", in rule order.
    [[nodiscard]] std::vector<std::string> run_rules(std::int64_t id) const {
        std::vector<std::string> out;
        for (const auto& row : sql(fmt::format(
                 "SELECT rule || '|' || action || '|' || records || '|' || batches FROM "
                 "retention_run_rules WHERE run_id = {} ORDER BY rule",
                 id))) {
            out.push_back(row[0]);
        }
        return out;
    }

    /// Drops this test's database and starts again on a fresh one (as SetUp does), on kThen.
    void fresh_database() {
        database_.reset();
        TestServer::get().drop_database(name_);
        name_ = TestServer::get().create_database();
        url_ = TestServer::get().url(name_);
        database_ = pg::open_database({.url = url_, .pool_size = 8});
        clock_.set_today(kThen);
    }

    /// A register with work for every rule and both passes of inactive_patrons: a patron with a
    /// record of every class from seven years ago, a ward under 15 and their guardian, an
    /// organisation and its responsible person, all inactive, and five old closed holds of an
    /// active patron. Built from kThen; the clock is on kNow afterwards.
    void build_register() {
        clock_.set_today(kThen);
        populate(2);
        clock_.set_today(kNow);
        const PatronId guardian = add_adult(3);
        const PatronId ward = add_ward(born_years_ago(10), 4, guardian);
        const PatronId person = add_adult(5);
        const PatronId organisation = add_organisation(6, person);
        for (const PatronId p : {guardian, ward, person, organisation}) make_inactive(p, 400);
        const PatronId active = add_adult(7);
        closed_holds(active, 5);
    }

    /// What a run leaves, to compare runs on identical registers: the snapshot but the audit
    /// log (which records the runs themselves), and patrons without the HETU ciphertext (its
    /// nonce is random).
    [[nodiscard]] TableSnapshot end_state() const {
        TableSnapshot state = without(table_snapshot(), {"audit_log"});
        state["patrons"] = sql_value(
            "SELECT count(*) || ':' || coalesce(md5(string_agg((to_jsonb(p) - "
            "'hetu_ciphertext')::text, ',' ORDER BY p.id)), '') FROM patrons p");
        return state;
    }

    /// Every rule at "1 year", two records per batch: many batches, many points to stop at.
    static RetentionPolicy small_batches() {
        return policy(every_rule("1 year"), "batch_size = 2");
    }
};

TEST_F(RetentionRun, RecordsTheRunWithThePolicyDigestAndWhatEachRuleDid) {
    const PatronId p = add_adult(2);
    closed_holds(p, 3);
    const RetentionPolicy policy = holds_and_fees();

    const auto report = run_ok(policy);

    EXPECT_EQ(report.status, RetentionReport::Status::finished);
    ASSERT_TRUE(report.run_id);
    EXPECT_EQ(report.started_at, clock_.now());
    EXPECT_EQ(runs(), std::vector<std::string>{fmt::format("{}|finished|true", *report.run_id)});
    EXPECT_EQ(sql_value("SELECT encode(policy_sha256, 'hex') FROM retention_runs"),
              hex(policy.digest));
    EXPECT_EQ(sql_value("SELECT (started_at = finished_at)::text FROM retention_runs"), "true")
        << "the fixed clock stands still";
    EXPECT_EQ(run_rules(*report.run_id),
              (std::vector<std::string>{"closed_holds|erase|3|1", "settled_fees|erase|0|1"}));
    ASSERT_EQ(report.rules.size(), 2u);
    EXPECT_EQ(report.rules[0].rule.record, RecordClass::closed_holds);
    EXPECT_EQ(report.rules[0].records, 3);
    EXPECT_EQ(report.rules[1].rule.record, RecordClass::settled_fees);
    EXPECT_EQ(report.rules[1].records, 0);
    // One summary audit entry per rule, with its count.
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'retention.run' AND outcome "
                    "IN ('erase 3', 'erase 0') AND patron_id IS NULL"),
              2);
}

TEST_F(RetentionRun, WorksInBatchesOfBatchSizeAndReportsProgress) {
    const PatronId p = add_adult(2);
    closed_holds(p, 5);
    std::vector<std::string> progress;
    RetentionControl control;
    control.on_progress = [&](const RetentionProgress& at) {
        progress.push_back(
            fmt::format("{} {} {}/{}", at.rule_index, info(at.record).name, at.done, at.expected));
    };

    const auto report = run_ok(holds_and_fees(2), control);

    // 2 + 2 + 1: the third batch finds fewer than asked, so the rule is done.
    EXPECT_EQ(outcome(report, RecordClass::closed_holds).batches, 3);
    EXPECT_EQ(outcome(report, RecordClass::settled_fees).batches, 1);
    EXPECT_EQ(run_rules(*report.run_id),
              (std::vector<std::string>{"closed_holds|erase|5|3", "settled_fees|erase|0|1"}));
    EXPECT_EQ(progress, (std::vector<std::string>{"0 closed_holds 0/5", "0 closed_holds 2/5",
                                                  "0 closed_holds 4/5", "0 closed_holds 5/5",
                                                  "1 settled_fees 0/0", "1 settled_fees 0/0"}));
    EXPECT_EQ(rows("holds"), 0);
}

TEST_F(RetentionRun, StopsBetweenBatchesOnRequestAndARerunFinishesTheRest) {
    const PatronId p = add_adult(2);
    closed_holds(p, 5);
    const Fee fee = charge(p, 100);
    ASSERT_TRUE(Succeeded(circulation().pay_fee(staff(), fee.id)));
    age("fees", "paid_at", fee.id.value, days{400});
    int batches = 0;
    RetentionControl control;
    control.on_progress = [&](const RetentionProgress& at) {
        if (at.done > 0) ++batches;
    };
    control.stop_requested = [&] { return batches >= 1; };

    const auto stopped = run_ok(holds_and_fees(2), control);

    EXPECT_EQ(stopped.status, RetentionReport::Status::interrupted);
    ASSERT_EQ(stopped.rules.size(), 1u) << "the fees' rule did not start";
    EXPECT_EQ(stopped.rules[0].records, 2);
    EXPECT_EQ(rows("holds"), 3);
    EXPECT_EQ(rows("fees"), 1);
    EXPECT_EQ(runs(),
              std::vector<std::string>{fmt::format("{}|interrupted|true", *stopped.run_id)});
    EXPECT_EQ(run_rules(*stopped.run_id), std::vector<std::string>{"closed_holds|erase|2|1"});

    const auto rerun = run_ok(holds_and_fees(2));
    EXPECT_EQ(rerun.status, RetentionReport::Status::finished);
    EXPECT_EQ(records(rerun, RecordClass::closed_holds), 3);
    EXPECT_EQ(records(rerun, RecordClass::settled_fees), 1);
    EXPECT_EQ(rows("holds"), 0);
    EXPECT_EQ(rows("fees"), 0);
}

TEST_F(RetentionRun, StoppedAtAnyPointAndRunAgainEndsAsAnUninterruptedRun) {
    // The reference: one uninterrupted run. The register must end the same however the work
    // was split.
    build_register();
    int points = 0;
    RetentionControl counting;
    counting.stop_requested = [&] {
        ++points;
        return false;
    };
    ASSERT_EQ(run_ok(small_batches(), counting).status, RetentionReport::Status::finished);
    const auto reference = end_state();
    ASSERT_GT(points, 10);

    for (int stop_at = 1; stop_at <= points; ++stop_at) {
        SCOPED_TRACE(fmt::format("stopped at point {} of {}", stop_at, points));
        fresh_database();
        build_register();
        int asked = 0;
        RetentionControl control;
        control.stop_requested = [&] { return ++asked == stop_at; };
        const auto stopped = run_ok(small_batches(), control);
        EXPECT_EQ(stopped.status, RetentionReport::Status::interrupted);
        EXPECT_EQ(run_ok(small_batches()).status, RetentionReport::Status::finished);
        EXPECT_EQ(end_state(), reference);
    }
}

TEST_F(RetentionRun, AStaleRunningRunIsMarkedAbandonedByTheNext) {
    const auto insert_running = [&](minutes heartbeat) {
        sql(
            fmt::format("INSERT INTO retention_runs (started_at, heartbeat_at, policy_sha256) "
                        "VALUES ({}, {}, decode(repeat('00', 32), 'hex'))",
                        ago(heartbeat + minutes{30}), ago(heartbeat)));
    };
    insert_running(minutes{16});  // killed: no heartbeat for longer than 15 minutes
    insert_running(minutes{14});  // perhaps still at work on another host

    const auto report = run_ok(holds_and_fees());

    EXPECT_EQ(runs(), (std::vector<std::string>{"1|abandoned|false", "2|running|false",
                                                fmt::format("{}|finished|true", *report.run_id)}));
}

TEST_F(RetentionRun, ASecondRunFindsNothingToDo) {
    build_register();
    const auto first = run_ok(small_batches());
    for (const auto& rule : first.rules) {
        if (rule.rule.record != RecordClass::audit_entries) {
            EXPECT_GT(rule.records, 0) << info(rule.rule.record).name;
        }
    }
    const auto before = without(table_snapshot(), {"audit_log"});

    const auto second = run_ok(small_batches());

    EXPECT_EQ(second.status, RetentionReport::Status::finished);
    ASSERT_EQ(second.rules.size(), record_classes().size());
    for (const auto& rule : second.rules) {
        EXPECT_EQ(rule.records, 0) << info(rule.rule.record).name;
    }
    EXPECT_EQ(without(table_snapshot(), {"audit_log"}), before);
}

TEST_F(RetentionRun, TwoRunsAtOnceShareTheWorkNeverDoingAnythingTwice) {
    const PatronId active = add_adult(2);
    closed_holds(active, 30);
    std::vector<PatronId> inactive;
    for (int n = 10; n < 20; ++n) inactive.push_back(add_adult(n));
    for (int n = 20; n < 22; ++n) inactive.push_back(add_ward(born_years_ago(10), n, inactive[0]));
    inactive.push_back(add_organisation(22, inactive[1]));
    for (const PatronId p : inactive) make_inactive(p, 400);
    const RetentionPolicy p = policy(every_rule("1 year"), "batch_size = 3");

    std::latch start(2);
    const auto each = [&] {
        start.arrive_and_wait();
        return Retention(context(), p).run(job());
    };
    auto one = std::async(std::launch::async, each);
    auto two = std::async(std::launch::async, each);
    ASSERT_EQ(one.wait_for(std::chrono::seconds{120}), std::future_status::ready);
    ASSERT_EQ(two.wait_for(std::chrono::seconds{120}), std::future_status::ready);
    const auto a = one.get();
    const auto b = two.get();

    ASSERT_TRUE(Succeeded(a));
    ASSERT_TRUE(Succeeded(b));
    EXPECT_EQ(a->status, RetentionReport::Status::finished);
    EXPECT_EQ(b->status, RetentionReport::Status::finished);
    EXPECT_EQ(records(*a, RecordClass::closed_holds) + records(*b, RecordClass::closed_holds), 30);
    EXPECT_EQ(
        records(*a, RecordClass::inactive_patrons) + records(*b, RecordClass::inactive_patrons),
        static_cast<std::int64_t>(inactive.size()));
    EXPECT_EQ(rows("holds"), 0);
    EXPECT_EQ(patron_count(), 1);
    // One erasure entry per patron: none was erased twice.
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE outcome = 'erased'"),
              static_cast<long>(inactive.size()));
    EXPECT_EQ(count("SELECT count(DISTINCT patron_id) FROM audit_log WHERE outcome = 'erased'"),
              static_cast<long>(inactive.size()));
}

TEST_F(RetentionRun, AHoldRowAnotherTransactionLocksIsSkippedAndPurgedByTheNextRun) {
    const PatronId p = add_adult(2);
    const auto ids = closed_holds(p, 3);
    Locker locker(url_, fmt::format("SELECT id FROM holds WHERE id = {} FOR UPDATE", ids[1]));

    auto running = std::async(std::launch::async, [&] { return run(holds_and_fees()); });
    const bool in_time = running.wait_for(kDeadline) == std::future_status::ready;
    if (!in_time) locker.release();
    const auto first = running.get();
    ASSERT_TRUE(in_time) << "the run waited for the locked row";
    ASSERT_TRUE(Succeeded(first));
    EXPECT_EQ(records(*first, RecordClass::closed_holds), 2);
    EXPECT_TRUE(row_exists("holds", ids[1]));

    locker.release();
    EXPECT_EQ(records(run_ok(holds_and_fees()), RecordClass::closed_holds), 1);
    EXPECT_EQ(rows("holds"), 0);
}

TEST_F(RetentionRun, APatronRowAnotherTransactionLocksIsSkippedAndErasedByTheNextRun) {
    const PatronId locked = add_adult(2);
    const PatronId free = add_adult(3);
    make_inactive(locked, 400);
    make_inactive(free, 400);
    const RetentionPolicy p = policy(rule(RecordClass::inactive_patrons, "1 year"));
    Locker locker(url_,
                  fmt::format("SELECT id FROM patrons WHERE id = {} FOR UPDATE", locked.value));

    auto running = std::async(std::launch::async, [&] { return run(p); });
    const bool in_time = running.wait_for(kDeadline) == std::future_status::ready;
    if (!in_time) locker.release();
    const auto first = running.get();
    ASSERT_TRUE(in_time) << "the run waited for the locked patron";
    ASSERT_TRUE(Succeeded(first));
    EXPECT_EQ(records(*first, RecordClass::inactive_patrons), 1);
    EXPECT_TRUE(exists(locked));
    EXPECT_FALSE(exists(free));

    locker.release();
    EXPECT_EQ(records(run_ok(p), RecordClass::inactive_patrons), 1);
    EXPECT_FALSE(exists(locked));
}

// The erase waits at most lock_timeout for such a row, then skips that patron until the next
// run, so the batch never holds its own locks for long.
TEST_F(RetentionRun, ErasingAPatronWhoseLinkedRowAnotherTransactionLocksDoesNotWait) {
    // Staff have a closed hold of an inactive patron open for editing; erasing the patron would
    // delete that row too.
    const PatronId locked = add_adult(2);
    const auto ids = closed_holds(locked, 1);
    make_inactive(locked, 400);
    const RetentionPolicy p = policy(rule(RecordClass::inactive_patrons, "1 year"));
    Locker locker(url_, fmt::format("SELECT id FROM holds WHERE id = {} FOR UPDATE", ids[0]));

    auto running = std::async(std::launch::async, [&] { return run(p); });
    const bool in_time = running.wait_for(kDeadline) == std::future_status::ready;
    if (!in_time) locker.release();
    const auto first = running.get();
    EXPECT_TRUE(in_time) << "the run waited for a row of the patron another transaction holds";
    ASSERT_TRUE(Succeeded(first));

    locker.release();
    run_ok(p);
    EXPECT_FALSE(exists(locked));
}

}  // namespace
}  // namespace patron::test
