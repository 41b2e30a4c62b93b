// KioskVerifier's answers: verified, wrong PIN, unknown card, no PIN; what a kiosk learns (no
// name unless its profile allows one); the card activity date; refusals before any work; and the
// audit entry of every attempt, which holds neither the card number nor the PIN.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/pin/pin_fixture.hpp"

namespace patron::test {
namespace {

class KioskVerifierTest : public PinDbTest {};

TEST_F(KioskVerifierTest, CorrectPinIsVerifiedAndTellsNoNameByDefault) {
    const PatronId id = add_adult_with_pin(2);
    const KioskAnswer answer = verify(card_for(2), kPin);

    EXPECT_EQ(answer.outcome, VerifyOutcome::verified);
    EXPECT_TRUE(answer.card_known);
    EXPECT_TRUE(answer.pin_ok);
    EXPECT_TRUE(answer.may_borrow);
    EXPECT_TRUE(answer.blocks.empty());
    EXPECT_FALSE(answer.display_name) << "a name without the profile allowing it";
    EXPECT_FALSE(answer.locked_until);
    EXPECT_FALSE(answer.retry_after);
    EXPECT_EQ(failed_attempts(id), 0);
}

TEST_F(KioskVerifierTest, CardNumberIsMatchedWhateverItsLetterCaseAndSpaces) {
    add_adult_with_pin(2);
    EXPECT_EQ(verify(" card0002 ", kPin).outcome, VerifyOutcome::verified);
}

TEST_F(KioskVerifierTest, ProfileAllowingANameGetsTheFirstGivenNameAndTheSurnamesInitial) {
    PatronForm form = person_form(card_for(2), hetu_for(kAdultBirth, 2));
    form.given_names = "Aino Maria";
    form.surname = "Ärväs";  // a two-byte initial in UTF-8
    const PatronId id = add(form);
    set_pin(id, kPin);

    const KioskAnswer named = verify(card_for(2), kPin, KioskProfile{.disclose_name = true});
    EXPECT_EQ(named.outcome, VerifyOutcome::verified);
    EXPECT_TRUE(named.display_name == std::optional<std::string>("Aino Ä."))
        << "display name differs";
    EXPECT_FALSE(verify(card_for(2), kPin, KioskProfile{.disclose_name = false}).display_name);
}

TEST_F(KioskVerifierTest, OrganisationIsNamedByItsName) {
    const PatronId org = add_organisation(3, add_adult(2));
    set_pin(org, kPin);
    const KioskAnswer answer = verify(card_for(3), kPin, KioskProfile{.disclose_name = true});
    EXPECT_EQ(answer.outcome, VerifyOutcome::verified);
    EXPECT_TRUE(answer.may_borrow);
    EXPECT_TRUE(answer.display_name == std::optional<std::string>("Testikoulu"))
        << "display name differs";
}

TEST_F(KioskVerifierTest, VerifiedAttemptRecordsTodayAsTheLastCardActivity) {
    const PatronId id = add_adult_with_pin(2);
    ASSERT_FALSE(last_card_activity(id));

    (void)verify(card_for(2), kWrongPin);
    EXPECT_FALSE(last_card_activity(id)) << "a wrong PIN is no card activity";

    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(last_card_activity(id), to_iso(clock_.today()));

    clock_.set_today(days_from_today(3));
    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(last_card_activity(id), to_iso(clock_.today()));
}

TEST_F(KioskVerifierTest, WrongPinTellsOnlyThatTheCardIsKnown) {
    const PatronId id = add_adult_with_pin(2);
    // Blocks that would apply after a correct PIN must not show before one.
    add_loan_ban(id, days_from_today(-1));
    const KioskAnswer answer = verify(card_for(2), kWrongPin, KioskProfile{.disclose_name = true});

    EXPECT_EQ(answer.outcome, VerifyOutcome::wrong_pin);
    EXPECT_TRUE(answer.card_known);
    EXPECT_FALSE(answer.pin_ok);
    EXPECT_FALSE(answer.may_borrow);
    EXPECT_TRUE(answer.blocks.empty());
    EXPECT_FALSE(answer.display_name);
    EXPECT_FALSE(answer.locked_until);
    EXPECT_EQ(failed_attempts(id), 1);
}

TEST_F(KioskVerifierTest, UnknownCardIsAnsweredAsUnknown) {
    add_adult_with_pin(2);
    const KioskAnswer answer = verify(card_for(999), kPin, KioskProfile{.disclose_name = true});

    EXPECT_EQ(answer.outcome, VerifyOutcome::unknown_card);
    EXPECT_FALSE(answer.card_known);
    EXPECT_FALSE(answer.pin_ok);
    EXPECT_FALSE(answer.may_borrow);
    EXPECT_TRUE(answer.blocks.empty());
    EXPECT_FALSE(answer.display_name);
    EXPECT_FALSE(answer.locked_until);
}

TEST_F(KioskVerifierTest, PatronWithoutAPinIsAnsweredNoPin) {
    const PatronId id = add_adult(2);
    const KioskAnswer answer = verify(card_for(2), kPin, KioskProfile{.disclose_name = true});

    EXPECT_EQ(answer.outcome, VerifyOutcome::no_pin);
    EXPECT_TRUE(answer.card_known);
    EXPECT_FALSE(answer.pin_ok);
    EXPECT_FALSE(answer.may_borrow);
    EXPECT_TRUE(answer.blocks.empty());
    EXPECT_FALSE(answer.display_name);
    EXPECT_EQ(pin_rows(), 0);
    EXPECT_FALSE(last_card_activity(id));
}

TEST_F(KioskVerifierTest, MalformedCardNumberIsRefusedBeforeAnyWork) {
    add_adult_with_pin(2);
    KioskVerifier verifier(context(), kFastPins, {}, {});
    const long audits = audit_count();
    for (const std::string card : {"", "   ", "no such card", "CARD-0002", "ÄÄÄÄÄÄ"}) {
        EXPECT_TRUE(Refused(verifier.verify(kiosk_caller(), card, kPin), ErrorCode::invalid_input,
                            "card_number"));
    }
    EXPECT_EQ(audit_count(), audits);
    EXPECT_EQ(count("SELECT count(*) FROM kiosk_failures"), 0);
}

TEST_F(KioskVerifierTest, EmptyPinIsRefusedAndCountsTowardsNoLockout) {
    const PatronId id = add_adult_with_pin(2);
    KioskVerifier verifier(context(), kFastPins, {}, {});
    const long audits = audit_count();
    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(Refused(verifier.verify(kiosk_caller(), card_for(2), ""),
                            ErrorCode::invalid_input, "pin"));
    }
    EXPECT_EQ(failed_attempts(id), 0);
    EXPECT_EQ(audit_count(), audits);
    EXPECT_EQ(count("SELECT count(*) FROM kiosk_failures"), 0);
    const auto answer = verifier.verify(kiosk_caller(), card_for(2), kPin);
    ASSERT_TRUE(Succeeded(answer));
    EXPECT_EQ(answer->outcome, VerifyOutcome::verified);
}

TEST_F(KioskVerifierTest, OnlyKiosksAndAdminsVerifyAndEveryCallerNamesItself) {
    const PatronId id = add_adult_with_pin(2);
    KioskVerifier verifier(context(), kFastPins, {}, {});
    const StorageSnapshot before = snapshot();
    const std::string pins_before = pins_fingerprint();
    for (const Role role :
         {Role::circulation, Role::home_service, Role::billing, Role::dpo, Role::patron}) {
        SCOPED_TRACE(std::string(to_string(role)));
        const Caller caller{"someone", role, "self-checkout",
                            role == Role::patron ? std::optional(id) : std::nullopt};
        EXPECT_TRUE(Refused(verifier.verify(caller, card_for(2), kWrongPin),
                            ErrorCode::permission_denied, ""));
    }
    EXPECT_TRUE(Refused(verifier.verify(Caller{"", Role::kiosk, "self-checkout", std::nullopt},
                                        card_for(2), kWrongPin),
                        ErrorCode::invalid_input, "actor"));
    EXPECT_TRUE(Refused(
        verifier.verify(Caller{"kiosk-7", Role::kiosk, "", std::nullopt}, card_for(2), kWrongPin),
        ErrorCode::invalid_input, "purpose"));
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(pins_fingerprint(), pins_before);

    const auto admin = verifier.verify(staff(Role::admin), card_for(2), kPin);
    ASSERT_TRUE(Succeeded(admin));
    EXPECT_EQ(admin->outcome, VerifyOutcome::verified);
}

TEST_F(KioskVerifierTest, EveryAttemptIsAuditedWithKioskPatronAndOutcome) {
    const PatronId with_pin = add_adult_with_pin(2);
    const PatronId without_pin = add_adult(3);
    const KioskSettings kiosks{.failure_limit = 3, .failure_window = std::chrono::seconds(60)};
    const long before = last_audit_id();

    EXPECT_EQ(verify(card_for(2), kPin, {}, kiosk_caller(), kFastPins, kiosks).outcome,
              VerifyOutcome::verified);
    EXPECT_EQ(verify(card_for(2), kWrongPin, {}, kiosk_caller(), kFastPins, kiosks).outcome,
              VerifyOutcome::wrong_pin);
    EXPECT_EQ(verify(card_for(999), kPin, {}, kiosk_caller(), kFastPins, kiosks).outcome,
              VerifyOutcome::unknown_card);
    EXPECT_EQ(verify(card_for(3), kPin, {}, kiosk_caller(), kFastPins, kiosks).outcome,
              VerifyOutcome::no_pin);
    EXPECT_EQ(verify(card_for(2), kPin, {}, kiosk_caller(), kFastPins, kiosks).outcome,
              VerifyOutcome::throttled);
    // Another kiosk, not throttled, gives the card's 2nd to 5th wrong PIN and meets it locked.
    for (int i = 0; i < 4; ++i) (void)verify(card_for(2), kWrongPin, {}, kiosk_caller("door-1"));
    EXPECT_EQ(verify(card_for(2), kPin, {}, kiosk_caller("door-1")).outcome, VerifyOutcome::locked);

    std::vector<std::string> expected{
        kiosk_line("verified", with_pin), kiosk_line("wrong_pin", with_pin),
        kiosk_line("unknown_card", std::nullopt), kiosk_line("no_pin", without_pin),
        kiosk_line("throttled", std::nullopt)};
    for (int i = 0; i < 4; ++i) expected.push_back(kiosk_line("wrong_pin", with_pin, "door-1"));
    expected.push_back(kiosk_line("locked", with_pin, "door-1"));
    EXPECT_EQ(kiosk_audit_after(before), expected);
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM audit_log WHERE id > {}", before)),
              static_cast<long>(expected.size()))
        << "an attempt wrote more than its kiosk.verify entry";

    // No column of any entry holds a card number or a PIN that was sent.
    const std::string all = sql_value("SELECT string_agg(a::text, '|') FROM audit_log a");
    for (const std::string_view secret : {kPin, kWrongPin}) {
        EXPECT_EQ(all.find(secret), std::string::npos) << "a PIN is in the audit log";
    }
    for (const int n : {2, 3, 999}) {
        EXPECT_EQ(all.find(card_for(n)), std::string::npos) << "card #" << n << " is audited";
    }
}

}  // namespace
}  // namespace patron::test
