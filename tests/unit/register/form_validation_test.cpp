// Validation of registration and contact-change forms: every refusal names its field and kind,
// accepted values come out normalised, and the under-15 guardian rule turns on the birthday.

#include "register/form_validation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/test_data.hpp"

namespace patron {
namespace {

using detail::apply_contact_change;
using detail::validate_registration;
using std::chrono::year;

// No test code may be a real person's: people here are born in the 2080s.
constexpr Date kToday{year{2099} / 6 / 15};
constexpr Date kAdultBirth{year{2080} / 3 / 4};
constexpr Date kChildBirth{year{2081} / 11 / 25};
constexpr Date kDayBefore15thBirthday{year{2096} / 11 / 24};
constexpr Date k15thBirthday{year{2096} / 11 / 25};
constexpr PatronId kGuardian{7};
constexpr PatronId kResponsible{5};

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

PatronForm adult_form() { return test::person_form("AB12345", test::hetu_for(kAdultBirth, 234)); }

PatronForm child_form() {
    PatronForm form = test::person_form("CH12345", test::hetu_for(kChildBirth, 345));
    form.guardian = kGuardian;
    return form;
}

PatronForm organisation_form() { return test::organisation_form("ORG1234", kResponsible); }

// A person form with every notice channel "none".
PatronForm quiet_form() {
    PatronForm form = adult_form();
    form.due_date_reminder = form.overdue_notice = form.hold_ready = "none";
    return form;
}

// Checks that `form` is refused with `code` on `field`, with a reason that exists and repeats no
// personal value of the form.
void expect_refused(const PatronForm& form, ErrorCode code, std::string_view field,
                    Date today = kToday) {
    const Result<detail::ValidRegistration> result = validate_registration(form, today);
    if (result.has_value()) {
        ADD_FAILURE() << "accepted, expected a refusal on " << field;
        return;
    }
    const Error& error = result.error();
    EXPECT_EQ(to_string(error.code), to_string(code)) << "refused on " << error.field;
    EXPECT_EQ(error.field, field) << "reason: " << error.message;
    EXPECT_FALSE(error.message.empty());
    for (const std::string* value :
         {&form.hetu, &form.surname, &form.given_names, &form.organisation_name,
          &form.street_address, &form.post_office, &form.email, &form.card_number}) {
        const std::string_view trimmed = trim(*value);
        EXPECT_TRUE(trimmed.size() < 4 || !contains(error.message, trimmed))
            << "the reason repeats a value of the form";
    }
}

#define EXPECT_REFUSED(form, code, field, ...)                        \
    do {                                                              \
        SCOPED_TRACE(field);                                          \
        expect_refused(form, code, field __VA_OPT__(, ) __VA_ARGS__); \
    } while (false)

// The validated registration of a form the test expects to be valid.
detail::ValidRegistration accepted(const PatronForm& form, Date today = kToday) {
    Result<detail::ValidRegistration> result = validate_registration(form, today);
    if (!result) {
        throw std::runtime_error("refused on " + result.error().field + ": " +
                                 result.error().message);
    }
    return std::move(*result);
}

// --- kind and identity -------------------------------------------------------------------------

TEST(ValidateRegistration, AcceptsACompletePerson) {
    const detail::ValidRegistration out = accepted(adult_form());
    EXPECT_EQ(out.patron.kind, PatronKind::person);
    ASSERT_TRUE(out.hetu.has_value());
    EXPECT_TRUE(out.hetu->text() == adult_form().hetu);
    EXPECT_TRUE(out.patron.surname == "Testinen");
    EXPECT_TRUE(out.patron.given_names == "Testi");
    EXPECT_FALSE(out.guardian.has_value());
    EXPECT_FALSE(out.responsible_person.has_value());
    ASSERT_TRUE(out.patron.address.has_value());
    EXPECT_TRUE(out.patron.address->street == "Testikatu 1");
    EXPECT_TRUE(out.patron.address->postal_code.value() == "00100");
    EXPECT_TRUE(out.patron.address->post_office == "Helsinki");
    EXPECT_EQ(out.patron.address->country.value(), "FI");
    ASSERT_TRUE(out.patron.mother_tongue.has_value());
    EXPECT_EQ(out.patron.mother_tongue->value(), "fi");
    EXPECT_EQ(out.patron.gender, Gender::not_given);
    EXPECT_TRUE(out.patron.home_library == "Test library");
    EXPECT_EQ(out.patron.notices.due_date_reminder, Channel::email);
    EXPECT_EQ(out.patron.notices.overdue_notice, Channel::sms);
    EXPECT_EQ(out.patron.notices.hold_ready, Channel::letter);
    EXPECT_TRUE(out.patron.organisation_name.empty());
}

TEST(ValidateRegistration, RefusesUnknownKind) {
    for (const char* kind : {"robot", "", "Person", "PERSON", "organization", "persons"}) {
        PatronForm form = adult_form();
        form.kind = kind;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "kind");
    }
}

TEST(ValidateRegistration, TrimsKind) {
    PatronForm form = adult_form();
    form.kind = " person\t";
    EXPECT_EQ(accepted(form).patron.kind, PatronKind::person);
}

TEST(ValidateRegistration, RefusesPersonWithoutValidIdentityCode) {
    PatronForm form = adult_form();
    form.hetu = "";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "hetu");
    form.hetu = "131052-308X";  // bad check character
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "hetu");
    form.hetu = test::hetu_for(Date{year{2099} / 6 / 16}, 234);  // born tomorrow
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "hetu");
}

