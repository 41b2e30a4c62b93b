// Self-service (role `patron`) on circulation: a patron renews their loans, places and cancels
// their holds and reads their record, but does not lend, take back or charge, and reaches no one
// else's loans or holds. A guardian does the same for a ward under 15 until the ward's 15th
// birthday (a ward born on 29 February turns 15 on 28 February in a common year), and also reads
// the ward's record, updates the ward's email and phones (not the address) and changes the ward's
// PIN; a responsible person acts for their organisation.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/circulation/circulation_fixture.hpp"
#include "patron/pin/pin_service.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class CirculationSelfServiceTest : public CirculationDbTest {
protected:
    /// The audit line of a self-service call (actor "web", role patron).
    static std::string self_line(std::string_view action, PatronId patron,
                                 std::string_view fields) {
        return audit_line(action, patron, fields, "web", "patron", "self-service");
    }

    /// Every self-service circulation call on `target`'s loan, hold and records by `caller`:
    /// each succeeds when `allowed`, else each is refused as permission_denied and nothing
    /// changes.
    void expect_acts_for(PatronId caller, PatronId target, bool allowed) {
        const Loan loan = lend(target, fmt::format("S-{}-{}", target.value, ++item_counter_));
        const Hold queued = hold(target, fmt::format("Q-{}-{}", target.value, item_counter_));
        const TableSnapshot stored = table_snapshot();
        const long before = last_audit_id();
        const Caller who = self_service(caller);
        auto c = circulation();

        const auto renewed = c.renew(who, loan.id);
        const auto cancelled = c.cancel_hold(who, queued.id);
        const auto placed =
            c.place_hold(who, target, item(fmt::format("P-{}-{}", target.value, item_counter_)));
        const auto record = c.record(who, target);
        const auto summary = c.summary(who, target);

        if (allowed) {
            EXPECT_TRUE(Succeeded(renewed));
            EXPECT_TRUE(Succeeded(cancelled));
            EXPECT_TRUE(Succeeded(placed));
            EXPECT_TRUE(Succeeded(record));
            EXPECT_TRUE(Succeeded(summary));
            EXPECT_EQ(audit_after(before),
                      (std::vector<std::string>{
                          self_line("loan.renew", target, "{loans}"),
                          self_line("hold.cancel", target, "{holds}"),
                          self_line("hold.place", target, "{holds}"),
                          self_line("circulation.read", target,
                                    "{loans,holds,fees,invoices,loan_bans,messages}"),
                          self_line("circulation.summary", target, "{}")}));
            return;
        }
        EXPECT_TRUE(Refused(renewed, ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(cancelled, ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(placed, ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(record, ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(summary, ErrorCode::permission_denied, ""));
        EXPECT_EQ(table_snapshot(), stored);
        EXPECT_EQ(last_audit_id(), before);
    }

    int item_counter_ = 0;
};

// A patron for themselves.

TEST_F(CirculationSelfServiceTest, PatronRenewsHoldsAndReadsTheirOwnCirculation) {
    const PatronId id = add_adult(2);
    expect_acts_for(id, id, true);
}

TEST_F(CirculationSelfServiceTest, PatronMayNotLendTakeBackOrCharge) {
    const PatronId id = add_adult(2);
    lend(id, "B-1");
    const Fee fee = charge(id, 100);
    const TableSnapshot stored = table_snapshot();
    const StorageSnapshot register_before = snapshot();
    auto c = circulation();

    EXPECT_TRUE(
        Refused(c.checkout(self_service(id), id, item("B-2")), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(c.return_item(self_service(id), "B-1"), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(c.charge_fee(self_service(id), id, FeeKind::other, 100, "x"),
                        ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(c.pay_fee(self_service(id), fee.id), ErrorCode::permission_denied, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(snapshot(), register_before);
}

TEST_F(CirculationSelfServiceTest, PatronReachesNoOtherPatronsLoansOrHolds) {
    const PatronId id = add_adult(2);
    const PatronId other = add_adult(3);
    expect_acts_for(id, other, false);
}

TEST_F(CirculationSelfServiceTest, UnknownLoansAndHoldsGetTheSameRefusalAsOthers) {
    const PatronId id = add_adult(2);
    const long audits = audit_count();
    auto c = circulation();
    EXPECT_TRUE(
        Refused(c.renew(self_service(id), LoanId{999999}), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(
        Refused(c.cancel_hold(self_service(id), HoldId{999999}), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(
        Refused(c.summary(self_service(id), PatronId{999999}), ErrorCode::permission_denied, ""));
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationSelfServiceTest, BlockedPatronMayNotRenewOrPlaceHoldsThemselves) {
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "B-1");
    charge(id, 1500);
    const TableSnapshot stored = table_snapshot();

    EXPECT_TRUE(Refused(circulation().renew(self_service(id), loan.id),
                        ErrorCode::borrowing_blocked, "patron"));
    EXPECT_TRUE(Refused(circulation().place_hold(self_service(id), id, item("B-2")),
                        ErrorCode::borrowing_blocked, "patron"));
    EXPECT_EQ(table_snapshot(), stored);
}

// Guardians and responsible persons.

TEST_F(CirculationSelfServiceTest, GuardianActsForAWardUnderFifteen) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(9), 3, guardian);
    expect_acts_for(guardian, ward, true);
}

TEST_F(CirculationSelfServiceTest, WardActsForThemselvesButNotForTheirGuardian) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(12), 3, guardian);
    expect_acts_for(ward, ward, true);
    expect_acts_for(ward, guardian, false);
}

TEST_F(CirculationSelfServiceTest, NobodyButTheGuardianActsForTheWard) {
    const PatronId guardian = add_adult(2);
    const PatronId stranger = add_adult(3);
    const PatronId ward = add_ward(born_years_ago(9), 4, guardian);
    const PatronId sibling = add_ward(born_years_ago(11), 5, guardian);
    expect_acts_for(stranger, ward, false);
    expect_acts_for(sibling, ward, false);
}

TEST_F(CirculationSelfServiceTest, GuardianLosesTheRightsOnTheWardsFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const Date birth = born_years_ago(15, 10);  // turns 15 in ten days
    const PatronId ward = add_ward(birth, 3, guardian);
    const Date fifteenth = birthday(birth, 15);

    clock_.set_today(Date{std::chrono::sys_days{fifteenth} - std::chrono::days{1}});
    expect_acts_for(guardian, ward, true);

    clock_.set_today(fifteenth);
    expect_acts_for(guardian, ward, false);
    expect_acts_for(ward, ward, true);  // the ward, now 15, acts alone
}

TEST_F(CirculationSelfServiceTest, LeapDayWardsGuardianLosesTheRightsOnThe28thOfFebruary) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(Date{year{2012} / 2 / 29}, 3, guardian);

    // 2027 has no 29 February: the 15th birthday is 28 February.
    clock_.set_today(Date{year{2027} / 2 / 27});
    expect_acts_for(guardian, ward, true);
    clock_.set_today(Date{year{2027} / 2 / 28});
    expect_acts_for(guardian, ward, false);
}

TEST_F(CirculationSelfServiceTest, ResponsiblePersonActsForTheirOrganisationOnly) {
    const PatronId person = add_adult(2);
    const PatronId other_person = add_adult(3);
    const PatronId organisation = add_organisation(4, person);
    const PatronId other_organisation = add_organisation(5, other_person);
    expect_acts_for(person, organisation, true);
    expect_acts_for(person, other_organisation, false);
}

TEST_F(CirculationSelfServiceTest, GuardianReadsTheWardAndChangesEmailAndPhonesButNotAddress) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(9), 3, guardian);
    Register reg(context());

    const auto read = reg.find_by_id(self_service(guardian), ward);
    ASSERT_TRUE(Succeeded(read));
    EXPECT_EQ(read->id, ward);

    const long before = last_audit_id();
    ContactForm change;
    change.email = "huoltaja@example.fi";
    change.phones = std::vector<std::string>{"040 111 1111"};
    const auto updated = reg.update_contact(self_service(guardian), ward, change);
    ASSERT_TRUE(Succeeded(updated));
    ASSERT_TRUE(updated->email);
    EXPECT_EQ(updated->email->value(), "huoltaja@example.fi");
    ASSERT_EQ(updated->phones.size(), 1U);
    EXPECT_EQ(updated->phones[0].value(), PhoneNumber::parse("040 111 1111").value().value());
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{self_line("patron.update_contact", ward, "{email,phones}")});

    const StorageSnapshot stored = snapshot();
    ContactForm move;
    move.street_address = "Uusikatu 2";
    move.postal_code = "00200";
    move.post_office = "Helsinki";
    EXPECT_TRUE(Refused(reg.update_contact(self_service(guardian), ward, move),
                        ErrorCode::permission_denied, "street_address"));
    EXPECT_EQ(snapshot(), stored);
}

TEST_F(CirculationSelfServiceTest, GuardianChangesTheWardsPinUntilTheFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const Date birth = born_years_ago(15, 1);  // turns 15 tomorrow
    const PatronId ward = add_ward(birth, 3, guardian);
    set_pin(ward, kPin);
    PinService pins(context(), kFastPins);
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(pins.change_pin(self_service(guardian), ward, kPin, kOtherPin)));
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{self_line("pin.change", ward, "{pin}")});
    EXPECT_EQ(verify(card_for(3), kOtherPin).outcome, VerifyOutcome::verified);

    clock_.set_today(birthday(birth, 15));
    const std::string hash = stored_hash(ward);
    EXPECT_TRUE(Refused(pins.change_pin(self_service(guardian), ward, kOtherPin, kPin),
                        ErrorCode::permission_denied, ""));
    EXPECT_EQ(stored_hash(ward), hash);
    EXPECT_EQ(failed_attempts(ward), 0);
}

}  // namespace
}  // namespace patron::test
