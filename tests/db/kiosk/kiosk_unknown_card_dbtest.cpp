// An unknown card (and a card without a PIN) costs the same Argon2 work as a wrong PIN for a
// known card, so a kiosk's response time does not tell which cards exist. Shown structurally
// (the dummy verification runs at the configured parameters) and by a generous timing check;
// exact timing equality is the kiosk benchmark's job.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "db/pin/pin_fixture.hpp"
#include "patron/exception.hpp"

namespace patron::test {
namespace {

class KioskUnknownCardTest : public PinDbTest {};

TEST_F(KioskUnknownCardTest, UnknownCardAndMissingPinRunArgon2AtTheConfiguredParameters) {
    add_adult_with_pin(2);  // hashed with kFastArgon2
    add_adult(3);           // no PIN
    // Parameters libargon2 refuses (memory below its minimum): any Argon2 run with them throws.
    PinSettings unrunnable = kFastPins;
    unrunnable.hashing = Argon2Params{.memory_kib = 1, .iterations = 1, .parallelism = 1};
    KioskVerifier verifier(context(), unrunnable, {}, {});

    // A known card is checked with its stored hash's own parameters, so it is answered ...
    const auto known = verifier.verify(kiosk_caller(), card_for(2), kWrongPin);
    ASSERT_TRUE(Succeeded(known));
    EXPECT_EQ(known->outcome, VerifyOutcome::wrong_pin);
    // ... while an unknown card and a card without a PIN do a dummy verification at the
    // configured parameters instead of answering at once.
    EXPECT_THROW((void)verifier.verify(kiosk_caller(), card_for(999), kWrongPin),
                 patron::Exception);
    EXPECT_THROW((void)verifier.verify(kiosk_caller(), card_for(3), kWrongPin), patron::Exception);
}

TEST_F(KioskUnknownCardTest, UnknownCardTakesAboutAsLongAsAWrongPinForAKnownCard) {
    // Costly enough that Argon2, not the database, dominates each attempt; no lockout in the way.
    PinSettings costly = kFastPins;
    costly.hashing = Argon2Params{.memory_kib = 32768, .iterations = 1, .parallelism = 1};
    costly.lockout.max_failed_attempts = 1000;
    const PatronId id = add_adult(2);
    set_pin(id, kPin, costly);
    KioskVerifier verifier(context(), costly, {}, {});

    const auto timed = [&](const std::string& card) {
        const auto start = std::chrono::steady_clock::now();
        const auto answer = verifier.verify(kiosk_caller(), card, kWrongPin);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        EXPECT_TRUE(Succeeded(answer));
        return std::chrono::duration<double>(elapsed).count();
    };
    std::vector<double> known;
    std::vector<double> unknown;
    (void)timed(card_for(2));  // warm up connections and memory
    for (int i = 0; i < 5; ++i) {
        known.push_back(timed(card_for(2)));
        unknown.push_back(timed(card_for(900 + i)));
    }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    const double ratio = median(unknown) / median(known);
    EXPECT_GT(ratio, 0.5) << "unknown " << median(unknown) << " s, known " << median(known) << " s";
    EXPECT_EQ(failed_attempts(id), 6);
}

}  // namespace
}  // namespace patron::test