TEST(ValidateRegistration, RefusesPersonWithoutNames) {
    for (const char* blank : {"", "   ", "\t\n"}) {
        PatronForm form = adult_form();
        form.surname = blank;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "surname");
        form = adult_form();
        form.given_names = blank;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "given_names");
    }
}

TEST(ValidateRegistration, RefusesBadNames) {
    for (const std::string& bad : {std::string(201, 'a'), std::string("Virta\x01nen"),
                                   std::string("Virta\x7fnen"), std::string("Virta\xffnen")}) {
        PatronForm form = adult_form();
        form.surname = bad;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "surname");
        form = adult_form();
        form.given_names = bad;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "given_names");
    }
}

TEST(ValidateRegistration, RefusesPersonWithOrganisationFields) {
    PatronForm form = adult_form();
    form.organisation_name = "Testikoulu";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "organisation_name");
    form = adult_form();
    form.responsible_person = kResponsible;
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "responsible_person");
}

TEST(ValidateRegistration, TrimsNames) {
    PatronForm form = adult_form();
    form.surname = "  Virtanen \t";
    form.given_names = "\tAino  Maria ";
    form.home_library = " Main library ";
    const detail::ValidRegistration out = accepted(form);
    EXPECT_TRUE(out.patron.surname == "Virtanen") << "surname not trimmed";
    EXPECT_TRUE(out.patron.given_names == "Aino  Maria") << "given names not trimmed";
    EXPECT_TRUE(out.patron.home_library == "Main library") << "home library not trimmed";
}

TEST(ValidateRegistration, AcceptsNamesInUtf8) {
    PatronForm form = adult_form();
    form.surname = "Äärelä-Öhman";
    form.given_names = "Åsa Sámi";
    const detail::ValidRegistration out = accepted(form);
    EXPECT_TRUE(out.patron.surname == "Äärelä-Öhman");
    EXPECT_TRUE(out.patron.given_names == "Åsa Sámi");
}

// --- guardians -----------------------------------------------------------------------------------

TEST(ValidateRegistration, ChildOnTheDayBeforeThe15thBirthdayNeedsAGuardian) {
    PatronForm form = child_form();
    form.guardian.reset();
    EXPECT_REFUSED(form, ErrorCode::guardian_required, "guardian", kDayBefore15thBirthday);

    const detail::ValidRegistration out = accepted(child_form(), kDayBefore15thBirthday);
    ASSERT_TRUE(out.guardian.has_value());
    EXPECT_EQ(out.guardian->value, kGuardian.value);
}

TEST(ValidateRegistration, PersonOnThe15thBirthdayHasNoGuardian) {
    EXPECT_REFUSED(child_form(), ErrorCode::invalid_input, "guardian", k15thBirthday);

    PatronForm form = child_form();
    form.guardian.reset();
    const detail::ValidRegistration out = accepted(form, k15thBirthday);
    EXPECT_FALSE(out.guardian.has_value());
}

