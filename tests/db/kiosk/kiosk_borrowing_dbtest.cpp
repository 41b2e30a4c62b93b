// May the patron borrow? After a correct PIN the kiosk learns every reason that applies — a loan
// ban in force, fees over the configured limit, restriction of processing, a ward's missing
// guardian consent, an expired card — each tested alone and all together; a locked card tells
// only that it is locked.
//
// Loan bans, fees and restriction of processing have no library operations yet (the circulation
// and subject-rights issues add them): these tests write those rows with SQL.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/pin/pin_fixture.hpp"
#include "patron/domain/date.hpp"

namespace patron::test {
namespace {

using Blocks = std::vector<BorrowBlock>;

class KioskBorrowingTest : public PinDbTest {
protected:
    /// The blocks after a correct PIN (sorted); the test fails unless the PIN is verified and
    /// may_borrow agrees with the blocks.
    Blocks blocks_for(int n, const CirculationSettings& circulation = {}) {
        const KioskAnswer answer =
            verify(card_for(n), kPin, {}, kiosk_caller(), kFastPins, {}, circulation);
        EXPECT_EQ(answer.outcome, VerifyOutcome::verified);
        EXPECT_TRUE(answer.pin_ok);
        EXPECT_EQ(answer.may_borrow, answer.blocks.empty());
        return sorted(answer.blocks);
    }

    /// A ward born on `birth` with `guardian`, consenting at registration when `consent`, and a
    /// PIN.
    PatronId add_ward(int n, Date birth, PatronId guardian, bool consent = false) {
        PatronForm form = person_form(card_for(n), hetu_for(birth, n));
        form.guardian = guardian;
        form.guardian_consent = consent;
        const PatronId id = add(form);
        set_pin(id, kPin);
        return id;
    }

    /// An adult whose card is valid until `expires`, with a PIN.
    PatronId add_with_expiry(int n, Date expires) {
        PatronForm form = person_form(card_for(n), hetu_for(kAdultBirth, n));
        form.card_expires_on = to_iso(expires);
        const PatronId id = add(form);
        set_pin(id, kPin);
        return id;
    }
};

TEST_F(KioskBorrowingTest, AdultWithNothingAgainstThemMayBorrow) {
    add_adult_with_pin(2);
    EXPECT_EQ(blocks_for(2), Blocks{});
}

TEST_F(KioskBorrowingTest, LoanBanInForceBlocksBorrowing) {
    add_loan_ban(add_adult_with_pin(2), days_from_today(-10));            // open-ended
    add_loan_ban(add_adult_with_pin(3), clock_.today(), clock_.today());  // today only
    add_loan_ban(add_adult_with_pin(4), days_from_today(-10), days_from_today(10));
    for (const int n : {2, 3, 4}) {
        SCOPED_TRACE(fmt::format("patron #{}", n));
        EXPECT_EQ(blocks_for(n), Blocks{BorrowBlock::loan_ban});
    }
}

TEST_F(KioskBorrowingTest, LoanBanThatEndedWasLiftedOrHasNotStartedDoesNotCount) {
    const PatronId id = add_adult_with_pin(2);
    add_loan_ban(id, days_from_today(-10), days_from_today(-1));            // ended yesterday
    add_loan_ban(id, days_from_today(-10), std::nullopt, /*lifted=*/true);  // lifted
    add_loan_ban(id, days_from_today(1));                                   // starts tomorrow
    EXPECT_EQ(blocks_for(2), Blocks{});

    clock_.set_today(days_from_today(1));
    EXPECT_EQ(blocks_for(2), Blocks{BorrowBlock::loan_ban}) << "the ban starting now is in force";
}

TEST_F(KioskBorrowingTest, FeesExactlyAtTheLimitAllowBorrowingAndOneCentOverBlocks) {
    const PatronId id = add_adult_with_pin(2);
    add_fee(id, 600);
    add_fee(id, 400);
    EXPECT_EQ(blocks_for(2), Blocks{}) << "10.00 euros is the default limit itself";

    add_fee(id, 1);
    EXPECT_EQ(blocks_for(2), Blocks{BorrowBlock::excessive_fees});

    // The limit is configured.
    EXPECT_EQ(blocks_for(2, CirculationSettings{.fee_limit_cents = 1001}), Blocks{});
    EXPECT_EQ(blocks_for(2, CirculationSettings{.fee_limit_cents = 0}),
              Blocks{BorrowBlock::excessive_fees});
}

TEST_F(KioskBorrowingTest, PaidAndCancelledFeesAreIgnored) {
    const PatronId id = add_adult_with_pin(2);
    add_fee(id, 1000);
    add_fee(id, 5000, FeeState::paid);
    add_fee(id, 5000, FeeState::cancelled);
    EXPECT_EQ(blocks_for(2), Blocks{});
}

TEST_F(KioskBorrowingTest, RestrictedPatronIsBlockedUnnamedAndNotRecordedAsActive) {
    const PatronId id = add_adult_with_pin(2);
    restrict_processing(id);

    const KioskAnswer answer = verify(card_for(2), kPin, KioskProfile{.disclose_name = true});
    EXPECT_EQ(answer.outcome, VerifyOutcome::verified);
    EXPECT_FALSE(answer.may_borrow);
    EXPECT_EQ(answer.blocks, Blocks{BorrowBlock::processing_restricted});
    // GDPR art. 18: the restricted record is not processed further.
    EXPECT_FALSE(answer.display_name);
    EXPECT_FALSE(last_card_activity(id));
}

TEST_F(KioskBorrowingTest, WardWithoutAConsentingGuardianMayNotBorrow) {
    const PatronId guardian = add_adult(2);
    add_ward(3, born_years_ago(9), guardian);
    EXPECT_EQ(blocks_for(3), Blocks{BorrowBlock::guardian_consent_missing});
}

TEST_F(KioskBorrowingTest, WardWhoseGuardianConsentedAtRegistrationMayBorrow) {
    const PatronId guardian = add_adult(2);
    add_ward(3, born_years_ago(9), guardian, /*consent=*/true);
    EXPECT_EQ(blocks_for(3), Blocks{});
}

TEST_F(KioskBorrowingTest, ConsentRecordedLaterAllowsBorrowingUntilWithdrawn) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const PatronId ward = add_ward(4, born_years_ago(9), first);
    Register reg(context());
    ASSERT_TRUE(Succeeded(reg.add_guardian(staff(), ward, second)));
    EXPECT_EQ(blocks_for(4), Blocks{BorrowBlock::guardian_consent_missing});

