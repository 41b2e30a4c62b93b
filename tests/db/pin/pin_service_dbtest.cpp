// PinService: staff set or reset a PIN (circulation and admin), a patron changes their own with
// the old one. Only an Argon2id hash is stored, the policy is applied with the patron's birth
// date, a wrong old PIN counts towards the lockout, and every change is audited — never the PIN.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/pin/pin_fixture.hpp"
#include "patron/pin/pin.hpp"
#include "support/process.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class PinServiceTest : public PinDbTest {};

TEST_F(PinServiceTest, SetPinStoresOnlyAnArgon2idHashThatNoDumpReveals) {
    const PatronId id = add_adult(2);
    PinService pins(context(), kFastPins);
    ASSERT_TRUE(Succeeded(pins.set_pin(staff(), id, kPin)));

    EXPECT_EQ(phc_parameters(stored_hash(id)), kFastPhcPrefix);
    EXPECT_EQ(stored_pepper(id), "1");
    EXPECT_EQ(sql_value(fmt::format("SELECT set_by || ' ' || (set_at = '{}'::timestamptz) || ' ' "
                                    "|| failed_attempts || ' ' || (locked_until IS NULL) "
                                    "FROM patron_pins WHERE patron_id = {}",
                                    to_iso(clock_.now()), id.value)),
              "staff-1 true 0 true");

    const ProcessResult dump = run_process(
        {(TestServer::get().bin_dir() / "pg_dump").string(), "--no-owner", "--dbname=" + url_});
    ASSERT_EQ(dump.exit_code, 0) << "pg_dump failed: " << dump.err;
    EXPECT_EQ(dump.out.find(kPin), std::string::npos) << "the PIN is in the dump";
    // The dump does hold the PIN's row: the hash is there.
    EXPECT_NE(dump.out.find("COPY public.patron_pins"), std::string::npos);
    EXPECT_NE(dump.out.find(stored_hash(id)), std::string::npos);
}

TEST_F(PinServiceTest, SamePinIsHashedWithAFreshSaltEveryTime) {
    const PatronId first = add_adult_with_pin(2, kPin);
    const PatronId second = add_adult_with_pin(3, kPin);
    const std::string before = stored_hash(first);
    set_pin(first, kPin);

    EXPECT_NE(stored_hash(first), before);
    EXPECT_NE(stored_hash(first), stored_hash(second));
    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(verify(card_for(3), kPin).outcome, VerifyOutcome::verified);
}

