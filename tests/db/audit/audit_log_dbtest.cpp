#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <latch>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "audit/chain.hpp"
#include "patron/audit/audit_log.hpp"
#include "patron/exception.hpp"
#include "patron/register/register.hpp"
#include "support/test_cluster.hpp"
#include "support/test_data.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

// Every column of the log, hashes in hex, in id order: the whole stored state of the log.
constexpr const char* kWholeLog = R"(
SELECT id, at, actor, role, action, patron_id, purpose, fields, seal_no,
       encode(prev_hash, 'hex'), encode(hash, 'hex')
FROM audit_log ORDER BY id)";

std::string hex(const std::string& bytes) {
    std::string out;
    for (const char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
    return out;
}

// The outcome of running work on another thread with a deadline.
struct Timed {
    bool in_time = false;
    std::exception_ptr error;
};

class AuditLogTest : public DbTest {
protected:
    Date birth{year{1975} / 3 / 9};

    // Registers a patron (one audit entry) with card CARD<n>.
    PatronId add_patron(Register& reg, int n) {
        const auto id = reg.register_patron(
            staff(), person_form(fmt::format("CARD{:04}", n), hetu_for(birth, 100 + n)));
        EXPECT_TRUE(id.has_value());
        return id.value_or(PatronId{});
    }

    // One patron and `reads` lookups of it: 1 + reads audit entries, committed and unsealed.
    std::int64_t make_entries(int reads) {
        Register reg(context());
        add_patron(reg, 1);
        for (int i = 0; i < reads; ++i) EXPECT_TRUE(reg.find_by_card(staff(), "CARD0001"));
        return 1 + reads;
    }

    std::int64_t count(const std::string& where = "true") const {
        return std::stoll(sql_value("SELECT count(*) FROM audit_log WHERE " + where));
    }

    // What an intruder with superuser access does: switch the append-only and forward-only
    // triggers off, change the log, switch them back on.
    void tamper(const std::string& statement) const {
        sql("ALTER TABLE audit_log DISABLE TRIGGER USER; "
            "ALTER TABLE audit_chain_head DISABLE TRIGGER USER; " +
            statement +
            "; ALTER TABLE audit_log ENABLE TRIGGER USER; "
            "ALTER TABLE audit_chain_head ENABLE TRIGGER USER");
    }

    // How `statement` ends: "refused" when the append-only trigger rejects it. (libpqxx 6.4 leaves
    // sqlstate() empty on its specific exception classes, so the class and message tell.)
    std::string outcome_of(const std::string& statement) const {
        try {
            sql(statement);
        } catch (const pqxx::insufficient_privilege& e) {
            const std::string what = e.what();
            return what.find("audit_log is append-only") != std::string::npos ||
                           what.find("audit_chain_head only moves forward") != std::string::npos
                       ? "refused"
                       : "insufficient privilege";
        } catch (const pqxx::sql_error&) {
            return "failed";
        }
        return "done";
    }

    AuditRecord sealed_record(std::int64_t seal_no) {
        auto tx = database_->begin();
        auto records = tx->audit().sealed_after(seal_no - 1, 1);
        if (records.size() != 1 || records[0].seal_no != seal_no) {
            throw std::runtime_error("no such sealed entry");
        }
        return records[0];
    }

    // Runs `work` on its own thread. If it is not done within `limit`, every other connection to
    // this test's database is terminated so the work fails and the thread can be joined.
    Timed run_with_deadline(std::function<void()> work, std::chrono::seconds limit) {
        std::promise<void> done;
        auto finished = done.get_future();
        std::thread worker([&] {
            try {
                work();
                done.set_value();
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        Timed result;
        result.in_time = finished.wait_for(limit) == std::future_status::ready;
        if (!result.in_time) {
            sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()");
        }
        worker.join();
        try {
            finished.get();
        } catch (...) {
            result.error = std::current_exception();
        }
        return result;
    }

    // Five sealed entries and an intact chain; returns the verification.
    AuditVerification sealed_five() {
        EXPECT_EQ(make_entries(4), 5);
        AuditLog log(*database_);
        EXPECT_EQ(log.seal(), 5);
        const auto before = log.verify();
        EXPECT_TRUE(before.intact) << before.problem;
        EXPECT_EQ(before.sealed_checked, 5);
        return before;
    }
};

TEST_F(AuditLogTest, SealLinksEveryCommittedEntryAndVerifyFindsTheChainIntact) {
    const std::int64_t entries = make_entries(6);
    AuditLog log(*database_);

    const auto unsealed = log.verify();
    EXPECT_TRUE(unsealed.intact);
    EXPECT_EQ(unsealed.sealed_checked, 0);
    EXPECT_EQ(unsealed.unsealed, entries);
    EXPECT_EQ(unsealed.head_seal_no, 0);

    EXPECT_EQ(log.seal(), entries);
    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.sealed_checked, entries);
    EXPECT_EQ(result.unsealed, 0);
    EXPECT_EQ(result.head_seal_no, entries);
    EXPECT_EQ(result.head_hash.size(), 32u);
    EXPECT_FALSE(result.broken_at.has_value());
    EXPECT_EQ(hex(result.head_hash),
              sql_value("SELECT encode(hash, 'hex') FROM audit_log WHERE seal_no = " +
                        std::to_string(entries)));

    EXPECT_EQ(log.seal(), 0);
    EXPECT_EQ(log.verify().head_seal_no, entries);
}

TEST_F(AuditLogTest, SealingContinuesTheChainAfterLaterEntries) {
    const std::int64_t first = make_entries(2);
    AuditLog log(*database_);
    ASSERT_EQ(log.seal(), first);

    Register reg(context());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(reg.find_by_card(staff(), "CARD0001"));
    EXPECT_EQ(log.verify().unsealed, 3);
    EXPECT_EQ(log.seal(), 3);

    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.sealed_checked, first + 3);
    EXPECT_EQ(result.head_seal_no, first + 3);
    EXPECT_EQ(result.unsealed, 0);
}

TEST_F(AuditLogTest, TheDatabaseRefusesToChangeOrDeleteEntries) {
    make_entries(3);
    AuditLog log(*database_);
    ASSERT_EQ(log.seal(), 4);
    Register reg(context());
    ASSERT_TRUE(reg.find_by_card(staff(), "CARD0001"));  // one unsealed entry as well
    const auto before = sql(kWholeLog);
    ASSERT_EQ(before.size(), 5u);

    const std::string refused = "refused";
    EXPECT_EQ(outcome_of("UPDATE audit_log SET actor = 'intruder' WHERE seal_no = 2"), refused);
    EXPECT_EQ(outcome_of("UPDATE audit_log SET purpose = 'other' WHERE seal_no IS NULL"), refused);
    EXPECT_EQ(outcome_of("UPDATE audit_log SET seal_no = 99 WHERE seal_no = 4"), refused);
    EXPECT_EQ(outcome_of("UPDATE audit_log SET hash = prev_hash WHERE seal_no = 4"), refused);
    EXPECT_EQ(outcome_of("DELETE FROM audit_log WHERE seal_no = 3"), refused);
    EXPECT_EQ(outcome_of("DELETE FROM audit_log WHERE seal_no IS NULL"), refused);
    EXPECT_EQ(outcome_of("DELETE FROM audit_log"), refused);
    EXPECT_EQ(outcome_of("TRUNCATE audit_log"), refused);

    EXPECT_EQ(sql(kWholeLog), before);
    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.unsealed, 1);
}

// One field of a sealed middle entry, changed by an intruder who switched the trigger off.
class AuditFieldTamperTest : public AuditLogTest,
                             public ::testing::WithParamInterface<const char*> {};

TEST_P(AuditFieldTamperTest, EditingASealedEntryBreaksTheChainAtThatEntry) {
    ASSERT_TRUE(sealed_five().intact);

    tamper(fmt::format("UPDATE audit_log SET {} WHERE seal_no = 3", GetParam()));
    ASSERT_EQ(count("seal_no = 3"), 1);

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 3);
    EXPECT_NE(result.problem.find("altered"), std::string::npos) << result.problem;
    EXPECT_EQ(result.sealed_checked, 2);
}