    // One consenting guardian is enough.
    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, second, true)));
    EXPECT_EQ(blocks_for(4), Blocks{});

    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, second, false)));
    EXPECT_EQ(blocks_for(4), Blocks{BorrowBlock::guardian_consent_missing});
}

TEST_F(KioskBorrowingTest, ConsentIsNoLongerNeededFromTheFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const Date birth = born_years_ago(15, 1);  // turns 15 tomorrow
    add_ward(3, birth, guardian);
    EXPECT_EQ(blocks_for(3), Blocks{BorrowBlock::guardian_consent_missing});

    clock_.set_today(birthday(birth, 15));
    EXPECT_EQ(blocks_for(3), Blocks{});
}

TEST_F(KioskBorrowingTest, ExpiredCardBlocksAndACardValidUntilTodayDoesNot) {
    add_with_expiry(2, days_from_today(-1));
    add_with_expiry(3, clock_.today());
    EXPECT_EQ(blocks_for(2), Blocks{BorrowBlock::card_expired});
    EXPECT_EQ(blocks_for(3), Blocks{});

    clock_.set_today(days_from_today(1));
    EXPECT_EQ(blocks_for(3), Blocks{BorrowBlock::card_expired});
}

TEST_F(KioskBorrowingTest, EveryReasonTogetherGivesEveryBlockAndALockHidesThemAll) {
    const PatronId guardian = add_adult(2);
    PatronForm form = person_form(card_for(3), hetu_for(born_years_ago(9), 3));
    form.guardian = guardian;
    form.card_expires_on = to_iso(days_from_today(-1));
    const PatronId ward = add(form);
    set_pin(ward, kPin);
    add_loan_ban(ward, days_from_today(-1));
    add_fee(ward, 1001);
    restrict_processing(ward);

    EXPECT_EQ(blocks_for(3),
              (Blocks{BorrowBlock::loan_ban, BorrowBlock::excessive_fees,
                      BorrowBlock::processing_restricted, BorrowBlock::guardian_consent_missing,
                      BorrowBlock::card_expired}));

    // Locked: the answer says so and nothing more, not even after the right PIN.
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(verify(card_for(3), kWrongPin).blocks, Blocks{});
    }
    const KioskAnswer fifth = verify(card_for(3), kWrongPin);
    EXPECT_EQ(fifth.outcome, VerifyOutcome::wrong_pin);
    EXPECT_EQ(fifth.blocks, Blocks{BorrowBlock::card_locked});
    const KioskAnswer locked = verify(card_for(3), kPin);
    EXPECT_EQ(locked.outcome, VerifyOutcome::locked);
    EXPECT_FALSE(locked.may_borrow);
    EXPECT_EQ(locked.blocks, Blocks{BorrowBlock::card_locked});
}

}  // namespace
}  // namespace patron::test