TEST_F(PinServiceTest, SetPinRefusesEachPolicyReasonOnFieldPinAndWritesNothing) {
    const PatronId id = add_adult(2);  // born 1980-05-17
    PinService pins(context(), kFastPins);
    const std::vector<std::pair<std::string, std::string_view>> cases{
        {"12a4", pin::kNotDigits},     {"", pin::kBadLength},
        {"123", pin::kBadLength},      {"123456789", pin::kBadLength},
        {"1111", pin::kRepeated},      {"1234", pin::kRun},
        {"9876", pin::kRun},           {"1705", pin::kBirthDate},  // DDMM
        {"0517", pin::kBirthDate},                                 // MMDD
        {"170580", pin::kBirthDate},                               // DDMMYY
        {"17051980", pin::kBirthDate},                             // DDMMYYYY
        {"1980", pin::kBirthDate},                                 // YYYY
    };
    const std::string pins_before = pins_fingerprint();
    const long audits = audit_count();
    for (const auto& [text, reason] : cases) {
        SCOPED_TRACE("PIN '" + text + "'");  // test PINs, not personal data
        const auto result = pins.set_pin(staff(), id, text);
        ASSERT_TRUE(Refused(result, ErrorCode::invalid_input, "pin"));
        EXPECT_EQ(result.error().message, reason);
    }
    EXPECT_EQ(pins_fingerprint(), pins_before);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(PinServiceTest, BirthDateRuleUsesThePatronsOwnBirthDate) {
    // "1705" is the adult's day and month (1980-05-17), not this patron's.
    const PatronId other = add_person(Date{year{1990} / 1 / 2}, 3);
    PinService pins(context(), kFastPins);
    EXPECT_TRUE(Succeeded(pins.set_pin(staff(), other, "1705")));
    EXPECT_TRUE(Refused(pins.set_pin(staff(), other, "0201"), ErrorCode::invalid_input, "pin"));
    EXPECT_TRUE(Refused(pins.set_pin(staff(), other, "1990"), ErrorCode::invalid_input, "pin"));
}

TEST_F(PinServiceTest, OrganisationGetsAPinWithoutTheBirthDateRule) {
    const PatronId org = add_organisation(3, add_adult(2));
    PinService pins(context(), kFastPins);
    ASSERT_TRUE(Succeeded(pins.set_pin(staff(), org, kPin)));
    EXPECT_EQ(verify(card_for(3), kPin).outcome, VerifyOutcome::verified);
}

TEST_F(PinServiceTest, SetPinOfAMissingPatronIsNotFoundAndWritesNothing) {
    PinService pins(context(), kFastPins);
    const long audits = audit_count();
    EXPECT_TRUE(Refused(pins.set_pin(staff(), PatronId{999999}, kPin), ErrorCode::not_found, ""));
    EXPECT_EQ(pin_rows(), 0);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(PinServiceTest, SetPinIsAuditedWithTheFieldNameOnly) {
    const PatronId id = add_adult(2);
    PinService pins(context(), kFastPins);
    const long before = last_audit_id();
    ASSERT_TRUE(Succeeded(pins.set_pin(staff(), id, kPin)));
    ASSERT_TRUE(Succeeded(pins.set_pin(staff(Role::admin), id, kOtherPin)));

    EXPECT_EQ(audit_after(before),
              (std::vector<std::string>{audit_line("pin.set", id, "{pin}"),
                                        audit_line("pin.set", id, "{pin}", "staff-1", "admin")}));
    EXPECT_EQ(sql_value(fmt::format("SELECT count(*) FROM audit_log WHERE id > {} AND "
                                    "outcome IS NULL",
                                    before)),
              "2");
    // Neither PIN in any column of any entry.
    const std::string all = sql_value("SELECT string_agg(a::text, '|') FROM audit_log a");
    EXPECT_EQ(all.find(kPin), std::string::npos);
    EXPECT_EQ(all.find(kOtherPin), std::string::npos);
}

TEST_F(PinServiceTest, SetPinClearsALockout) {
    const PatronId id = add_adult_with_pin(2);
    for (int i = 0; i < 5; ++i) (void)verify(card_for(2), kWrongPin);
    ASSERT_EQ(failed_attempts(id), 5);
    ASSERT_TRUE(locked_until(id));

    set_pin(id, kOtherPin);

    EXPECT_EQ(failed_attempts(id), 0);
    EXPECT_FALSE(locked_until(id));
    const KioskAnswer answer = verify(card_for(2), kOtherPin);
    EXPECT_EQ(answer.outcome, VerifyOutcome::verified);
    EXPECT_TRUE(answer.may_borrow);
}

TEST_F(PinServiceTest, OnlyCirculationAndAdminMaySetPins) {
    const PatronId id = add_adult_with_pin(2);
    PinService pins(context(), kFastPins);
    for (const Role role :
         {Role::home_service, Role::kiosk, Role::billing, Role::dpo, Role::patron}) {
        SCOPED_TRACE(std::string(to_string(role)));
        // A patron is refused even on their own record: staff set PINs, patrons change them.
        const Caller caller = role == Role::patron ? self_service(id) : staff(role);
        const StorageSnapshot before = snapshot();
        const std::string pins_before = pins_fingerprint();
        EXPECT_TRUE(Refused(pins.set_pin(caller, id, kOtherPin), ErrorCode::permission_denied, ""));
        EXPECT_EQ(snapshot(), before);
        EXPECT_EQ(pins_fingerprint(), pins_before);
    }
    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
    for (const Role role : {Role::circulation, Role::admin}) {
        SCOPED_TRACE(std::string(to_string(role)));
        EXPECT_TRUE(Succeeded(pins.set_pin(staff(role), id, kOtherPin)));
    }
}

TEST_F(PinServiceTest, PatronChangesTheirOwnPinWithTheOldOne) {
    const PatronId id = add_adult_with_pin(2);
    PinService pins(context(), kFastPins);
    const std::string old_hash = stored_hash(id);
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(pins.change_pin(self_service(id), id, kPin, kOtherPin)));

    EXPECT_NE(stored_hash(id), old_hash);
    EXPECT_EQ(phc_parameters(stored_hash(id)), kFastPhcPrefix);
    EXPECT_EQ(
        sql_value(fmt::format("SELECT set_by FROM patron_pins WHERE patron_id = {}", id.value)),
        "web");
    EXPECT_EQ(sql_value(fmt::format("SELECT action || '|' || patron_id || '|' || fields::text || "
                                    "'|' || actor || '|' || role || '|' || outcome "
                                    "FROM audit_log WHERE id > {} ORDER BY id",
                                    before)),
              fmt::format("pin.change|{}|{{pin}}|web|patron|verified", id.value));
    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::wrong_pin);
    EXPECT_EQ(verify(card_for(2), kOtherPin).outcome, VerifyOutcome::verified);
}

