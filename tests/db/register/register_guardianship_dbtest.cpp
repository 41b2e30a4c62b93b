// Guardianships: in force while the ward is under 15, computed from the ward's birth date on the
// clock's day (no scheduled job ends them), and Register::add_guardian's rules.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class RegisterGuardianshipTest : public RegisterDbTest {
protected:
    std::vector<std::int64_t> guardians_of(PatronId ward) {
        Register reg(context());
        const auto p = reg.find_by_id(staff(), ward);
        EXPECT_TRUE(Succeeded(p));
        return p ? ids(p->guardians) : std::vector<std::int64_t>{-1};
    }
    std::vector<std::int64_t> wards_of(PatronId guardian) {
        Register reg(context());
        const auto p = reg.find_by_id(staff(), guardian);
        EXPECT_TRUE(Succeeded(p));
        return p ? ids(p->wards) : std::vector<std::int64_t>{-1};
    }
    long stored_links(PatronId ward) const {
        return count(
            fmt::format("SELECT count(*) FROM guardianships WHERE ward_id = {}", ward.value));
    }
};

TEST_F(RegisterGuardianshipTest, GuardianshipEndsOnTheWardsFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const Date birth = born_years_ago(15, 1);  // the clock's today is the day before turning 15
    const PatronId ward = add_person(birth, 3, guardian);

    EXPECT_EQ(guardians_of(ward), std::vector<std::int64_t>{guardian.value});
    EXPECT_EQ(wards_of(guardian), std::vector<std::int64_t>{ward.value});

    clock_.set_today(Date{birth.year() + std::chrono::years{15}, birth.month(), birth.day()});
    EXPECT_TRUE(guardians_of(ward).empty());
    EXPECT_TRUE(wards_of(guardian).empty());
    EXPECT_EQ(stored_links(ward), 1) << "the row stays until retention removes it";
}

TEST_F(RegisterGuardianshipTest, LeapDayWardComesOfAgeOnTheTwentyEighthOfFebruary) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_person(Date{year{2012} / 2 / 29}, 3, guardian);

    // Act 150/1930 §4: 2027 has no 29 February, so the 15th birthday is 28 February.
    clock_.set_today(Date{year{2027} / 2 / 27});
    EXPECT_EQ(guardians_of(ward), std::vector<std::int64_t>{guardian.value});
    EXPECT_EQ(wards_of(guardian), std::vector<std::int64_t>{ward.value});
    clock_.set_today(Date{year{2027} / 2 / 28});
    EXPECT_TRUE(guardians_of(ward).empty());
    EXPECT_TRUE(wards_of(guardian).empty());
    EXPECT_EQ(stored_links(ward), 1);
}

TEST_F(RegisterGuardianshipTest, AddGuardianAddsASecondGuardianAndAuditsBothRecords) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const PatronId ward = add_person(born_years_ago(7), 4, first);
    Register reg(context());
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(reg.add_guardian(staff(), ward, second)));

    EXPECT_EQ(audit_after(before),
              (std::vector<std::string>{audit_line("patron.add_guardian", ward, "{guardians}"),
                                        audit_line("patron.add_guardian", second, "{wards}")}));
    EXPECT_EQ(guardians_of(ward), (std::vector<std::int64_t>{first.value, second.value}));
    EXPECT_EQ(wards_of(second), std::vector<std::int64_t>{ward.value});
    EXPECT_EQ(wards_of(first), std::vector<std::int64_t>{ward.value});
    EXPECT_EQ(sql_value(fmt::format("SELECT created_by || ' ' || (created_at = '{}'::timestamptz) "
                                    "FROM guardianships WHERE ward_id = {} AND guardian_id = {}",
                                    to_iso(clock_.now()), ward.value, second.value)),
              "staff-1 true");
}

TEST_F(RegisterGuardianshipTest, NamingARecordedGuardianAgainChangesAndAuditsNothing) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_person(born_years_ago(7), 4, guardian);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    ASSERT_TRUE(Succeeded(reg.add_guardian(staff(), ward, guardian)));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterGuardianshipTest, AddGuardianRefusesAWardOfFifteen) {
    const PatronId guardian = add_adult(2);
    const PatronId fifteen = add_person(born_years_ago(15), 3);
    const PatronId adult = add_adult(4);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(
        Refused(reg.add_guardian(staff(), fifteen, guardian), ErrorCode::invalid_input, "ward"));
    EXPECT_TRUE(
        Refused(reg.add_guardian(staff(), adult, guardian), ErrorCode::invalid_input, "ward"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterGuardianshipTest, AddGuardianRefusesAWardWhoTurnedFifteenSinceRegistration) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const Date birth = born_years_ago(15, 1);
    const PatronId ward = add_person(birth, 4, first);
    clock_.set_today(Date{birth.year() + std::chrono::years{15}, birth.month(), birth.day()});
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.add_guardian(staff(), ward, second), ErrorCode::invalid_input, "ward"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterGuardianshipTest, AddGuardianRefusesAGuardianWhoIsNotAnAdultPerson) {
    const PatronId adult = add_adult(2);
    const PatronId ward = add_person(born_years_ago(7), 3, adult);
    const PatronId seventeen = add_person(born_years_ago(18, 1), 4);
    const PatronId other_child = add_person(born_years_ago(12), 5, adult);
    const PatronId organisation = add_organisation(6, adult);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    for (const PatronId guardian : {seventeen, other_child, organisation, PatronId{999999}}) {
        SCOPED_TRACE(fmt::format("guardian id {}", guardian.value));
        EXPECT_TRUE(Refused(reg.add_guardian(staff(), ward, guardian), ErrorCode::guardian_required,
                            "guardian"));
        EXPECT_EQ(snapshot(), before);
    }
}

TEST_F(RegisterGuardianshipTest, AddGuardianRefusesTheWardAsTheirOwnGuardian) {
    const PatronId adult = add_adult(2);
    const PatronId ward = add_person(born_years_ago(7), 3, adult);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(
        Refused(reg.add_guardian(staff(), ward, ward), ErrorCode::invalid_input, "guardian"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterGuardianshipTest, AddGuardianOfAnUnknownWardIsNotFound) {
    const PatronId adult = add_adult(2);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    const auto result = reg.add_guardian(staff(), PatronId{999999}, adult);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::not_found);
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterGuardianshipTest, AddGuardianRefusesAnOrganisationAsWard) {
    const PatronId adult = add_adult(2);
    const PatronId second = add_adult(3);
    const PatronId organisation = add_organisation(4, adult);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(
        Refused(reg.add_guardian(staff(), organisation, second), ErrorCode::invalid_input, "ward"));
    EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace patron::test
