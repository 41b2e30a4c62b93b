#pragma once
// Shared fixture of the PIN and kiosk database tests: patrons with PINs, a kiosk caller, fast
// Argon2 parameters, raw-SQL views of the lockout state, and the borrowing state that has no
// library operation yet (loan bans, fees, restriction of processing) set up with SQL.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>
#include <vector>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"
#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/pin/pin_service.hpp"

namespace patron {

// Readable names in gtest's messages instead of enum numbers.
inline void PrintTo(VerifyOutcome outcome, std::ostream* os) { *os << to_string(outcome); }
inline void PrintTo(BorrowBlock block, std::ostream* os) { *os << to_string(block); }

}  // namespace patron

namespace patron::test {

/// Argon2id cheap enough for tests that hash many times (the policy and lockout are the same).
inline constexpr Argon2Params kFastArgon2{.memory_kib = 64, .iterations = 1, .parallelism = 1};
inline constexpr PinSettings kFastPins{.hashing = kFastArgon2, .policy = {}, .lockout = {}};

/// The PHC prefix of a hash made with kFastArgon2.
inline constexpr std::string_view kFastPhcPrefix = "$argon2id$v=19$m=64,t=1,p=1$";

/// PINs of the tests (not personal data). Eight digits, so that none of them turns up by chance
/// in a database dump or a hash.
inline constexpr std::string_view kPin = "58203917";
inline constexpr std::string_view kOtherPin = "61740285";
inline constexpr std::string_view kWrongPin = "93025816";

/// A self-checkout kiosk as the caller.
inline Caller kiosk_caller(std::string id = "kiosk-7") {
    return Caller{std::move(id), Role::kiosk, "self-checkout", std::nullopt};
}

/// Blocks as a sorted list, to compare without depending on their order.
inline std::vector<BorrowBlock> sorted(std::vector<BorrowBlock> blocks) {
    std::sort(blocks.begin(), blocks.end());
    return blocks;
}

/// A store::Database that holds every thread's second transaction until `parties` threads have
/// committed their first. A kiosk verification reads in its first transaction and records in its
/// second, so this makes every attempt read the card's state before any attempt records: the
/// worst case for lost updates, reached on purpose instead of by chance. A thread waiting here
/// holds no connection, so the barrier cannot starve the pool.
class BarrierDatabase final : public store::Database {
public:
    BarrierDatabase(store::Database& inner, int parties) : inner_(inner), parties_(parties) {}

    std::unique_ptr<store::Transaction> begin(store::Atomicity atomicity) override {
        bool first = false;
        {
            std::unique_lock lock(mutex_);
            first = ++begun_by_[std::this_thread::get_id()] == 1;
            if (!first) {
                // Bounded, so a broken verification fails the test instead of hanging it.
                released_.wait_for(lock, std::chrono::seconds(120),
                                   [&] { return first_committed_ >= parties_; });
            }
        }
        auto inner = inner_.begin(atomicity);
        if (!first) return inner;
        return std::make_unique<Counted>(std::move(inner), *this);
    }
    store::PoolUse pool_use() const override { return inner_.pool_use(); }
    void ping() override { inner_.ping(); }

private:
    // The first transaction of a thread: its commit counts towards the barrier.
    class Counted final : public store::Transaction {
    public:
        Counted(std::unique_ptr<store::Transaction> inner, BarrierDatabase& owner)
            : inner_(std::move(inner)), owner_(owner) {}
        store::PatronRepository& patrons() override { return inner_->patrons(); }
        store::AuditRepository& audit() override { return inner_->audit(); }
        store::PinRepository& pins() override { return inner_->pins(); }
        store::CirculationRepository& circulation() override { return inner_->circulation(); }
        store::MessageRepository& messages() override { return inner_->messages(); }
        store::LoanHistoryRepository& loan_history() override { return inner_->loan_history(); }
        store::ClientRepository& clients() override { return inner_->clients(); }
        store::RetentionRepository& retention() override { return inner_->retention(); }
        void commit() override {
            inner_->commit();
            const std::lock_guard lock(owner_.mutex_);
            ++owner_.first_committed_;
            owner_.released_.notify_all();
        }

    private:
        std::unique_ptr<store::Transaction> inner_;
        BarrierDatabase& owner_;
    };

    store::Database& inner_;
    const int parties_;
    std::mutex mutex_;
    std::condition_variable released_;
    std::map<std::thread::id, int> begun_by_;
    int first_committed_ = 0;
};

class PinDbTest : public RegisterDbTest {
protected:
    /// Registers an adult (n as in add_person) and has circulation staff set `pin`.
    PatronId add_adult_with_pin(int n, std::string_view pin = kPin) {
        const PatronId id = add_adult(n);
        set_pin(id, pin);
        return id;
    }

    void set_pin(PatronId id, std::string_view pin, const PinSettings& settings = kFastPins) {
        PinService pins(context(), settings);
        EXPECT_TRUE(Succeeded(pins.set_pin(staff(), id, pin)));
    }

    /// One verification through a verifier with these settings on this test's context.
    KioskAnswer verify(const std::string& card, std::string_view pin,
                       const KioskProfile& profile = {}, const Caller& kiosk = kiosk_caller(),
                       const PinSettings& pins = kFastPins, const KioskSettings& kiosks = {},
                       const CirculationSettings& circulation = {}) {
        KioskVerifier verifier(context(), pins, kiosks, circulation);
        auto answer = verifier.verify(kiosk, card, pin, profile);
        EXPECT_TRUE(Succeeded(answer));
        return answer.value_or(KioskAnswer{});
    }