TEST(ValidateRegistration, NewbornNeedsAGuardian) {
    PatronForm form = child_form();
    form.guardian.reset();
    EXPECT_REFUSED(form, ErrorCode::guardian_required, "guardian", kChildBirth);
    EXPECT_NO_THROW((void)accepted(child_form(), kChildBirth));
}

TEST(ValidateRegistration, LeapDayChildTurns15OnFebruary28) {
    // Born 29 February 2084: the 15th birthday in 2099 (not a leap year) is 28 February.
    PatronForm form = child_form();
    form.hetu = test::hetu_for(Date{year{2084} / 2 / 29}, 456);
    EXPECT_NO_THROW((void)accepted(form, Date{year{2099} / 2 / 27}));
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "guardian", Date{year{2099} / 2 / 28});
}

TEST(ValidateRegistration, RefusesAdultWithGuardian) {
    PatronForm form = adult_form();
    form.guardian = kGuardian;
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "guardian");
}

// --- organisations -------------------------------------------------------------------------------

TEST(ValidateRegistration, AcceptsAnOrganisation) {
    const detail::ValidRegistration out = accepted(organisation_form());
    EXPECT_EQ(out.patron.kind, PatronKind::organisation);
    EXPECT_TRUE(out.patron.organisation_name == "Testikoulu");
    ASSERT_TRUE(out.responsible_person.has_value());
    EXPECT_EQ(out.responsible_person->value, kResponsible.value);
    EXPECT_FALSE(out.hetu.has_value());
    EXPECT_FALSE(out.guardian.has_value());
    EXPECT_TRUE(out.patron.surname.empty());
    EXPECT_FALSE(out.patron.address.has_value());
    EXPECT_EQ(out.patron.notices, NotificationChannels{});
}

TEST(ValidateRegistration, RefusesOrganisationWithPersonFields) {
    PatronForm form = organisation_form();
    form.hetu = "131052-308T";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "hetu");
    form = organisation_form();
    form.surname = "Testinen";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "surname");
    form = organisation_form();
    form.given_names = "Testi";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "given_names");
    form = organisation_form();
    form.gender = "female";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "gender");
}

TEST(ValidateRegistration, RefusesOrganisationWithoutName) {
    PatronForm form = organisation_form();
    form.organisation_name = " ";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "organisation_name");
    form.organisation_name = std::string(201, 'o');
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "organisation_name");
}

TEST(ValidateRegistration, RefusesOrganisationWithGuardian) {
    PatronForm form = organisation_form();
    form.guardian = kGuardian;
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "guardian");
}

TEST(ValidateRegistration, RefusesOrganisationWithoutResponsiblePerson) {
    PatronForm form = organisation_form();
    form.responsible_person.reset();
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "responsible_person");
}

// --- address ----------------------------------------------------------------------------------

TEST(ValidateRegistration, RefusesPartialAddressNamingTheMissingPart) {
    struct Case {
        const char* street;
        const char* postal;
        const char* office;
        const char* missing;
    };
    for (const Case& c :
         {Case{"Testikatu 1", "", "", "postal_code"}, Case{"", "00100", "", "street_address"},
          Case{"", "", "Helsinki", "street_address"},
          Case{"Testikatu 1", "00100", "", "post_office"},
          Case{"Testikatu 1", "", "Helsinki", "postal_code"},
          Case{"", "00100", "Helsinki", "street_address"},
          Case{" ", "00100", "Helsinki", "street_address"}}) {
        PatronForm form = quiet_form();
        form.street_address = c.street;
        form.postal_code = c.postal;
        form.post_office = c.office;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, c.missing);
    }
}

TEST(ValidateRegistration, AcceptsNoAddressAtAll) {
    PatronForm form = quiet_form();
    form.street_address = form.postal_code = form.post_office = "";
    EXPECT_FALSE(accepted(form).patron.address.has_value());
    form.street_address = "  ";
    form.country = "SE";
    EXPECT_FALSE(accepted(form).patron.address.has_value());
}