TEST_F(PinServiceTest, ChangedPinMustMeetThePolicyAndARefusalCostsNoAttempt) {
    const PatronId id = add_adult_with_pin(2);
    PinService pins(context(), kFastPins);
    const long audits = audit_count();
    const std::string pins_before = pins_fingerprint();

    // Even with a wrong old PIN: the new PIN's policy is checked first and costs nothing.
    const auto repeated = pins.change_pin(self_service(id), id, kWrongPin, "1111");
    ASSERT_TRUE(Refused(repeated, ErrorCode::invalid_input, "pin"));
    EXPECT_EQ(repeated.error().message, pin::kRepeated);
    const auto birth = pins.change_pin(self_service(id), id, kPin, "17051980");
    ASSERT_TRUE(Refused(birth, ErrorCode::invalid_input, "pin"));
    EXPECT_EQ(birth.error().message, pin::kBirthDate);

    EXPECT_EQ(pins_fingerprint(), pins_before);
    EXPECT_EQ(audit_count(), audits);
    EXPECT_EQ(failed_attempts(id), 0);
}

TEST_F(PinServiceTest, WrongOldPinIsRefusedAndCountsTowardsTheLockout) {
    const PatronId id = add_adult_with_pin(2);
    PinService pins(context(), kFastPins);
    const long before = last_audit_id();

    for (int i = 1; i <= 4; ++i) {
        EXPECT_TRUE(Refused(pins.change_pin(self_service(id), id, kWrongPin, kOtherPin),
                            ErrorCode::wrong_pin, "old_pin"));
        EXPECT_EQ(failed_attempts(id), i);
        EXPECT_FALSE(locked_until(id));
    }
    // The fifth wrong PIN locks the card, and a locked card refuses even the right old PIN.
    EXPECT_TRUE(Refused(pins.change_pin(self_service(id), id, kWrongPin, kOtherPin),
                        ErrorCode::card_locked, ""));
    EXPECT_EQ(failed_attempts(id), 5);
    EXPECT_EQ(locked_until(id), epoch_seconds(clock_.now() + std::chrono::minutes(15)));
    EXPECT_TRUE(Refused(pins.change_pin(self_service(id), id, kPin, kOtherPin),
                        ErrorCode::card_locked, ""));
    EXPECT_EQ(failed_attempts(id), 5);

    // Every attempt is audited with its outcome and no field changed.
    const auto rows = sql(fmt::format(
        "SELECT action || '|' || fields::text || '|' || outcome FROM audit_log WHERE id > {} "
        "ORDER BY id",
        before));
    std::vector<std::string> lines;
    for (const auto& row : rows) lines.push_back(row[0]);
    EXPECT_EQ(lines, (std::vector<std::string>{"pin.change|{}|wrong_pin", "pin.change|{}|wrong_pin",
                                               "pin.change|{}|wrong_pin", "pin.change|{}|wrong_pin",
                                               "pin.change|{}|wrong_pin", "pin.change|{}|locked"}));

    // The PIN did not change: once the lock ends, the old one works and the new one does not.
    clock_.advance(std::chrono::minutes(15) + std::chrono::seconds(1));
    EXPECT_EQ(verify(card_for(2), kOtherPin).outcome, VerifyOutcome::wrong_pin);
    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
}

TEST_F(PinServiceTest, ChangePinWithoutAPinSetIsNotFoundOnFieldPin) {
    const PatronId id = add_adult(2);
    PinService pins(context(), kFastPins);
    EXPECT_TRUE(Refused(pins.change_pin(self_service(id), id, kPin, kOtherPin),
                        ErrorCode::not_found, "pin"));
    EXPECT_EQ(pin_rows(), 0);
}

TEST_F(PinServiceTest, NobodyChangesAnotherPatronsPin) {
    const PatronId mine = add_adult_with_pin(2);
    const PatronId other = add_adult_with_pin(3, kOtherPin);
    PinService pins(context(), kFastPins);
    const StorageSnapshot before = snapshot();
    const std::string pins_before = pins_fingerprint();

    EXPECT_TRUE(Refused(pins.change_pin(self_service(mine), other, kOtherPin, kPin),
                        ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(pins.change_pin(self_service(mine), PatronId{999999}, kOtherPin, kPin),
                        ErrorCode::permission_denied, ""));
    // Staff set PINs; only the patron changes one with the old PIN.
    for (const Role role : {Role::circulation, Role::admin, Role::kiosk}) {
        EXPECT_TRUE(Refused(pins.change_pin(staff(role), other, kOtherPin, kPin),
                            ErrorCode::permission_denied, ""));
    }
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(pins_fingerprint(), pins_before);
    EXPECT_EQ(failed_attempts(other), 0);
    EXPECT_EQ(verify(card_for(3), kOtherPin).outcome, VerifyOutcome::verified);
    EXPECT_EQ(verify(card_for(2), kPin).outcome, VerifyOutcome::verified);
}

}  // namespace
}  // namespace patron::test