    [[nodiscard]] int failed_attempts(PatronId id) const {
        return std::stoi(sql_value(
            fmt::format("SELECT failed_attempts FROM patron_pins WHERE patron_id = {}", id.value)));
    }

    /// locked_until in whole seconds since the epoch; empty when not locked.
    [[nodiscard]] std::optional<long> locked_until(PatronId id) const {
        const std::string value = sql_value(
            fmt::format("SELECT extract(epoch FROM locked_until)::bigint FROM patron_pins "
                        "WHERE patron_id = {}",
                        id.value));
        if (value == "<null>") return std::nullopt;
        return std::stol(value);
    }

    [[nodiscard]] static long epoch_seconds(TimePoint at) {
        return static_cast<long>(
            std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
    }

    /// The stored PHC string (a hash, not personal data).
    [[nodiscard]] std::string stored_hash(PatronId id) const {
        return sql_value(
            fmt::format("SELECT pin_hash FROM patron_pins WHERE patron_id = {}", id.value));
    }

    /// The algorithm, version and parameters of a PHC string ("$argon2id$v=19$m=64,t=1,p=1$"),
    /// without salt and tag, so a failure message shows no more than that.
    [[nodiscard]] static std::string phc_parameters(const std::string& phc) {
        std::size_t end = 0;
        for (int i = 0; i < 3 && end != std::string::npos; ++i) end = phc.find('$', end + 1);
        return end == std::string::npos ? "(not a PHC string)" : phc.substr(0, end + 1);
    }

    [[nodiscard]] std::string stored_pepper(PatronId id) const {
        return sql_value(
            fmt::format("SELECT pepper_id FROM patron_pins WHERE patron_id = {}", id.value));
    }

    [[nodiscard]] long pin_rows() const { return count("SELECT count(*) FROM patron_pins"); }

    /// Every row of patron_pins as text, to show that a call wrote nothing there.
    [[nodiscard]] std::string pins_fingerprint() const {
        return sql_value(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(p::text, '|' ORDER BY "
            "p.patron_id)), '') FROM patron_pins p");
    }

    [[nodiscard]] std::optional<std::string> last_card_activity(PatronId id) const {
        const std::string value = sql_value(fmt::format(
            "SELECT to_char(last_card_activity, 'YYYY-MM-DD') FROM patrons WHERE id = {}",
            id.value));
        if (value == "<null>") return std::nullopt;
        return value;
    }

    /// kiosk.verify entries after `after_id` as "actor|role|patron_id|outcome|fields", by id.
    [[nodiscard]] std::vector<std::string> kiosk_audit_after(long after_id) const {
        std::vector<std::string> out;
        for (const auto& row : sql(fmt::format(
                 "SELECT actor || '|' || role || '|' || coalesce(patron_id::text, 'null') || '|' "
                 "|| coalesce(outcome, 'null') || '|' || fields::text || '|' || purpose "
                 "FROM audit_log WHERE id > {} AND action = 'kiosk.verify' ORDER BY id",
                 after_id))) {
            out.push_back(row[0]);
        }
        return out;
    }

    static std::string kiosk_line(std::string_view outcome, std::optional<PatronId> patron,
                                  std::string_view kiosk = "kiosk-7") {
        return fmt::format("{}|kiosk|{}|{}|{{}}|self-checkout", kiosk,
                           patron ? std::to_string(patron->value) : "null", outcome);
    }

    // Borrowing state without a library operation yet: the circulation issue adds loan bans and
    // fees, the subject-rights issue restriction of processing. Until then tests write the rows.

    /// A loan ban from `starts` to `ends` (open-ended when empty), lifted when `lifted`.
    void add_loan_ban(PatronId id, Date starts, std::optional<Date> ends = std::nullopt,
                      bool lifted = false) {
        sql(fmt::format(
            "INSERT INTO loan_bans (patron_id, reason, starts_on, ends_on, set_at, set_by, "
            "lifted_at, lifted_by) VALUES ({}, 'test', '{}', {}, now(), 'staff-1', {}, {})",
            id.value, to_iso(starts), ends ? fmt::format("'{}'", to_iso(*ends)) : "NULL",
            lifted ? "now()" : "NULL", lifted ? "'staff-1'" : "NULL"));
    }

    enum class FeeState { unpaid, paid, cancelled };
    void add_fee(PatronId id, long cents, FeeState state = FeeState::unpaid) {
        const auto stamp = [&](FeeState s) {
            return state == s ? "now(), 'staff-1'" : "NULL, NULL";
        };
        sql(fmt::format(
            "INSERT INTO fees (patron_id, kind, amount_cents, created_at, created_by, paid_at, "
            "paid_by, cancelled_at, cancelled_by) VALUES ({}, 'overdue', {}, now(), 'staff-1', "
            "{}, {})",
            id.value, cents, stamp(FeeState::paid), stamp(FeeState::cancelled)));
    }

    void restrict_processing(PatronId id) {
        sql(fmt::format("UPDATE patrons SET processing_restricted_at = now() WHERE id = {}",
                        id.value));
    }

    [[nodiscard]] Date days_from_today(int days) const {
        return Date{std::chrono::sys_days{clock_.today()} + std::chrono::days{days}};
    }
};

}  // namespace patron::test
