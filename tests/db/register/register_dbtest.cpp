// Register::register_patron: the register's rules on persons, organisations, guardians and
// responsible persons, and that a refused registration writes nothing.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/register/register_fixture.hpp"
#include "patron/register/register.hpp"
#include "support/test_cluster.hpp"
#include "support/test_data.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class RegisterTest : public RegisterDbTest {};

TEST_F(RegisterTest, RegistersAPersonAndFindsItByIdCardAndIdentityCode) {
    const std::string code = hetu_for(kAdultBirth, 123);
    const PatronId id = add(person_form("CARD0001", code));
    Register reg(context());

    const auto by_id = reg.find_by_id(staff(), id);
    ASSERT_TRUE(Succeeded(by_id));
    EXPECT_TRUE(by_id->surname == "Testinen") << "surname differs";
    ASSERT_TRUE(by_id->hetu);
    EXPECT_TRUE(by_id->hetu->text() == code) << "identity code differs";
    EXPECT_TRUE(by_id->hetu->birth_date() == kAdultBirth) << "birth date differs";

    const auto by_card = reg.find_by_card(staff(), "card0001");
    ASSERT_TRUE(Succeeded(by_card));
    EXPECT_EQ(by_card->id.value, id.value);

    const auto by_hetu = reg.find_by_hetu(staff(), code);
    ASSERT_TRUE(Succeeded(by_hetu));
    EXPECT_EQ(by_hetu->id.value, id.value);
}

TEST_F(RegisterTest, WritesOneAuditEntryPerReadWithoutPersonalData) {
    const PatronId id = add(person_form("CARD0001", hetu_for(kAdultBirth, 123)));
    Register reg(context());
    ASSERT_TRUE(Succeeded(reg.find_by_card(staff(), "CARD0001")));
    const auto rows = sql(fmt::format(
        "SELECT action, actor, role, purpose FROM audit_log WHERE patron_id = {} ORDER BY id",
        id.value));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0][0], "patron.register");
    EXPECT_EQ(rows[1][0], "patron.read");
    EXPECT_EQ(rows[1][1], "staff-1");
    EXPECT_EQ(rows[1][2], "circulation");
    EXPECT_EQ(rows[1][3], "test");
}

TEST_F(RegisterTest, PersonRoundTripsEveryFieldNormalisedWithStampsOfTheCaller) {
    const std::string code = hetu_for(kAdultBirth, 234);
    PatronForm form;
    form.kind = " person ";
    form.hetu = code;
    form.surname = "  Virtanen ";
    form.given_names = "Aino Maria";
    form.street_address = " Testikatu 5 B 12 ";
    form.postal_code = " 00100 ";
    form.post_office = "Helsinki";
    form.country = "fi";
    form.email = " Aino.Virtanen@Example.FI ";
    form.phones = {"040 123 4567", "+358 40 123 4567", "", "(09) 123-4567"};
    form.card_number = " ab12cd34 ";
    form.home_library = " Pääkirjasto ";
    form.mother_tongue = "SV";
    form.gender = "female";
    form.due_date_reminder = "sms";
    form.overdue_notice = "letter";
    form.hold_ready = "email";
    const Caller desk{"desk-7", Role::circulation, "registration", std::nullopt};

    Register reg(context());
    const auto id = reg.register_patron(desk, form);
    ASSERT_TRUE(Succeeded(id));
    const auto p = reg.find_by_id(staff(), *id);
    ASSERT_TRUE(Succeeded(p));

    EXPECT_EQ(p->id.value, id->value);
    EXPECT_EQ(p->kind, PatronKind::person);
    ASSERT_TRUE(p->hetu);
    EXPECT_TRUE(p->hetu->text() == code) << "identity code differs";
    EXPECT_TRUE(p->surname == "Virtanen") << "surname not trimmed";
    EXPECT_TRUE(p->given_names == "Aino Maria") << "given names differ";
    EXPECT_TRUE(p->organisation_name.empty()) << "a person got an organisation name";
    ASSERT_TRUE(p->address);
    EXPECT_TRUE(p->address->street == "Testikatu 5 B 12") << "street not trimmed";
    EXPECT_TRUE(p->address->postal_code.value() == "00100") << "postal code differs";
    EXPECT_TRUE(p->address->post_office == "Helsinki") << "post office differs";
    EXPECT_EQ(p->address->country.value(), "FI");
    ASSERT_TRUE(p->email);
    EXPECT_TRUE(p->email->value() == "Aino.Virtanen@example.fi")
        << "email: domain not lower-cased, or local part changed";
    ASSERT_EQ(p->phones.size(), 2u) << "duplicate or empty phone kept";
    EXPECT_TRUE(p->phones[0].value() == "+358401234567") << "first phone not E.164";
    EXPECT_TRUE(p->phones[1].value() == "+35891234567") << "second phone not E.164";
    EXPECT_TRUE(p->card.value() == "AB12CD34") << "card number not trimmed and upper-cased";
    EXPECT_TRUE(p->home_library == "Pääkirjasto") << "home library not trimmed";
    ASSERT_TRUE(p->mother_tongue);
    EXPECT_EQ(p->mother_tongue->value(), "sv");
    EXPECT_EQ(p->gender, Gender::female);
    EXPECT_EQ(p->notices.due_date_reminder, Channel::sms);
    EXPECT_EQ(p->notices.overdue_notice, Channel::letter);
    EXPECT_EQ(p->notices.hold_ready, Channel::email);
    EXPECT_TRUE(p->created_at == clock_.now()) << "created_at is not the clock's time";
    EXPECT_TRUE(p->modified_at == clock_.now()) << "modified_at is not the clock's time";
    EXPECT_EQ(p->created_by, "desk-7");
    EXPECT_EQ(p->modified_by, "desk-7");
    EXPECT_FALSE(p->last_card_activity);
    EXPECT_TRUE(p->guardians.empty());
    EXPECT_TRUE(p->wards.empty());
    EXPECT_FALSE(p->responsible_person);
    EXPECT_EQ(audit_after(0),
              (std::vector<std::string>{
                  audit_line("patron.register", *id, "{}", "desk-7", "circulation", "registration"),
                  audit_line("patron.read", *id)}));
}

