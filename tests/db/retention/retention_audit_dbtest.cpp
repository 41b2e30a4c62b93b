// Purging the audit log: entries past their period are cut as a prefix of sealed entries (the
// run seals first), in batches, and AuditLog::verify() still finds the chain intact from the new
// start. The database refuses any other deletion and any move of the chain start but forward up
// to the head; tampering after a purge is still detected. An anchor recorded before the purge
// that falls in the purged part can no longer be checked: verify() reports the chain intact and
// start_seal_no past the anchor, which is how a caller sees that the anchor is gone.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "db/retention/retention_fixture.hpp"
#include "patron/audit/audit_log.hpp"

namespace patron::test {
namespace {

class RetentionAudit : public RetentionDbTest {
protected:
    /// The audit rule of the sample policy ("5 years"), `batch` entries per batch.
    static RetentionPolicy audit_policy(int batch = 1000) {
        return policy(rule(RecordClass::audit_entries, "5 years"),
                      fmt::format("batch_size = {}", batch));
    }

    /// `n` audit entries stamped with the clock's now: staff look up one patron n times.
    void entries(int n) {
        if (!patron_) {
            patron_ = add_adult(2);  // registering writes the first
            --n;
        }
        Register reg(context());
        for (int i = 0; i < n; ++i) ASSERT_TRUE(Succeeded(reg.find_by_card(staff(), card_for(2))));
    }

    AuditVerification verify(const std::optional<AuditAnchor>& anchor = std::nullopt) {
        return AuditLog(*database_).verify(anchor);
    }

    /// The sealed entry at `seal_no`.
    AuditRecord sealed(std::int64_t seal_no) {
        auto tx = database_->begin();
        auto records = tx->audit().sealed_after(seal_no - 1, 1);
        if (records.size() != 1 || records[0].seal_no != seal_no) {
            ADD_FAILURE() << "no sealed entry " << seal_no;
            return AuditRecord{};
        }
        return records[0];
    }

    /// The chain start as "seal_no|hash in hex".
    [[nodiscard]] std::string chain_start() const {
        return sql_value("SELECT seal_no || '|' || encode(hash, 'hex') FROM audit_chain_start");
    }

    /// Whether the database refuses `statement` with the audit log's triggers.
    bool refused(const std::string& statement) const {
        try {
            sql(statement);
        } catch (const pqxx::insufficient_privilege& e) {
            const std::string what = e.what();
            return what.find("audit_log is append-only") != std::string::npos ||
                   what.find("audit_chain_start only moves forward") != std::string::npos;
        }
        return false;
    }

    /// What an intruder with superuser access does: triggers off, change, triggers on.
    void tamper(const std::string& statement) const {
        sql("ALTER TABLE audit_log DISABLE TRIGGER USER; "
            "ALTER TABLE audit_chain_start DISABLE TRIGGER USER; " +
            statement +
            "; ALTER TABLE audit_log ENABLE TRIGGER USER; "
            "ALTER TABLE audit_chain_start ENABLE TRIGGER USER");
    }

    /// Five entries seven years ago and three now, then a run of the audit rule: the first five
    /// are cut. Returns the run's report.
    RetentionReport purged_five(int batch = 1000) {
        clock_.set_today(kThen);
        entries(5);
        clock_.set_today(kNow);
        entries(3);
        return run_ok(audit_policy(batch));
    }

