// Rehash on verify and pepper rotation: a correct PIN stored under older Argon2 parameters or an
// older pepper is re-hashed with the configured ones; several peppers can be in the key file at
// once, so rotating one locks nobody out; a hash whose pepper is gone is a wrong PIN, not a crash.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/pin/pin_fixture.hpp"

namespace patron::test {
namespace {

// The pepper test_keys(1, 1, id) has.
std::string pepper(std::uint16_t id) { return test_key_base64(KeyPurpose::pin_pepper, id); }

// test_keys()'s identity-code keys with the given peppers, `current` the one new hashes use.
KeyRing ring_with_peppers(std::uint16_t current, const std::vector<std::uint16_t>& ids) {
    const std::string base = test_key_file_text();
    std::string text = base.substr(0, base.find("[pin_pepper]"));
    std::vector<std::string> keys;
    for (const auto id : ids) keys.push_back(fmt::format("{} = \"{}\"", id, pepper(id)));
    text += fmt::format("[pin_pepper]\ncurrent = {}\nkeys = {{ {} }}\n", current,
                        fmt::join(keys, ", "));
    return KeyRing::parse(text, "test peppers");
}

constexpr Argon2Params kStronger{.memory_kib = 128, .iterations = 2, .parallelism = 1};
constexpr std::string_view kStrongerPrefix = "$argon2id$v=19$m=128,t=2,p=1$";

class KioskRehashTest : public PinDbTest {
protected:
    KioskAnswer verify_with(const KeyRing& keys, const PinSettings& pins, int card,
                            std::string_view pin) {
        KioskVerifier verifier(Context{*database_, keys, clock_}, pins, {}, {});
        auto answer = verifier.verify(kiosk_caller(), card_for(card), pin);
        EXPECT_TRUE(Succeeded(answer));
        return answer.value_or(KioskAnswer{});
    }
};

TEST_F(KioskRehashTest, CorrectPinUnderOlderParametersIsRehashedWithTheConfiguredOnes) {
    const PatronId id = add_adult_with_pin(2);  // kFastArgon2
    const std::string original = stored_hash(id);
    ASSERT_EQ(phc_parameters(original), kFastPhcPrefix);
    PinSettings stronger = kFastPins;
    stronger.hashing = kStronger;

    // A wrong PIN proves nothing about the patron: no rehash.
    EXPECT_EQ(verify_with(keys_, stronger, 2, kWrongPin).outcome, VerifyOutcome::wrong_pin);
    EXPECT_EQ(stored_hash(id), original);

    EXPECT_EQ(verify_with(keys_, stronger, 2, kPin).outcome, VerifyOutcome::verified);
    const std::string rehashed = stored_hash(id);
    EXPECT_EQ(phc_parameters(rehashed), kStrongerPrefix);
    EXPECT_EQ(stored_pepper(id), "1");
    EXPECT_EQ(failed_attempts(id), 0);

    // Up to date now: the next verification changes nothing, and wrong PINs still fail.
    EXPECT_EQ(verify_with(keys_, stronger, 2, kPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(stored_hash(id), rehashed);
    EXPECT_EQ(verify_with(keys_, stronger, 2, kWrongPin).outcome, VerifyOutcome::wrong_pin);
    EXPECT_EQ(stored_hash(id), rehashed);
}

TEST_F(KioskRehashTest, HashWithTheConfiguredParametersIsLeftAsItIs) {
    const PatronId id = add_adult_with_pin(2);
    const std::string original = stored_hash(id);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
    }
    EXPECT_EQ(stored_hash(id), original);
}

TEST_F(KioskRehashTest, RotatedPepperVerifiesOldHashesAndRehashesThemToTheCurrentOne) {
    const PatronId id = add_adult_with_pin(2);  // keys_: pepper 1 only
    ASSERT_EQ(stored_pepper(id), "1");
    const std::string original = stored_hash(id);
    const KeyRing rotated = ring_with_peppers(2, {1, 2});

    const KioskAnswer first = verify_with(rotated, kFastPins, 2, kPin);
    EXPECT_EQ(first.outcome, VerifyOutcome::verified);
    EXPECT_TRUE(first.may_borrow);
    EXPECT_EQ(stored_pepper(id), "2");
    EXPECT_NE(stored_hash(id), original);
    EXPECT_EQ(phc_parameters(stored_hash(id)), kFastPhcPrefix);
    EXPECT_EQ(failed_attempts(id), 0);

    const std::string rehashed = stored_hash(id);
    EXPECT_EQ(verify_with(rotated, kFastPins, 2, kPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(stored_hash(id), rehashed);
    EXPECT_EQ(stored_pepper(id), "2");
    EXPECT_EQ(verify_with(rotated, kFastPins, 2, kWrongPin).outcome, VerifyOutcome::wrong_pin);

    // With pepper 1 retired, the rehashed PIN still verifies.
    const KeyRing retired = ring_with_peppers(2, {2});
    EXPECT_EQ(verify_with(retired, kFastPins, 2, kPin).outcome, VerifyOutcome::verified);
}

TEST_F(KioskRehashTest, PinsSetAfterRotationUseTheCurrentPepper) {
    const PatronId id = add_adult(2);
    const KeyRing rotated = ring_with_peppers(2, {1, 2});
    PinService pins(Context{*database_, rotated, clock_}, kFastPins);
    ASSERT_TRUE(Succeeded(pins.set_pin(staff(), id, kPin)));
    EXPECT_EQ(stored_pepper(id), "2");
    EXPECT_EQ(verify_with(rotated, kFastPins, 2, kPin).outcome, VerifyOutcome::verified);
    // The old ring lacks pepper 2: to it the hash is unusable.
    EXPECT_EQ(verify_with(keys_, kFastPins, 2, kPin).outcome, VerifyOutcome::wrong_pin);
}

TEST_F(KioskRehashTest, HashWhosePepperIsGoneIsAWrongPinThatLocksNobodyOut) {
    const PatronId id = add_adult_with_pin(2);  // pepper 1
    const std::string original = stored_hash(id);
    const KeyRing lacking = ring_with_peppers(2, {2});

    // No guess could match, so the attempts are answered as wrong PINs but not counted: a
    // configuration fault must not lock patrons out.
    for (int i = 0; i < 6; ++i) {
        const KioskAnswer answer = verify_with(lacking, kFastPins, 2, kPin);
        EXPECT_EQ(answer.outcome, VerifyOutcome::wrong_pin);
        EXPECT_TRUE(answer.card_known);
        EXPECT_FALSE(answer.pin_ok);
        EXPECT_FALSE(answer.locked_until);
    }
    EXPECT_EQ(failed_attempts(id), 0);
    EXPECT_FALSE(locked_until(id));
    EXPECT_EQ(stored_hash(id), original);
    EXPECT_EQ(stored_pepper(id), "1");

    // With the pepper back in the ring, the PIN verifies.
    EXPECT_EQ(verify_with(ring_with_peppers(2, {1, 2}), kFastPins, 2, kPin).outcome,
              VerifyOutcome::verified);
}

TEST_F(KioskRehashTest, ChangePinAfterRotationChecksTheOldPepperAndStoresTheNewOne) {
    const PatronId id = add_adult_with_pin(2);  // pepper 1
    const KeyRing rotated = ring_with_peppers(2, {1, 2});
    PinService pins(Context{*database_, rotated, clock_}, kFastPins);
    ASSERT_TRUE(Succeeded(pins.change_pin(self_service(id), id, kPin, kOtherPin)));
    EXPECT_EQ(stored_pepper(id), "2");
    EXPECT_EQ(verify_with(rotated, kFastPins, 2, kOtherPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(verify_with(rotated, kFastPins, 2, kPin).outcome, VerifyOutcome::wrong_pin);
}

}  // namespace
}  // namespace patron::test