INSTANTIATE_TEST_SUITE_P(Fields, AuditFieldTamperTest,
                         ::testing::Values("actor = 'someone-else'", "purpose = 'nothing to see'",
                                           "patron_id = patron_id + 1", "patron_id = NULL",
                                           "fields = '{email}'",
                                           "at = at + interval '1 microsecond'",
                                           "at = at - interval '1 day'", "role = 'admin'",
                                           "action = 'patron.register'"));

TEST_F(AuditLogTest, DeletingAMiddleEntryBreaksTheChainAtTheMissingNumber) {
    ASSERT_TRUE(sealed_five().intact);

    tamper("DELETE FROM audit_log WHERE seal_no = 3");

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 3);
    EXPECT_NE(result.problem.find("missing"), std::string::npos) << result.problem;
}

TEST_F(AuditLogTest, DeletingAMiddleEntryAndRenumberingTheRestIsDetected) {
    ASSERT_TRUE(sealed_five().intact);

    tamper(
        "DELETE FROM audit_log WHERE seal_no = 3; "
        "UPDATE audit_log SET seal_no = 1 - seal_no WHERE seal_no > 3; "
        "UPDATE audit_log SET seal_no = -seal_no WHERE seal_no < 0; "
        "UPDATE audit_chain_head SET seal_no = 4, "
        "hash = (SELECT hash FROM audit_log WHERE seal_no = 4)");

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 3);
}