    std::optional<PatronId> patron_;
};

TEST_F(RetentionAudit, CutsEntriesPastThePeriodAsASealedPrefixAndTheChainStillVerifies) {
    clock_.set_today(kThen);
    entries(5);
    clock_.set_today(kNow);
    entries(3);

    const auto report = run_ok(audit_policy());

    EXPECT_EQ(records(report, RecordClass::audit_entries), 5);
    // The run sealed all eight, cut the first five and recorded its own summary (unsealed).
    EXPECT_EQ(rows_where("audit_log", "seal_no IS NOT NULL"), 3);
    EXPECT_EQ(sql_value("SELECT min(seal_no) FROM audit_log"), "6");
    EXPECT_EQ(rows_where("audit_log", "at < '2021-11-24'"), 0) << "five years before now";
    const AuditRecord first_kept = sealed(6);
    EXPECT_EQ(chain_start(), "5|" + hex(first_kept.prev_hash));
    const auto verified = verify();
    EXPECT_TRUE(verified.intact) << verified.problem;
    EXPECT_EQ(verified.start_seal_no, 5);
    EXPECT_EQ(verified.head_seal_no, 8);
    EXPECT_EQ(verified.sealed_checked, 3);
    EXPECT_EQ(verified.unsealed, 1);
}

TEST_F(RetentionAudit, CutsInBatchesEachMovingTheStartForward) {
    const auto report = purged_five(2);

    EXPECT_EQ(records(report, RecordClass::audit_entries), 5);
    EXPECT_EQ(outcome(report, RecordClass::audit_entries).batches, 3);
    const auto verified = verify();
    EXPECT_TRUE(verified.intact) << verified.problem;
    EXPECT_EQ(verified.start_seal_no, 5);
    // Nothing more is due: the next run cuts nothing.
    EXPECT_EQ(records(run_ok(audit_policy()), RecordClass::audit_entries), 0);
    EXPECT_EQ(verify().start_seal_no, 5);
}

TEST_F(RetentionAudit, OnlyAPrefixIsCutAnOldEntryAfterANewOneStays) {
    clock_.set_today(kThen);
    entries(1);  // seal 1: old
    clock_.set_today(kNow);
    entries(1);  // seal 2: new
    clock_.set_today(kThen);
    entries(1);  // seal 3: old, but after a new one
    clock_.set_today(kNow);

    const auto report = run_ok(audit_policy());

    EXPECT_EQ(records(report, RecordClass::audit_entries), 1);
    EXPECT_EQ(sql_value("SELECT string_agg(seal_no::text, ',' ORDER BY seal_no) FROM audit_log "
                        "WHERE seal_no IS NOT NULL"),
              "2,3");
    EXPECT_TRUE(verify().intact);
}

TEST_F(RetentionAudit, TheDatabaseRefusesDeletingAnyEntryOutsideThePurgedPrefix) {
    purged_five();
    const std::string before = sql_value(
        "SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY id)) "
        "FROM audit_log a");

    EXPECT_TRUE(refused("DELETE FROM audit_log WHERE seal_no = 6"));
    EXPECT_TRUE(refused("DELETE FROM audit_log WHERE seal_no = 8"));
    EXPECT_TRUE(refused("DELETE FROM audit_log WHERE seal_no IS NULL"));
    EXPECT_TRUE(refused("UPDATE audit_log SET purpose = 'other' WHERE seal_no = 6"));
    EXPECT_TRUE(refused("TRUNCATE audit_log"));
    EXPECT_EQ(sql_value("SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY id)) "
                        "FROM audit_log a"),
              before);
}

TEST_F(RetentionAudit, TheChainStartOnlyMovesForwardAndNeverPastTheHead) {
    purged_five();
    const std::string start = chain_start();

    EXPECT_TRUE(refused("UPDATE audit_chain_start SET seal_no = 4"));
    EXPECT_TRUE(refused("UPDATE audit_chain_start SET seal_no = 0"));
    EXPECT_TRUE(refused("UPDATE audit_chain_start SET seal_no = 5, hash = '\\x00'"));
    EXPECT_TRUE(refused("UPDATE audit_chain_start SET seal_no = 9"));
    EXPECT_TRUE(refused("DELETE FROM audit_chain_start"));
    EXPECT_TRUE(refused("TRUNCATE audit_chain_start"));
    EXPECT_EQ(chain_start(), start);
}

TEST_F(RetentionAudit, TamperingAfterAPurgeIsStillDetected) {
    purged_five();
    ASSERT_TRUE(verify().intact);

    // Moving the start forward without the entries' hash breaks the link of the next entry.
    sql("UPDATE audit_chain_start SET seal_no = 6");
    const auto moved = verify();
    EXPECT_FALSE(moved.intact);
    EXPECT_EQ(moved.broken_at, 7);
    EXPECT_EQ(moved.problem, "entry does not link to the previous entry");

    tamper("UPDATE audit_chain_start SET seal_no = 5, hash = decode(repeat('00', 32), 'hex')");
    const auto rehashed = verify();
    EXPECT_FALSE(rehashed.intact);
    EXPECT_EQ(rehashed.broken_at, 6);
}

TEST_F(RetentionAudit, AnEditedEntryAfterAPurgeBreaksTheChain) {
    purged_five();
    tamper("UPDATE audit_log SET purpose = 'other' WHERE seal_no = 7");
    const auto verified = verify();
    EXPECT_FALSE(verified.intact);
    EXPECT_EQ(verified.broken_at, 7);
    EXPECT_EQ(verified.problem, "entry was altered after sealing");
}

TEST_F(RetentionAudit, AnAnchorInThePurgedPartCanNoLongerBeChecked) {
    clock_.set_today(kThen);
    entries(5);
    clock_.set_today(kNow);
    entries(3);
    AuditLog(*database_).seal();
    const AuditAnchor purged_anchor{3, sealed(3).hash};
    const AuditAnchor start_anchor{5, sealed(5).hash};
    const AuditAnchor kept_anchor{7, sealed(7).hash};
    ASSERT_TRUE(verify(purged_anchor).intact);

    run_ok(audit_policy());

    // Entry 3 is gone: verify() cannot compare it and says so only through start_seal_no.
    const auto past = verify(purged_anchor);
    EXPECT_TRUE(past.intact) << past.problem;
    EXPECT_GT(past.start_seal_no, purged_anchor.seal_no);
    const auto forged = verify(AuditAnchor{3, std::string(32, 'x')});
    EXPECT_TRUE(forged.intact) << "an anchor before the start is not checked";
    // The start keeps the hash of the last purged entry: an anchor there is still checked.
    EXPECT_TRUE(verify(start_anchor).intact);
    const auto wrong_start = verify(AuditAnchor{5, std::string(32, 'x')});
    EXPECT_FALSE(wrong_start.intact);
    EXPECT_EQ(wrong_start.broken_at, 5);
    // After the start, anchors are checked as before.
    EXPECT_TRUE(verify(kept_anchor).intact);
    const auto wrong_kept = verify(AuditAnchor{7, std::string(32, 'x')});
    EXPECT_FALSE(wrong_kept.intact);
    EXPECT_EQ(wrong_kept.broken_at, 7);
}

}  // namespace
}  // namespace patron::test