TEST_F(RegisterTest, OrganisationIsRegisteredWithItsResponsiblePerson) {
    const PatronId adult = add_adult(2);
    const long before = last_audit_id();
    const PatronId organisation = add_organisation(3, adult);

    Register reg(context());
    const auto org = reg.find_by_id(staff(), organisation);
    ASSERT_TRUE(Succeeded(org));
    EXPECT_EQ(org->kind, PatronKind::organisation);
    EXPECT_TRUE(org->organisation_name == "Testikoulu") << "organisation name differs";
    EXPECT_FALSE(org->hetu);
    EXPECT_TRUE(org->surname.empty() && org->given_names.empty());
    ASSERT_TRUE(org->responsible_person);
    EXPECT_EQ(org->responsible_person->value, adult.value);
    EXPECT_TRUE(org->created_at == clock_.now());
    EXPECT_EQ(org->created_by, "staff-1");
    // The responsible person's record changed too: audited on their id, naming the link.
    EXPECT_EQ(audit_after(before),
              (std::vector<std::string>{audit_line("patron.register", organisation),
                                        audit_line("patron.register", adult, "{responsible_for}"),
                                        audit_line("patron.read", organisation)}));
}

TEST_F(RegisterTest, OrganisationWithoutResponsiblePersonIsRefused) {
    PatronForm form = organisation_form("CARD0003", PatronId{});
    form.responsible_person.reset();
    const StorageSnapshot before = snapshot();
    Register reg(context());
    EXPECT_TRUE(Refused(reg.register_patron(staff(), form), ErrorCode::invalid_input,
                        "responsible_person"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterTest, ResponsiblePersonMustBeAnAdultPersonPatron) {
    const PatronId adult = add_adult(2);
    const PatronId child = add_person(born_years_ago(10), 3, adult);
    const PatronId organisation = add_organisation(4, adult);
    const PatronId seventeen = add_person(born_years_ago(17), 5);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    int n = 10;
    for (const PatronId responsible : {child, organisation, seventeen, PatronId{999999}}) {
        SCOPED_TRACE(fmt::format("responsible person id {}", responsible.value));
        EXPECT_TRUE(
            Refused(reg.register_patron(staff(), organisation_form(card_for(++n), responsible)),
                    ErrorCode::invalid_input, "responsible_person"));
        EXPECT_EQ(snapshot(), before);
    }
}

TEST_F(RegisterTest, PersonCannotNameAResponsiblePerson) {
    const PatronId adult = add_adult(2);
    PatronForm form = person_form(card_for(3), hetu_for(kAdultBirth, 3));
    form.responsible_person = adult;
    const StorageSnapshot before = snapshot();
    Register reg(context());
    EXPECT_TRUE(Refused(reg.register_patron(staff(), form), ErrorCode::invalid_input,
                        "responsible_person"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterTest, ChildUnderFifteenWithoutGuardianIsRefused) {
    const StorageSnapshot before = snapshot();
    Register reg(context());
    for (const Date birth : {born_years_ago(10), born_years_ago(15, 1)}) {
        EXPECT_TRUE(
            Refused(reg.register_patron(staff(), person_form(card_for(2), hetu_for(birth, 2))),
                    ErrorCode::guardian_required, "guardian"));
    }
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterTest, ChildWithAdultGuardianIsLinkedBothWays) {
    const PatronId guardian = add_adult(2);
    const long before = last_audit_id();
    const PatronId child = add_person(born_years_ago(8), 3, guardian);

    Register reg(context());
    const auto ward_record = reg.find_by_id(staff(), child);
    ASSERT_TRUE(Succeeded(ward_record));
    EXPECT_EQ(ids(ward_record->guardians), std::vector<std::int64_t>{guardian.value});
    EXPECT_TRUE(ward_record->wards.empty());
    const auto guardian_record = reg.find_by_id(staff(), guardian);
    ASSERT_TRUE(Succeeded(guardian_record));
    EXPECT_EQ(ids(guardian_record->wards), std::vector<std::int64_t>{child.value});
    EXPECT_TRUE(guardian_record->guardians.empty());
    EXPECT_EQ(audit_after(before),
              (std::vector<std::string>{audit_line("patron.register", child),
                                        audit_line("patron.add_guardian", guardian, "{wards}"),
                                        audit_line("patron.read", child),
                                        audit_line("patron.read", guardian)}));
}

TEST_F(RegisterTest, GuardianWhoIsNotAnAdultPersonPatronIsRefusedAndNothingIsWritten) {
    const PatronId adult = add_adult(2);
    const PatronId seventeen = add_person(born_years_ago(17), 3);
    const PatronId almost_adult = add_person(born_years_ago(18, 1), 4);
    const PatronId organisation = add_organisation(5, adult);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    const long patrons = patron_count();
    const long audits = audit_count();
    int n = 10;
    for (const PatronId guardian : {seventeen, almost_adult, organisation, PatronId{999999}}) {
        SCOPED_TRACE(fmt::format("guardian id {}", guardian.value));
        ++n;
        PatronForm form = person_form(card_for(n), hetu_for(born_years_ago(9), n));
        form.guardian = guardian;
        EXPECT_TRUE(
            Refused(reg.register_patron(staff(), form), ErrorCode::guardian_required, "guardian"));
        EXPECT_EQ(patron_count(), patrons);
        EXPECT_EQ(audit_count(), audits);
        EXPECT_EQ(snapshot(), before);
    }
}

TEST_F(RegisterTest, PersonOfFifteenOrMoreCannotNameAGuardian) {
    const PatronId guardian = add_adult(2);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    int n = 10;
    for (const Date birth : {born_years_ago(15), born_years_ago(16), kAdultBirth}) {
        ++n;
        PatronForm form = person_form(card_for(n), hetu_for(birth, n));
        form.guardian = guardian;
        EXPECT_TRUE(
            Refused(reg.register_patron(staff(), form), ErrorCode::invalid_input, "guardian"));
    }
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterTest, NoticeChannelWithoutItsContactIsRefused) {
    Register reg(context());
    const StorageSnapshot before = snapshot();
    PatronForm no_email = person_form(card_for(2), hetu_for(kAdultBirth, 2));
    no_email.email.clear();
    EXPECT_TRUE(Refused(reg.register_patron(staff(), no_email), ErrorCode::invalid_input,
                        "due_date_reminder"));
    PatronForm no_phone = person_form(card_for(3), hetu_for(kAdultBirth, 3));
    no_phone.phones.clear();
    EXPECT_TRUE(Refused(reg.register_patron(staff(), no_phone), ErrorCode::invalid_input,
                        "overdue_notice"));
    PatronForm no_address = person_form(card_for(4), hetu_for(kAdultBirth, 4));
    no_address.street_address.clear();
    no_address.postal_code.clear();
    no_address.post_office.clear();
    EXPECT_TRUE(
        Refused(reg.register_patron(staff(), no_address), ErrorCode::invalid_input, "hold_ready"));
    EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace patron::test