TEST(ValidateRegistration, RefusesBadAddressParts) {
    PatronForm form = adult_form();
    form.postal_code = "0010";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "postal_code");
    form = adult_form();
    form.street_address = std::string("Testikatu\x1b[1m 1");
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "street_address");
    form = adult_form();
    form.post_office = std::string(201, 'p');
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "post_office");
}

TEST(ValidateRegistration, RefusesBadCountry) {
    for (const char* country : {"FIN", "F1", "F", "Suomi"}) {
        PatronForm form = adult_form();
        form.country = country;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "country");
    }
}

TEST(ValidateRegistration, NormalisesCountryAndForeignPostalCode) {
    PatronForm form = adult_form();
    form.country = "se";
    form.postal_code = "123 45";
    const detail::ValidRegistration out = accepted(form);
    ASSERT_TRUE(out.patron.address.has_value());
    EXPECT_EQ(out.patron.address->country.value(), "SE");
    EXPECT_EQ(out.patron.address->postal_code.value(), "123 45");

    form.country = "";
    form.postal_code = "00100";
    EXPECT_EQ(accepted(form).patron.address->country.value(), "FI");
}

// --- contact -------------------------------------------------------------------------------------

TEST(ValidateRegistration, RefusesBadEmail) {
    PatronForm form = adult_form();
    form.email = "testi.example.fi";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "email");
}

TEST(ValidateRegistration, NormalisesEmailDomain) {
    PatronForm form = adult_form();
    form.email = "  Testi.Henkilo@Example.FI ";
    const detail::ValidRegistration out = accepted(form);
    ASSERT_TRUE(out.patron.email.has_value());
    EXPECT_TRUE(out.patron.email->value() == "Testi.Henkilo@example.fi") << "email not normalised";
}

TEST(ValidateRegistration, RefusesBadPhone) {
    PatronForm form = adult_form();
    form.phones = {"040 000 0000", "not a number"};
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "phone");
}

TEST(ValidateRegistration, NormalisesPhonesAndCollapsesDuplicates) {
    PatronForm form = adult_form();
    form.phones = {"040 123 4567", "+358401234567", "  ", "00358 40 123 4567", "(09) 123 456"};
    const detail::ValidRegistration out = accepted(form);
    ASSERT_EQ(out.patron.phones.size(), 2U);
    EXPECT_TRUE(out.patron.phones[0].value() == "+358401234567") << "phone not normalised";
    EXPECT_TRUE(out.patron.phones[1].value() == "+3589123456") << "phone not normalised";
}

TEST(ValidateRegistration, RefusesMoreThanFivePhones) {
    PatronForm form = adult_form();
    form.phones = {"040 000 0001", "040 000 0002", "040 000 0003",
                   "040 000 0004", "040 000 0005", "040 000 0006"};
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "phones");
    // Five distinct numbers, one written twice, are five.
    form.phones.back() = "+358400000001";
    EXPECT_EQ(accepted(form).patron.phones.size(), 5U);
}

// --- library fields ------------------------------------------------------------------------------

TEST(ValidateRegistration, RefusesBadCardNumber) {
    for (const char* card : {"", "   ", "ABC", "AB-12345", "ÄB12345", "123456789012345678901"}) {
        PatronForm form = adult_form();
        form.card_number = card;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "card_number");
    }
}

TEST(ValidateRegistration, UpperCasesCardNumber) {
    PatronForm form = adult_form();
    form.card_number = " ab12cd34 ";
    EXPECT_TRUE(accepted(form).patron.card.value() == "AB12CD34") << "card not normalised";
}

TEST(ValidateRegistration, RefusesBadHomeLibrary) {
    for (const std::string& library :
         {std::string(), std::string(" \t "), std::string(201, 'l'), std::string("Main\x01"),
          std::string("Main\tlibrary"), std::string("Main\nlibrary"), std::string("Main\x7f"),
          std::string("Main \xff library"), std::string("Main \xc3"), std::string("\x80Main"),
          std::string("Main \xe2\x82 library"), std::string("Main \xf8\x88\x80\x80\x80")}) {
        PatronForm form = adult_form();
        form.home_library = library;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "home_library");
    }
}