TEST_F(AuditLogTest, DeletingTheLastEntriesIsDetectedAgainstTheHead) {
    const auto before = sealed_five();
    ASSERT_TRUE(before.intact);

    tamper("DELETE FROM audit_log WHERE seal_no >= 4");

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.head_seal_no, 5);
    EXPECT_EQ(result.broken_at, 4);
    EXPECT_NE(result.problem.find("end"), std::string::npos) << result.problem;
    EXPECT_NE(result.problem.find("missing"), std::string::npos) << result.problem;
}

TEST_F(AuditLogTest, AnEditWithItsOwnHashRecomputedIsDetectedByTheNextLink) {
    ASSERT_TRUE(sealed_five().intact);
    AuditRecord record = sealed_record(3);
    // The intruder knows the (public) hash algorithm: the stored hash is reproducible.
    ASSERT_EQ(audit::entry_hash(record.prev_hash, 3, record.id, record.event), record.hash);

    record.event.actor = "someone-else";
    const std::string forged = audit::entry_hash(record.prev_hash, 3, record.id, record.event);
    ASSERT_NE(forged, record.hash);
    tamper(fmt::format(
        "UPDATE audit_log SET actor = 'someone-else', hash = decode('{}', 'hex') WHERE seal_no = 3",
        hex(forged)));

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 4);
    EXPECT_NE(result.problem.find("link"), std::string::npos) << result.problem;
    EXPECT_EQ(result.sealed_checked, 3);  // the forged entry itself checks out
}

TEST_F(AuditLogTest, AnEditThatKeepsTheNextLinkIsDetectedByItsOwnHash) {
    ASSERT_TRUE(sealed_five().intact);

    // Edited, and its hash set to what the next entry links to: its own hash is then wrong.
    tamper(
        "UPDATE audit_log SET purpose = 'nothing to see', "
        "hash = (SELECT prev_hash FROM audit_log WHERE seal_no = 4) WHERE seal_no = 3");

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 3);
    EXPECT_NE(result.problem.find("altered"), std::string::npos) << result.problem;
}

TEST_F(AuditLogTest, SwappingTwoEntriesIsDetected) {
    ASSERT_TRUE(sealed_five().intact);

    tamper(
        "UPDATE audit_log SET seal_no = -2 WHERE seal_no = 2; "
        "UPDATE audit_log SET seal_no = 2 WHERE seal_no = 4; "
        "UPDATE audit_log SET seal_no = 4 WHERE seal_no = -2");
    ASSERT_EQ(count("seal_no BETWEEN 1 AND 5"), 5);

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 2);
}

