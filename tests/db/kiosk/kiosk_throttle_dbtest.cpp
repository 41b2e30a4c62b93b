// Per-kiosk throttling: a kiosk with `failure_limit` failed attempts in one window is refused
// until the window ends, whatever card and PIN it sends next; other kiosks are not affected, and
// a refused attempt touches no patron.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/pin/pin_fixture.hpp"

namespace patron::test {
namespace {

using std::chrono::seconds;

constexpr KioskSettings kThreePerMinute{.failure_limit = 3, .failure_window = seconds(60)};

class KioskThrottleTest : public PinDbTest {
protected:
    KioskAnswer attempt(std::string_view kiosk, int card, std::string_view pin) {
        return verify(card_for(card), pin, KioskProfile{.disclose_name = true},
                      kiosk_caller(std::string(kiosk)), kFastPins, kThreePerMinute);
    }
};

TEST_F(KioskThrottleTest, KioskOverItsFailureLimitIsRefusedUntilItsWindowEnds) {
    const PatronId id = add_adult_with_pin(2);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(attempt("kiosk-a", 2, kWrongPin).outcome, VerifyOutcome::wrong_pin);
    }
    ASSERT_EQ(failed_attempts(id), 3);
    clock_.advance(seconds(20));
    const long before = last_audit_id();

    // Even the right PIN is refused: the kiosk, not the card, is throttled.
    const KioskAnswer refused = attempt("kiosk-a", 2, kPin);
    EXPECT_EQ(refused.outcome, VerifyOutcome::throttled);
    ASSERT_TRUE(refused.retry_after);
    EXPECT_GT(*refused.retry_after, seconds(0));
    EXPECT_LE(*refused.retry_after, seconds(60));
    EXPECT_FALSE(refused.card_known);
    EXPECT_FALSE(refused.pin_ok);
    EXPECT_FALSE(refused.may_borrow);
    EXPECT_TRUE(refused.blocks.empty());
    EXPECT_FALSE(refused.display_name);
    EXPECT_FALSE(refused.locked_until);
    // Audited as the kiosk's attempt, for no patron; the patron's counter is untouched.
    EXPECT_EQ(kiosk_audit_after(before),
              std::vector<std::string>{kiosk_line("throttled", std::nullopt, "kiosk-a")});
    EXPECT_EQ(failed_attempts(id), 3);
    EXPECT_FALSE(last_card_activity(id));

    // Another kiosk is not affected.
    EXPECT_EQ(attempt("kiosk-b", 2, kPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(failed_attempts(id), 0);
    EXPECT_EQ(attempt("kiosk-a", 2, kPin).outcome, VerifyOutcome::throttled);

    // Once the window has passed, the kiosk is served again.
    clock_.advance(*refused.retry_after);
    const KioskAnswer served = attempt("kiosk-a", 2, kPin);
    EXPECT_EQ(served.outcome, VerifyOutcome::verified);
    EXPECT_FALSE(served.retry_after);
}

TEST_F(KioskThrottleTest, UnknownCardsAndMissingPinsCountAsFailures) {
    add_adult_with_pin(2);
    add_adult(3);  // no PIN
    EXPECT_EQ(attempt("kiosk-a", 901, kPin).outcome, VerifyOutcome::unknown_card);
    EXPECT_EQ(attempt("kiosk-a", 902, kPin).outcome, VerifyOutcome::unknown_card);
    EXPECT_EQ(attempt("kiosk-a", 3, kPin).outcome, VerifyOutcome::no_pin);
    EXPECT_EQ(attempt("kiosk-a", 2, kPin).outcome, VerifyOutcome::throttled);
    EXPECT_EQ(attempt("kiosk-a", 903, kPin).outcome, VerifyOutcome::throttled);
}

TEST_F(KioskThrottleTest, VerifiedAttemptsAndThrottledOnesDoNotCount) {
    add_adult_with_pin(2);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(attempt("kiosk-a", 2, kPin).outcome, VerifyOutcome::verified);
    }
    for (int i = 0; i < 3; ++i) (void)attempt("kiosk-a", 901, kPin);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(attempt("kiosk-a", 2, kPin).outcome, VerifyOutcome::throttled);
    }
    EXPECT_EQ(sql_value("SELECT failures FROM kiosk_failures WHERE kiosk_id = 'kiosk-a'"), "3");
}

TEST_F(KioskThrottleTest, FailuresOfAnEarlierWindowDoNotCarryOver) {
    add_adult_with_pin(2);
    for (int i = 0; i < 2; ++i) (void)attempt("kiosk-a", 901, kPin);
    clock_.advance(seconds(60));
    for (int i = 0; i < 2; ++i) (void)attempt("kiosk-a", 901, kPin);
    EXPECT_EQ(attempt("kiosk-a", 2, kPin).outcome, VerifyOutcome::verified)
        << "two failures in each of two windows are not three in one";
    (void)attempt("kiosk-a", 901, kPin);
    EXPECT_EQ(attempt("kiosk-a", 2, kPin).outcome, VerifyOutcome::throttled);
}

}  // namespace
}  // namespace patron::test