TEST(ValidateRegistration, RefusesOverlongAndSurrogateUtf8) {
    // Not UTF-8 either (RFC 3629 §3): overlong forms, UTF-16 surrogates, code points beyond
    // U+10FFFF. PostgreSQL would refuse them later as a database error.
    for (const std::string& library :
         {std::string("Main \xc0\xaf"), std::string("Main \xc1\xbf"),
          std::string("Main \xe0\x80\xaf"), std::string("Main \xf0\x80\x80\xaf"),
          std::string("Main \xed\xa0\x80"), std::string("Main \xed\xbf\xbf"),
          std::string("Main \xf4\x90\x80\x80"), std::string("Main \xf5\x80\x80\x80")}) {
        PatronForm form = adult_form();
        form.home_library = library;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "home_library");
    }
}

TEST(ValidateRegistration, RefusesC1ControlCharacters) {
    // U+0085 NEXT LINE and U+009B CONTROL SEQUENCE INTRODUCER are control characters too; the
    // latter starts a terminal escape sequence when a name is printed.
    for (const std::string& library :
         {std::string("Main\xc2\x85library"), std::string("Main\xc2\x9b"
                                                          "31mlibrary")}) {
        PatronForm form = adult_form();
        form.home_library = library;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "home_library");
    }
}

TEST(ValidateRegistration, AcceptsHomeLibraryOf200Bytes) {
    PatronForm form = adult_form();
    form.home_library = std::string(198, 'l') + "\xc3\xa4";  // 200 bytes, 199 characters
    EXPECT_EQ(accepted(form).patron.home_library.size(), 200U);
    form.home_library = std::string(199, 'l') + "\xc3\xa4";
    EXPECT_REFUSED(form, ErrorCode::invalid_input, "home_library");
}

TEST(ValidateRegistration, RefusesBadMotherTongue) {
    for (const char* language : {"xx", "fin", "f", "suomi", "f1"}) {
        PatronForm form = adult_form();
        form.mother_tongue = language;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "mother_tongue");
    }
}

TEST(ValidateRegistration, NormalisesMotherTongueAndLeavesItOptional) {
    PatronForm form = adult_form();
    form.mother_tongue = " SV ";
    ASSERT_TRUE(accepted(form).patron.mother_tongue.has_value());
    EXPECT_EQ(accepted(form).patron.mother_tongue->value(), "sv");
    form.mother_tongue = "";
    EXPECT_FALSE(accepted(form).patron.mother_tongue.has_value());
}

TEST(ValidateRegistration, RefusesBadGender) {
    for (const char* gender : {"f", "Female", "unknown", "none"}) {
        PatronForm form = adult_form();
        form.gender = gender;
        EXPECT_REFUSED(form, ErrorCode::invalid_input, "gender");
    }
}

TEST(ValidateRegistration, ReadsGender) {
    PatronForm form = adult_form();
    for (const auto& [text, gender] :
         {std::pair{"female", Gender::female}, std::pair{"male", Gender::male},
          std::pair{" other ", Gender::other}, std::pair{"not_given", Gender::not_given},
          std::pair{"", Gender::not_given}}) {
        form.gender = text;
        EXPECT_EQ(accepted(form).patron.gender, gender) << text;
    }
}

// --- notice channels -----------------------------------------------------------------------------

constexpr const char* kChannelFields[] = {"due_date_reminder", "overdue_notice", "hold_ready"};

std::string& channel_of(PatronForm& form, std::string_view field) {
    if (field == "due_date_reminder") return form.due_date_reminder;
    if (field == "overdue_notice") return form.overdue_notice;
    return form.hold_ready;
}

TEST(ValidateRegistration, RefusesUnknownChannel) {
    for (const char* field : kChannelFields) {
        for (const char* value : {"fax", "Email", "e-mail", "post"}) {
            PatronForm form = quiet_form();
            channel_of(form, field) = value;
            EXPECT_REFUSED(form, ErrorCode::invalid_input, field);
        }
    }
}