TEST_F(AuditLogTest, AlteringTheHeadHashIsDetected) {
    ASSERT_TRUE(sealed_five().intact);

    tamper("UPDATE audit_chain_head SET hash = (SELECT hash FROM audit_log WHERE seal_no = 4)");

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 5);
    EXPECT_NE(result.problem.find("head"), std::string::npos) << result.problem;
}

TEST_F(AuditLogTest, RaisingTheHeadIsDetected) {
    ASSERT_TRUE(sealed_five().intact);

    tamper("UPDATE audit_chain_head SET seal_no = 6");

    const auto result = AuditLog(*database_).verify();
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 6);
}

TEST_F(AuditLogTest, TheDatabaseRefusesToMoveTheHeadBack) {
    ASSERT_TRUE(sealed_five().intact);
    EXPECT_EQ(outcome_of("UPDATE audit_chain_head SET seal_no = 3"), "refused");
    EXPECT_EQ(outcome_of("UPDATE audit_chain_head SET hash = decode(repeat('00', 32), 'hex')"),
              "refused");
    EXPECT_EQ(outcome_of("DELETE FROM audit_chain_head"), "refused");
    EXPECT_EQ(outcome_of("TRUNCATE audit_chain_head"), "refused");
    EXPECT_EQ(sql_value("SELECT seal_no FROM audit_chain_head"), "5");
}

TEST_F(AuditLogTest, CuttingTheTailAndTheHeadTogetherIsDetectedOnlyAgainstTheRecordedHead) {
    const auto anchored = sealed_five();
    ASSERT_TRUE(anchored.intact);

    // A consistent cut: the last two entries and a head moved back to the third.
    tamper(
        "DELETE FROM audit_log WHERE seal_no >= 4; "
        "UPDATE audit_chain_head SET seal_no = 3, "
        "hash = (SELECT hash FROM audit_log WHERE seal_no = 3)");

    // Verify alone cannot tell: this is why the head is recorded outside the database.
    const auto result = AuditLog(*database_).verify();
    EXPECT_TRUE(result.intact);
    EXPECT_EQ(result.head_seal_no, 3);
    EXPECT_NE(result.head_hash, anchored.head_hash);

    // Against the head recorded before, the cut shows.
    const auto anchored_result =
        AuditLog(*database_).verify(AuditAnchor{anchored.head_seal_no, anchored.head_hash});
    EXPECT_FALSE(anchored_result.intact);
    EXPECT_EQ(anchored_result.broken_at, 4);
    EXPECT_NE(anchored_result.problem.find("anchor"), std::string::npos) << anchored_result.problem;
}

TEST_F(AuditLogTest, AnAnchorStillInTheChainVerifies) {
    const auto first = sealed_five();
    ASSERT_TRUE(first.intact);
    Register reg(context());
    ASSERT_TRUE(reg.find_by_card(staff(), "CARD0001"));
    AuditLog log(*database_);
    log.seal();
    const auto later = log.verify(AuditAnchor{first.head_seal_no, first.head_hash});
    EXPECT_TRUE(later.intact) << later.problem;
    EXPECT_GT(later.head_seal_no, first.head_seal_no);
}

TEST_F(AuditLogTest, AnAnchorThatNoLongerMatchesItsEntryIsDetected) {
    const auto first = sealed_five();
    ASSERT_TRUE(first.intact);
    // As if entry 5 had been rewritten, chain and head recomputed, since the anchor was taken.
    AuditAnchor stale{first.head_seal_no, first.head_hash};
    stale.hash[0] = static_cast<char>(stale.hash[0] ^ 1);
    const auto result = AuditLog(*database_).verify(stale);
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 5);
}

