// A guardian's consent to the ward's borrowing and self-service use: given at registration or
// recorded and withdrawn later with Register::set_guardian_consent, audited on both records, and
// only for a guardianship that exists.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

class RegisterConsentTest : public RegisterDbTest {
protected:
    /// The ward's guardians and consenting guardians as "guardians/consenting".
    std::string consent_of(PatronId ward) {
        Register reg(context());
        const auto p = reg.find_by_id(staff(), ward);
        EXPECT_TRUE(Succeeded(p));
        if (!p) return "?";
        return fmt::format("{}/{}", fmt::join(ids(p->guardians), ","),
                           fmt::join(ids(p->consenting_guardians), ","));
    }

    [[nodiscard]] std::string stored_consent(PatronId ward, PatronId guardian) const {
        return sql_value(
            fmt::format("SELECT coalesce((consent_at = '{}'::timestamptz)::text, 'null') || ' ' || "
                        "coalesce(consent_by, 'null') FROM guardianships "
                        "WHERE ward_id = {} AND guardian_id = {}",
                        to_iso(clock_.now()), ward.value, guardian.value));
    }
};

TEST_F(RegisterConsentTest, ConsentIsRecordedAndWithdrawn) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_person(born_years_ago(9), 3, guardian);
    Register reg(context());
    EXPECT_EQ(consent_of(ward), fmt::format("{}/", guardian.value));
    EXPECT_EQ(stored_consent(ward, guardian), "null null");

    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, true)));
    EXPECT_EQ(consent_of(ward), fmt::format("{0}/{0}", guardian.value));
    EXPECT_EQ(stored_consent(ward, guardian), "true staff-1");

    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, false)));
    EXPECT_EQ(consent_of(ward), fmt::format("{}/", guardian.value));
    EXPECT_EQ(stored_consent(ward, guardian), "null null");
}

TEST_F(RegisterConsentTest, ConsentAndItsWithdrawalAreAuditedOnWardAndGuardian) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_person(born_years_ago(9), 3, guardian);
    Register reg(context());
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, true)));
    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(Role::admin), ward, guardian, false)));

    EXPECT_EQ(
        audit_after(before),
        (std::vector<std::string>{
            audit_line("patron.guardian_consent", ward, "{guardian_consent}"),
            audit_line("patron.guardian_consent", guardian, "{guardian_consent}"),
            audit_line("patron.guardian_consent", ward, "{guardian_consent}", "staff-1", "admin"),
            audit_line("patron.guardian_consent", guardian, "{guardian_consent}", "staff-1",
                       "admin")}));
}

TEST_F(RegisterConsentTest, RecordingTheSameStateAgainWritesNothing) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_person(born_years_ago(9), 3, guardian);
    Register reg(context());

    StorageSnapshot before = snapshot();
    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, false)));
    EXPECT_EQ(snapshot(), before) << "withdrawing consent never given changed something";

    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, true)));
    clock_.advance(std::chrono::hours(1));
    before = snapshot();
    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, true)));
    EXPECT_EQ(snapshot(), before) << "consent given twice changed something";
}

TEST_F(RegisterConsentTest, ConsentOfSomeoneWhoIsNotTheWardsGuardianIsNotFound) {
    const PatronId guardian = add_adult(2);
    const PatronId stranger = add_adult(3);
    const PatronId ward = add_person(born_years_ago(9), 4, guardian);
    Register reg(context());
    const StorageSnapshot before = snapshot();

    EXPECT_TRUE(Refused(reg.set_guardian_consent(staff(), ward, stranger, true),
                        ErrorCode::not_found, "guardian"));
    // The link the other way round is not a guardianship of `guardian` by `ward`.
    EXPECT_TRUE(Refused(reg.set_guardian_consent(staff(), guardian, ward, true),
                        ErrorCode::not_found, "guardian"));
    EXPECT_TRUE(Refused(reg.set_guardian_consent(staff(), PatronId{999999}, guardian, true),
                        ErrorCode::not_found, "guardian"));
    EXPECT_TRUE(Refused(reg.set_guardian_consent(staff(), ward, PatronId{999999}, true),
                        ErrorCode::not_found, "guardian"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterConsentTest, EachGuardiansConsentIsTheirOwn) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const PatronId ward = add_person(born_years_ago(9), 4, first);
    Register reg(context());
    ASSERT_TRUE(Succeeded(reg.add_guardian(staff(), ward, second)));

    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, second, true)));
    EXPECT_EQ(consent_of(ward), fmt::format("{},{}/{}", first.value, second.value, second.value));
    EXPECT_EQ(stored_consent(ward, first), "null null");
}

TEST_F(RegisterConsentTest, ConsentGivenAtRegistrationIsRecordedWithTheGuardianship) {
    const PatronId guardian = add_adult(2);
    PatronForm form = person_form(card_for(3), hetu_for(born_years_ago(9), 3));
    form.guardian = guardian;
    form.guardian_consent = true;
    const PatronId ward = add(form);
    EXPECT_EQ(consent_of(ward), fmt::format("{0}/{0}", guardian.value));
    EXPECT_EQ(stored_consent(ward, guardian), "true staff-1");
}

TEST_F(RegisterConsentTest, ConsentAtRegistrationNeedsAGuardian) {
    Register reg(context());
    const PatronId adult = add_adult(2);
    const StorageSnapshot before = snapshot();

    PatronForm person = person_form(card_for(3), hetu_for(kAdultBirth, 3));
    person.guardian_consent = true;
    EXPECT_TRUE(Refused(reg.register_patron(staff(), person), ErrorCode::invalid_input,
                        "guardian_consent"));
    PatronForm organisation = organisation_form(card_for(4), adult);
    organisation.guardian_consent = true;
    EXPECT_TRUE(
        Refused(reg.register_patron(staff(), organisation), ErrorCode::invalid_input, "guardian"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterConsentTest, ConsentEndsWithTheGuardianshipOnTheFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const Date birth = born_years_ago(15, 1);
    const PatronId ward = add_person(birth, 3, guardian);
    Register reg(context());
    ASSERT_TRUE(Succeeded(reg.set_guardian_consent(staff(), ward, guardian, true)));
    EXPECT_EQ(consent_of(ward), fmt::format("{0}/{0}", guardian.value));

    clock_.set_today(birthday(birth, 15));
    EXPECT_EQ(consent_of(ward), "/");
    // A consent recorded or withdrawn now would have no effect: refused, nothing written.
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.set_guardian_consent(staff(), ward, guardian, false),
                        ErrorCode::invalid_input, "ward"));
    EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace patron::test