TEST(ValidateRegistration, RefusesEachChannelWithoutItsContact) {
    for (const char* field : kChannelFields) {
        PatronForm email = quiet_form();
        email.email = "";
        channel_of(email, field) = "email";
        EXPECT_REFUSED(email, ErrorCode::invalid_input, field);

        PatronForm sms = quiet_form();
        sms.phones = {};
        channel_of(sms, field) = "sms";
        EXPECT_REFUSED(sms, ErrorCode::invalid_input, field);

        PatronForm blank_phone = quiet_form();
        blank_phone.phones = {" "};
        channel_of(blank_phone, field) = "sms";
        EXPECT_REFUSED(blank_phone, ErrorCode::invalid_input, field);

        PatronForm letter = quiet_form();
        letter.street_address = letter.postal_code = letter.post_office = "";
        channel_of(letter, field) = "letter";
        EXPECT_REFUSED(letter, ErrorCode::invalid_input, field);
    }
}

TEST(ValidateRegistration, ReadsChannelsAndDefaultsToNone) {
    PatronForm form = quiet_form();
    form.due_date_reminder = " sms ";
    form.overdue_notice = "";
    form.hold_ready = "email";
    const NotificationChannels notices = accepted(form).patron.notices;
    EXPECT_EQ(notices.due_date_reminder, Channel::sms);
    EXPECT_EQ(notices.overdue_notice, Channel::none);
    EXPECT_EQ(notices.hold_ready, Channel::email);
}

TEST(ValidateRegistration, AcceptsChannelNoneWithoutAnyContact) {
    PatronForm form = quiet_form();
    form.email = "";
    form.phones = {};
    form.street_address = form.postal_code = form.post_office = "";
    const detail::ValidRegistration out = accepted(form);
    EXPECT_FALSE(out.patron.email.has_value());
    EXPECT_TRUE(out.patron.phones.empty());
    EXPECT_FALSE(out.patron.address.has_value());
}

// --- apply_contact_change ------------------------------------------------------------------------

// The patron of adult_form(): address, email, one phone; due-date by email, overdue by sms, hold
// ready by letter.
Patron current_patron(PatronForm form = adult_form()) { return accepted(form).patron; }

struct Applied {
    Result<store::ContactData> result;
    std::vector<std::string> changed;
};

Applied apply(const Patron& current, const ContactForm& change) {
    std::vector<std::string> changed;
    Result<store::ContactData> result = apply_contact_change(current, change, changed);
    return Applied{std::move(result), std::move(changed)};
}