// Lowering the head past a deleted entry leaves a sealed entry beyond the head after a gap.
// verify() must report the gap (and must not loop forever, which the deadline guards against).
TEST_F(AuditLogTest, AGapBeforeAnEntryBeyondTheHeadIsDetected) {
    ASSERT_TRUE(sealed_five().intact);

    tamper(
        "DELETE FROM audit_log WHERE seal_no IN (3, 4); "
        "UPDATE audit_chain_head SET seal_no = 4, "
        "hash = decode(repeat('00', 32), 'hex')");

    AuditVerification result;
    const Timed run = run_with_deadline([&] { result = AuditLog(*database_).verify(); },
                                        std::chrono::seconds{10});
    ASSERT_TRUE(run.in_time) << "verify() did not finish";
    ASSERT_FALSE(run.error);
    EXPECT_FALSE(result.intact);
    EXPECT_EQ(result.broken_at, 3);
}

TEST_F(AuditLogTest, ConcurrentReadsAndSealingEndInOneGaplessChain) {
    constexpr int kThreads = 8;
    constexpr int kReadsEach = 50;
    Register reg(context());
    for (int t = 0; t < kThreads; ++t) add_patron(reg, t + 1);

    AuditLog log(*database_);
    std::atomic<int> failures{0};
    std::atomic<bool> reading{true};
    std::atomic<std::int64_t> sealed{0};
    std::atomic<int> seal_rounds{0};
    std::thread sealer([&] {
        try {
            while (reading.load()) {
                sealed += log.seal();
                ++seal_rounds;
            }
        } catch (const std::exception&) {
            ++failures;
        }
    });
    // Verifying while entries are sealed past the head it read must still find the chain intact.
    std::atomic<int> broken_verifications{0};
    std::atomic<int> verifications{0};
    std::thread verifier([&] {
        try {
            while (reading.load()) {
                if (!log.verify().intact) ++broken_verifications;
                ++verifications;
            }
        } catch (const std::exception&) {
            ++failures;
        }
    });
    std::vector<std::thread> readers;
    for (int t = 0; t < kThreads; ++t) {
        readers.emplace_back([&, t] {
            const std::string card = fmt::format("CARD{:04}", t + 1);
            for (int i = 0; i < kReadsEach; ++i) {
                try {
                    if (!reg.find_by_card(staff(), card)) ++failures;
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& reader : readers) reader.join();
    reading = false;
    sealer.join();
    verifier.join();
    ASSERT_EQ(failures.load(), 0);
    EXPECT_GT(seal_rounds.load(), 0);
    EXPECT_GT(verifications.load(), 0);
    EXPECT_EQ(broken_verifications.load(), 0);

    const std::int64_t expected = kThreads + kThreads * kReadsEach;
    sealed += log.seal();
    EXPECT_EQ(sealed.load(), expected);
    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.sealed_checked, expected);
    EXPECT_EQ(result.unsealed, 0);
    EXPECT_EQ(result.head_seal_no, expected);

    const auto numbers =
        sql("SELECT count(*), count(seal_no), count(DISTINCT seal_no), min(seal_no), max(seal_no) "
            "FROM audit_log");
    ASSERT_EQ(numbers.size(), 1u);
    const std::string n = std::to_string(expected);
    EXPECT_EQ(numbers[0], (std::vector<std::string>{n, n, n, "1", n}));
}

TEST_F(AuditLogTest, TwoSealersShareABacklogWithoutSealingAnythingTwice) {
    // More than one sealing batch (1000), so the sealers interleave.
    constexpr int kThreads = 4;
    constexpr int kReadsEach = 300;
    Register reg(context());
    add_patron(reg, 1);
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < kThreads; ++t) {
        readers.emplace_back([&] {
            for (int i = 0; i < kReadsEach; ++i) {
                if (!reg.find_by_card(staff(), "CARD0001")) ++failures;
            }
        });
    }
    for (auto& reader : readers) reader.join();
    ASSERT_EQ(failures.load(), 0);
    const std::int64_t backlog = 1 + kThreads * kReadsEach;
    ASSERT_EQ(count("seal_no IS NULL"), backlog);

    AuditLog log(*database_);
    std::latch start(2);
    std::array<std::int64_t, 2> sealed{0, 0};
    std::array<std::exception_ptr, 2> errors;
    std::vector<std::thread> sealers;
    for (int s = 0; s < 2; ++s) {
        sealers.emplace_back([&, s] {
            start.arrive_and_wait();
            try {
                sealed[s] = log.seal();
            } catch (...) {
                errors[s] = std::current_exception();
            }
        });
    }
    for (auto& sealer : sealers) sealer.join();
    EXPECT_FALSE(errors[0]);
    EXPECT_FALSE(errors[1]);
    EXPECT_EQ(sealed[0] + sealed[1], backlog);

    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.sealed_checked, backlog);
    EXPECT_EQ(result.unsealed, 0);
    EXPECT_EQ(count("seal_no IS NOT NULL"), backlog);
    EXPECT_EQ(sql_value("SELECT count(DISTINCT seal_no) FROM audit_log"), std::to_string(backlog));
}

TEST_F(AuditLogTest, WritersAppendConcurrentlyWithoutWaitingForEachOther) {
    const AuditEvent first{clock_.now(), "staff-1", Role::circulation, "patron.read", PatronId{1},
                           "test",       {}};
    const AuditEvent second{clock_.now(), "staff-2", Role::billing, "patron.update",
                            PatronId{2},  "test",    {"email"}};

    // On one thread: were appends serialised, the second would wait for the first to commit,
    // which waits behind it — a hang the deadline turns into a failure.
    const Timed run = run_with_deadline(
        [&] {
            auto tx1 = database_->begin();
            tx1->audit().append({&first, 1});
            auto tx2 = database_->begin();
            tx2->audit().append({&second, 1});
            tx2->commit();
            tx1->commit();
        },
        std::chrono::seconds{10});
    ASSERT_TRUE(run.in_time) << "appends in two open transactions blocked each other";
    ASSERT_FALSE(run.error);

    AuditLog log(*database_);
    EXPECT_EQ(log.seal(), 2);
    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.sealed_checked, 2);
    EXPECT_EQ(sql("SELECT actor, role, action, patron_id, fields FROM audit_log ORDER BY id"),
              (std::vector<std::vector<std::string>>{
                  {"staff-1", "circulation", "patron.read", "1", "{}"},
                  {"staff-2", "billing", "patron.update", "2", "{email}"}}));
}

