// A consent withdrawn while a return is writing history: the history must not outlive the consent
// whichever commits first. The return's transaction is held open at the point where its history
// row is written but not committed, and the withdrawal runs on another connection meanwhile.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "db/register/register_fixture.hpp"
#include "patron/circulation/loan_history.hpp"

namespace patron::test {
namespace {

class LoanHistoryRaceTest : public RegisterDbTest {
protected:
    // A home-service customer with a consent and a current loan; returns the loan.
    LoanId lend_with_consent(PatronId patron) {
        auto tx = database_->begin();
        EXPECT_TRUE(tx->loan_history().grant(patron, ConsentMethod::written, clock_.now(), "hs-1"));
        const auto item = Item::make("RACE-1", "Title", "book");
        const auto loan =
            tx->circulation().insert_loan(patron, *item, clock_.now(), "desk-1", clock_.today());
        tx->commit();
        return loan.value().id;
    }

    // Waits until some other session of this test's database waits for a lock.
    void await_lock_wait() const {
        for (int i = 0; i < 1000; ++i) {
            if (sql_value(fmt::format("SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' "
                                      "AND wait_event_type = 'Lock'",
                                      name_)) != "0") {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        FAIL() << "the second transaction never waited for the first";
    }

    long history_rows() const { return std::stol(sql_value("SELECT count(*) FROM loan_history")); }
};

TEST_F(LoanHistoryRaceTest, WithdrawalWaitsForAReturnInFlightAndDeletesWhatItWrote) {
    const PatronId patron = add_adult(2);
    const LoanId loan = lend_with_consent(patron);

    auto returning = database_->begin();
    ASSERT_TRUE(returning->circulation().return_loan(loan, clock_.now(), "desk-1"))
        << "the consent was in force: history written";

    LoanHistory history(context());
    auto withdrawal = std::async(std::launch::async, [&] {
        return history.withdraw_consent(Caller{"hs-1", Role::home_service, "consent withdrawn"},
                                        patron);
    });
    await_lock_wait();
    returning->commit();

    const auto deleted = withdrawal.get();
    ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
    EXPECT_EQ(*deleted, 1U) << "the history the return committed was deleted and counted";
    EXPECT_EQ(history_rows(), 0);
    EXPECT_EQ(sql_value("SELECT count(*) FROM loan_history_consents"), "0");
}

TEST_F(LoanHistoryRaceTest, AReturnAfterAWithdrawalInFlightWritesNoHistory) {
    const PatronId patron = add_adult(2);
    const LoanId loan = lend_with_consent(patron);

    auto withdrawing = database_->begin();
    ASSERT_EQ(withdrawing->loan_history().withdraw(patron), std::optional<std::size_t>(0));

    auto returned = std::async(std::launch::async, [&] {
        auto tx = database_->begin();
        const bool history = tx->circulation().return_loan(loan, clock_.now(), "desk-1");
        tx->commit();
        return history;
    });
    await_lock_wait();
    withdrawing->commit();

    EXPECT_FALSE(returned.get()) << "the consent was gone when the return could read it";
    EXPECT_EQ(history_rows(), 0);
    EXPECT_EQ(sql_value("SELECT count(*) FROM loans WHERE patron_id IS NOT NULL AND returned_at "
                        "IS NULL"),
              "0");
}

}  // namespace
}  // namespace patron::test