// Checks a refused change: kind, field, and that nothing was reported changed.
void expect_change_refused(const Applied& applied, std::string_view field) {
    if (applied.result.has_value()) {
        ADD_FAILURE() << "accepted, expected a refusal on " << field;
        return;
    }
    EXPECT_EQ(applied.result.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(applied.result.error().field, field) << applied.result.error().message;
    EXPECT_TRUE(applied.changed.empty());
}

using Names = std::vector<std::string>;

TEST(ApplyContactChange, ChangesNothingWhenNothingIsGiven) {
    const Patron current = current_patron();
    const Applied applied = apply(current, ContactForm{});
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_TRUE(applied.changed.empty());
    EXPECT_TRUE(applied.result->address == current.address);
    EXPECT_TRUE(applied.result->email == current.email);
    EXPECT_TRUE(applied.result->phones == current.phones);
    EXPECT_EQ(applied.result->notices, current.notices);
}

TEST(ApplyContactChange, ChangesOnlyTheEmail) {
    const Patron current = current_patron();
    ContactForm change;
    change.email = "Uusi@Example.FI";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_EQ(applied.changed, Names{"email"});
    ASSERT_TRUE(applied.result->email.has_value());
    EXPECT_TRUE(applied.result->email->value() == "Uusi@example.fi") << "email not normalised";
    EXPECT_TRUE(applied.result->address == current.address);
    EXPECT_TRUE(applied.result->phones == current.phones);
    EXPECT_EQ(applied.result->notices, current.notices);
}

TEST(ApplyContactChange, ReportsNoChangeForTheSameValueWrittenDifferently) {
    const Patron current = current_patron();
    ContactForm change;
    change.email = " testi@EXAMPLE.fi ";
    change.phones = std::vector<std::string>{"+358 40 000 0000"};
    change.street_address = " Testikatu 1 ";
    change.postal_code = "00100";
    change.post_office = "Helsinki";
    change.country = "fi";
    change.due_date_reminder = "email";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_TRUE(applied.changed.empty()) << fmt::format("{}", fmt::join(applied.changed, ","));
}

TEST(ApplyContactChange, ReplacesThePhoneList) {
    const Patron current = current_patron();
    ContactForm change;
    change.phones = std::vector<std::string>{"050 111 2222", "050 111 2222", "+46 8 123 456"};
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_EQ(applied.changed, Names{"phones"});
    ASSERT_EQ(applied.result->phones.size(), 2U);
    EXPECT_TRUE(applied.result->phones[0].value() == "+358501112222");
    EXPECT_TRUE(applied.result->phones[1].value() == "+468123456");
    EXPECT_TRUE(applied.result->email == current.email);
}

TEST(ApplyContactChange, ChangesTheWholeAddress) {
    const Patron current = current_patron();
    ContactForm change;
    change.street_address = "Storgatan 2";
    change.postal_code = "111 22";
    change.post_office = "Stockholm";
    change.country = "se";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_EQ(applied.changed, Names{"address"});
    ASSERT_TRUE(applied.result->address.has_value());
    EXPECT_TRUE(applied.result->address->street == "Storgatan 2");
    EXPECT_EQ(applied.result->address->country.value(), "SE");
    EXPECT_EQ(applied.result->address->postal_code.value(), "111 22");
}

TEST(ApplyContactChange, DefaultsTheCountryOfANewAddressToFinland) {
    PatronForm form = adult_form();
    form.country = "SE";
    form.postal_code = "111 22";
    const Patron current = current_patron(form);
    ContactForm change;
    change.street_address = "Testikatu 2";
    change.postal_code = "00200";
    change.post_office = "Helsinki";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_EQ(applied.result->address->country.value(), "FI");
}

TEST(ApplyContactChange, ChangesEachChannel) {
    const Patron current = current_patron();
    ContactForm due;
    due.due_date_reminder = "sms";
    ContactForm overdue;
    overdue.overdue_notice = "email";
    ContactForm hold;
    hold.hold_ready = "none";
    for (const auto& [change, name] :
         {std::pair{due, "due_date_reminder"}, std::pair{overdue, "overdue_notice"},
          std::pair{hold, "hold_ready"}}) {
        const Applied applied = apply(current, change);
        ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
        EXPECT_EQ(applied.changed, Names{name});
    }
    const Applied applied = apply(current, due);
    EXPECT_EQ(applied.result->notices.due_date_reminder, Channel::sms);
    EXPECT_EQ(applied.result->notices.overdue_notice, Channel::sms);
    EXPECT_EQ(applied.result->notices.hold_ready, Channel::letter);
}

TEST(ApplyContactChange, ListsEveryChangedFieldInOrder) {
    const Patron current = current_patron();
    ContactForm change;
    change.street_address = "Testikatu 2";
    change.postal_code = "00200";
    change.post_office = "Helsinki";
    change.email = "uusi@example.fi";
    change.phones = std::vector<std::string>{"050 111 2222"};
    change.due_date_reminder = "sms";
    change.overdue_notice = "letter";
    change.hold_ready = "email";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_EQ(applied.changed, (Names{"address", "email", "phones", "due_date_reminder",
                                      "overdue_notice", "hold_ready"}));
}

TEST(ApplyContactChange, RefusesPartialAddress) {
    const Patron current = current_patron();
    ContactForm street_only;
    street_only.street_address = "Testikatu 2";
    expect_change_refused(apply(current, street_only), "street_address");

    ContactForm no_office;
    no_office.street_address = "Testikatu 2";
    no_office.postal_code = "00200";
    expect_change_refused(apply(current, no_office), "street_address");

    ContactForm country_only;
    country_only.country = "SE";
    expect_change_refused(apply(current, country_only), "street_address");

    ContactForm blank_office;
    blank_office.street_address = "Testikatu 2";
    blank_office.postal_code = "00200";
    blank_office.post_office = "";
    expect_change_refused(apply(current, blank_office), "post_office");
}

TEST(ApplyContactChange, RefusesBadValues) {
    const Patron current = current_patron();
    ContactForm email;
    email.email = "not-an-address";
    expect_change_refused(apply(current, email), "email");
    ContactForm phone;
    phone.phones = std::vector<std::string>{"abc"};
    expect_change_refused(apply(current, phone), "phone");
    ContactForm phones;
    phones.phones = std::vector<std::string>{"040 000 0001", "040 000 0002", "040 000 0003",
                                             "040 000 0004", "040 000 0005", "040 000 0006"};
    expect_change_refused(apply(current, phones), "phones");
    ContactForm postal;
    postal.street_address = "Testikatu 2";
    postal.postal_code = "1234";
    postal.post_office = "Helsinki";
    expect_change_refused(apply(current, postal), "postal_code");
    ContactForm country;
    country.street_address = "Testikatu 2";
    country.postal_code = "00200";
    country.post_office = "Helsinki";
    country.country = "FIN";
    expect_change_refused(apply(current, country), "country");
    for (const char* field : kChannelFields) {
        ContactForm channel;
        if (std::string_view(field) == "due_date_reminder") channel.due_date_reminder = "fax";
        if (std::string_view(field) == "overdue_notice") channel.overdue_notice = "fax";
        if (std::string_view(field) == "hold_ready") channel.hold_ready = "fax";
        expect_change_refused(apply(current, channel), field);
    }
}

TEST(ApplyContactChange, RefusesRemovingTheEmailWhileAChannelUsesIt) {
    const Patron current = current_patron();
    ASSERT_EQ(current.notices.due_date_reminder, Channel::email);
    ContactForm change;
    change.email = "";
    expect_change_refused(apply(current, change), "due_date_reminder");
}

TEST(ApplyContactChange, RemovesTheEmailTogetherWithItsChannel) {
    const Patron current = current_patron();
    ContactForm change;
    change.email = "";
    change.due_date_reminder = "none";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_FALSE(applied.result->email.has_value());
    EXPECT_EQ(applied.changed, (Names{"email", "due_date_reminder"}));
}

TEST(ApplyContactChange, RemovesTheEmailWhenGivenEmpty) {
    PatronForm form = adult_form();
    form.due_date_reminder = "sms";
    const Patron current = current_patron(form);
    ContactForm change;
    change.email = " ";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_FALSE(applied.result->email.has_value());
    EXPECT_EQ(applied.changed, Names{"email"});
}

TEST(ApplyContactChange, RefusesRemovingPhonesWhileSmsIsUsed) {
    const Patron current = current_patron();
    ContactForm change;
    change.phones = std::vector<std::string>{};
    expect_change_refused(apply(current, change), "overdue_notice");
}

TEST(ApplyContactChange, RefusesRemovingTheAddressWhileLettersAreSent) {
    const Patron current = current_patron();
    ContactForm change;
    change.street_address = change.postal_code = change.post_office = "";
    expect_change_refused(apply(current, change), "hold_ready");
}

TEST(ApplyContactChange, RemovesTheAddressWhenGivenThreeEmptyParts) {
    PatronForm form = adult_form();
    form.hold_ready = "email";
    const Patron current = current_patron(form);
    ContactForm change;
    change.street_address = change.postal_code = change.post_office = "";
    const Applied applied = apply(current, change);
    ASSERT_TRUE(applied.result.has_value()) << applied.result.error().message;
    EXPECT_FALSE(applied.result->address.has_value());
    EXPECT_EQ(applied.changed, Names{"address"});
}

TEST(ApplyContactChange, RefusesAChannelWhoseContactIsMissing) {
    PatronForm form = quiet_form();
    form.email = "";
    form.phones = {};
    form.street_address = form.postal_code = form.post_office = "";
    const Patron current = current_patron(form);
    ContactForm email;
    email.hold_ready = "email";
    expect_change_refused(apply(current, email), "hold_ready");
    ContactForm sms;
    sms.due_date_reminder = "sms";
    expect_change_refused(apply(current, sms), "due_date_reminder");
    ContactForm letter;
    letter.overdue_notice = "letter";
    expect_change_refused(apply(current, letter), "overdue_notice");
}

}  // namespace
}  // namespace patron