TEST_F(AuditLogTest, EntriesWithQuotesAndBracesInTheirTextRoundTripAndSeal) {
    const AuditEvent event{clock_.now(),
                           R"(kiosk "7", {west} \ wing 'ä')",
                           Role::kiosk,
                           "patron.read",
                           PatronId{42},
                           R"(NULL {} "quoted" back\slash)",
                           {"email", R"(a "b" {c} \d)", "NULL", "ö"}};
    {
        auto tx = database_->begin();
        tx->audit().append({&event, 1});
        tx->commit();
    }
    AuditLog log(*database_);
    ASSERT_EQ(log.seal(), 1);
    const auto result = log.verify();
    EXPECT_TRUE(result.intact) << result.problem;
    EXPECT_EQ(result.sealed_checked, 1);

    auto tx = database_->begin();
    const auto stored = tx->audit().sealed_after(0, 10);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_TRUE(stored[0].event == event);
    EXPECT_EQ(stored[0].event.actor, event.actor);
    EXPECT_EQ(stored[0].event.purpose, event.purpose);
    EXPECT_EQ(stored[0].event.fields, event.fields);
}

TEST_F(AuditLogTest, SealedEntriesKeepTheEventsAsAppended) {
    make_entries(1);
    AuditLog log(*database_);
    ASSERT_EQ(log.seal(), 2);
    const AuditRecord first = sealed_record(1);
    const AuditRecord second = sealed_record(2);
    EXPECT_EQ(first.event.action, "patron.register");
    EXPECT_EQ(second.event.action, "patron.read");
    EXPECT_EQ(first.event.at, clock_.now());
    EXPECT_EQ(first.prev_hash, audit::genesis_hash());
    EXPECT_EQ(second.prev_hash, first.hash);
    EXPECT_EQ(second.hash, audit::entry_hash(first.hash, 2, second.id, second.event));
}

}  // namespace
}  // namespace patron::test
