#include "patron/domain/contact.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace patron {
namespace {

// The reason `result` was refused. Checks the common contract on the way: invalid_input on
// `field`, a reason that exists and does not repeat the value.
template <class T>
std::string refusal(const Result<T>& result, std::string_view field, std::string_view input) {
    if (result.has_value()) {
        ADD_FAILURE() << "accepted, expected a refusal";
        return "";
    }
    const Error& error = result.error();
    EXPECT_EQ(error.code, ErrorCode::invalid_input);
    EXPECT_EQ(error.field, field);
    EXPECT_FALSE(error.message.empty());
    const std::string_view trimmed = trim(input);
    EXPECT_TRUE(trimmed.empty() || error.message.find(trimmed) == std::string::npos)
        << "reason repeats the value";
    return error.message;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// --- trim -------------------------------------------------------------------------------------

TEST(Trim, StripsAsciiWhiteSpaceAtBothEnds) {
    EXPECT_EQ(trim(" \t\n\v\f\rvalue \r\n"), "value");
    EXPECT_EQ(trim("value"), "value");
}

TEST(Trim, KeepsInnerWhiteSpace) { EXPECT_EQ(trim("  a b\tc  "), "a b\tc"); }

TEST(Trim, ReturnsEmptyForBlank) {
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \t\r\n"), "");
}

TEST(Trim, LeavesNonAsciiSpaceAlone) {
    // U+00A0 NO-BREAK SPACE in UTF-8: not ASCII white space, so the field check refuses it.
    EXPECT_EQ(trim("\xc2\xa0value"), "\xc2\xa0value");
}

// --- EmailAddress -----------------------------------------------------------------------------

std::string email_refusal(std::string_view input) {
    return refusal(EmailAddress::parse(input), "email", input);
}

TEST(EmailAddress, AcceptsPlainAddress) {
    const auto email = EmailAddress::parse("reader@example.com");
    ASSERT_TRUE(email.has_value()) << email.error().message;
    EXPECT_EQ(email->value(), "reader@example.com");
}

TEST(EmailAddress, TrimsAndLowerCasesDomainOnly) {
    const auto email = EmailAddress::parse("  Reader.Name@Mail.Example.FI \t");
    ASSERT_TRUE(email.has_value()) << email.error().message;
    EXPECT_EQ(email->value(), "Reader.Name@mail.example.fi");
}

TEST(EmailAddress, AcceptsEveryAtextCharacterInLocalPart) {
    const auto email = EmailAddress::parse("a!#$%&'*+-/=?^_`{|}~.z@example.org");
    ASSERT_TRUE(email.has_value()) << email.error().message;
    EXPECT_EQ(email->value(), "a!#$%&'*+-/=?^_`{|}~.z@example.org");
}

TEST(EmailAddress, AcceptsHyphensDigitsAndPunycode) {
    for (const char* text : {"reader@mail-1.example.fi", "reader@xn--kirjast-dxa.example.fi",
                             "reader@example.xn--p1ai", "reader@3com.example.com"}) {
        const auto email = EmailAddress::parse(text);
        EXPECT_TRUE(email.has_value()) << text;
    }
}

TEST(EmailAddress, AcceptsAtMost254Characters) {
    const std::string local(64, 'a');
    const std::string domain =
        std::string(63, 'b') + '.' + std::string(63, 'c') + '.' + std::string(58, 'd') + ".fi";
    const std::string longest = local + '@' + domain;
    ASSERT_EQ(longest.size(), 254U);
    EXPECT_TRUE(EmailAddress::parse(longest).has_value());
    const std::string too_long = local + "@e" + domain;
    EXPECT_TRUE(contains(email_refusal(too_long), "254"));
}

TEST(EmailAddress, RejectsEmpty) {
    EXPECT_TRUE(contains(email_refusal(""), "empty"));
    EXPECT_TRUE(contains(email_refusal(" \t "), "empty"));
}

TEST(EmailAddress, RejectsNonAsciiAskingForPunycode) {
    EXPECT_TRUE(contains(email_refusal("reader@kirjastö.fi"), "xn--"));
    EXPECT_TRUE(contains(email_refusal("lukijä@example.fi"), "ASCII"));
}

TEST(EmailAddress, RejectsMissingOrRepeatedAtSign) {
    const std::string none = email_refusal("reader.example.com");
    EXPECT_TRUE(contains(none, "@"));
    EXPECT_EQ(email_refusal("reader@@example.com"), none);
    EXPECT_EQ(email_refusal("reader@home@example.com"), none);
}

TEST(EmailAddress, RejectsEmptyOrLongLocalPart) {
    EXPECT_TRUE(contains(email_refusal("@example.com"), "empty"));
    EXPECT_TRUE(contains(email_refusal(std::string(65, 'a') + "@example.com"), "64"));
    EXPECT_TRUE(EmailAddress::parse(std::string(64, 'a') + "@example.com").has_value());
}

TEST(EmailAddress, RejectsCharactersOutsideAtext) {
    const std::string reason = email_refusal("read er@example.com");
    for (const char* text :
         {"reader,x@example.com", "\"reader\"@example.com", "reader(x)@example.com",
          "reader\\x@example.com", "read;er@example.com", "reader\t1@example.com"}) {
        EXPECT_EQ(email_refusal(text), reason) << text;
    }
}

TEST(EmailAddress, RejectsMisplacedDotsInLocalPart) {
    const std::string reason = email_refusal(".reader@example.com");
    EXPECT_TRUE(contains(reason, "dot"));
    EXPECT_EQ(email_refusal("reader.@example.com"), reason);
    EXPECT_EQ(email_refusal("re..ader@example.com"), reason);
}

TEST(EmailAddress, RejectsEmptyDomain) { EXPECT_TRUE(contains(email_refusal("reader@"), "empty")); }

TEST(EmailAddress, RejectsEmptyDomainLabel) {
    const std::string reason = email_refusal("reader@example..com");
    EXPECT_EQ(email_refusal("reader@.example.com"), reason);
    EXPECT_EQ(email_refusal("reader@example.com."), reason);
}

TEST(EmailAddress, RejectsLongDomainLabel) {
    EXPECT_TRUE(contains(email_refusal("reader@" + std::string(64, 'b') + ".fi"), "63"));
    EXPECT_TRUE(EmailAddress::parse("reader@" + std::string(63, 'b') + ".fi").has_value());
}

TEST(EmailAddress, RejectsCharactersOutsideHostNames) {
    const std::string reason = email_refusal("reader@exa_mple.com");
    EXPECT_EQ(email_refusal("reader@[192.0.2.1]"), reason);
    EXPECT_EQ(email_refusal("reader@example.com:25"), reason);
    EXPECT_EQ(email_refusal("reader@exa mple.com"), reason);
}

TEST(EmailAddress, RejectsHyphenAtLabelEnd) {
    const std::string reason = email_refusal("reader@-example.com");
    EXPECT_TRUE(contains(reason, "hyphen"));
    EXPECT_EQ(email_refusal("reader@example-.com"), reason);
    EXPECT_EQ(email_refusal("reader@example.com-"), reason);
}

TEST(EmailAddress, RejectsSingleLabelDomain) {
    EXPECT_TRUE(contains(email_refusal("reader@localhost"), "two labels"));
}

TEST(EmailAddress, RejectsTopLevelDomainThatIsNotLettersOrPunycode) {
    const std::string reason = email_refusal("reader@example.c");
    EXPECT_TRUE(contains(reason, "top-level"));
    EXPECT_EQ(email_refusal("reader@example.123"), reason);
    EXPECT_EQ(email_refusal("reader@example.c0m"), reason);
    EXPECT_EQ(email_refusal("reader@192.0.2.1"), reason);
}

// --- PhoneNumber ------------------------------------------------------------------------------

std::string phone(std::string_view input) {
    const auto number = PhoneNumber::parse(input);
    if (!number.has_value()) {
        ADD_FAILURE() << "refused: " << number.error().message;
        return "";
    }
    return number->value();
}

std::string phone_refusal(std::string_view input) {
    return refusal(PhoneNumber::parse(input), "phone", input);
}

TEST(PhoneNumber, ReadsSingleLeadingZeroAsFinnishNumber) {
    EXPECT_EQ(phone("040 123 4567"), "+358401234567");
    EXPECT_EQ(phone("(09) 123 4567"), "+35891234567");
}

TEST(PhoneNumber, ReadsDoubleZeroAsInternationalPrefix) {
    EXPECT_EQ(phone("00 46 8 123 456 78"), "+46812345678");
    EXPECT_EQ(phone("00358401234567"), "+358401234567");
}

TEST(PhoneNumber, KeepsInternationalFormWithoutSeparators) {
    EXPECT_EQ(phone("+358 40-123 4567"), "+358401234567");
    EXPECT_EQ(phone("+1 (202) 555-0143"), "+12025550143");
    EXPECT_EQ(phone("  +358401234567\t"), "+358401234567");
}

TEST(PhoneNumber, AcceptsEightToFifteenDigits) {
    EXPECT_EQ(phone("+12345678"), "+12345678");
    EXPECT_EQ(phone("+123456789012345"), "+123456789012345");
    const std::string reason = phone_refusal("+1234567");
    EXPECT_EQ(phone_refusal("+1234567890123456"), reason);
    EXPECT_EQ(phone_refusal("+"), reason);
    EXPECT_EQ(phone_refusal("00"), reason);
}

TEST(PhoneNumber, RejectsEmpty) {
    EXPECT_TRUE(contains(phone_refusal(""), "empty"));
    EXPECT_TRUE(contains(phone_refusal("   "), "empty"));
}

TEST(PhoneNumber, RejectsSeparatorsWithoutDigits) {
    EXPECT_TRUE(contains(phone_refusal("( - )"), "digits"));
}

TEST(PhoneNumber, RejectsOtherCharacters) {
    const std::string reason = phone_refusal("+358 40 ABC 4567");
    for (const char* text : {"040.123.4567", "358+401234567", "040/1234567",
                             "+358 40 123 4567 ext 2", "++358401234567"}) {
        EXPECT_EQ(phone_refusal(text), reason) << text;
    }
}

TEST(PhoneNumber, RejectsNumberWithoutPrefix) {
    EXPECT_TRUE(contains(phone_refusal("401234567"), "start"));
}

TEST(PhoneNumber, RejectsCountryCodeStartingWithZero) {
    const std::string reason = phone_refusal("+0123456789");
    EXPECT_TRUE(contains(reason, "country code"));
    EXPECT_EQ(phone_refusal("000123456789"), reason);
}

TEST(PhoneNumber, RejectsFinnishTrunkZeroAfterCountryCode) {
    const std::string reason = phone_refusal("+358 (0)40 123 4567");
    EXPECT_TRUE(contains(reason, "+358"));
    EXPECT_EQ(phone_refusal("00358 040 1234567"), reason);
}

// --- CountryCode ------------------------------------------------------------------------------

TEST(CountryCode, UpperCasesTwoLetters) {
    const auto fi = CountryCode::parse("fi");
    ASSERT_TRUE(fi.has_value()) << fi.error().message;
    EXPECT_EQ(fi->value(), "FI");
    const auto se = CountryCode::parse(" Se\t");
    ASSERT_TRUE(se.has_value()) << se.error().message;
    EXPECT_EQ(se->value(), "SE");
}

TEST(CountryCode, RejectsEmpty) {
    EXPECT_TRUE(contains(refusal(CountryCode::parse(" "), "country", " "), "empty"));
}

TEST(CountryCode, RejectsAnythingButTwoAsciiLetters) {
    for (const char* text : {"FIN", "F", "F1", "--", "F I", "\xc3\x96"}) {
        EXPECT_TRUE(contains(refusal(CountryCode::parse(text), "country", text), "two letters"))
            << text;
    }
}

// --- PostalCode -------------------------------------------------------------------------------

CountryCode country(std::string_view code) { return *CountryCode::parse(code); }

std::string postal(std::string_view input, std::string_view country_code) {
    const auto code = PostalCode::parse(input, country(country_code));
    if (!code.has_value()) {
        ADD_FAILURE() << "refused: " << code.error().message;
        return "";
    }
    return code->value();
}

std::string postal_refusal(std::string_view input, std::string_view country_code) {
    return refusal(PostalCode::parse(input, country(country_code)), "postal_code", input);
}

TEST(PostalCode, AcceptsFiveFinnishDigits) {
    EXPECT_EQ(postal("00100", "FI"), "00100");
    EXPECT_EQ(postal(" 99999\t", "FI"), "99999");
}

TEST(PostalCode, RejectsFinnishCodeThatIsNotFiveDigits) {
    const std::string reason = postal_refusal("0010", "FI");
    EXPECT_TRUE(contains(reason, "five digits"));
    for (const char* text : {"001000", "00 100", "FI-00100", "0O100"}) {
        EXPECT_EQ(postal_refusal(text, "FI"), reason) << text;
    }
}

TEST(PostalCode, AppliesFinnishRuleToAland) {
    EXPECT_EQ(postal("22100", "AX"), "22100");
    EXPECT_TRUE(contains(postal_refusal("AX-22100", "AX"), "five digits"));
}

TEST(PostalCode, UpperCasesForeignCodes) {
    EXPECT_EQ(postal("123 45", "SE"), "123 45");
    EXPECT_EQ(postal("sw1a 1aa", "GB"), "SW1A 1AA");
    EXPECT_EQ(postal(" 1234 ab ", "NL"), "1234 AB");
    EXPECT_EQ(postal("12345-6789", "US"), "12345-6789");
    EXPECT_EQ(postal("10", "XX"), "10");
    EXPECT_EQ(postal("1234567890", "XX"), "1234567890");
}

TEST(PostalCode, RejectsEmpty) {
    EXPECT_TRUE(contains(postal_refusal("", "FI"), "empty"));
    EXPECT_TRUE(contains(postal_refusal("  ", "SE"), "empty"));
}

TEST(PostalCode, RejectsForeignCodeOfWrongLength) {
    const std::string reason = postal_refusal("X", "SE");
    EXPECT_TRUE(contains(reason, "2 to 10"));
    EXPECT_EQ(postal_refusal("12345678901", "SE"), reason);
}

TEST(PostalCode, RejectsForeignCodeWithOtherCharacters) {
    const std::string reason = postal_refusal("123_45", "SE");
    EXPECT_EQ(postal_refusal("12345.", "SE"), reason);
    EXPECT_EQ(postal_refusal("\xc3\x85"
                             "1234",
                             "DE"),
              reason);
}

TEST(PostalCode, RejectsForeignCodeStartingOrEndingWithHyphen) {
    const std::string reason = postal_refusal("-12345", "DE");
    EXPECT_TRUE(contains(reason, "hyphen"));
    EXPECT_EQ(postal_refusal("12345-", "DE"), reason);
}

// --- LanguageCode -----------------------------------------------------------------------------

std::string language(std::string_view input) {
    const auto code = LanguageCode::parse(input);
    if (!code.has_value()) {
        ADD_FAILURE() << "refused: " << code.error().message;
        return "";
    }
    return code->value();
}

std::string language_refusal(std::string_view input) {
    return refusal(LanguageCode::parse(input), "mother_tongue", input);
}

TEST(LanguageCode, AcceptsCommonMotherTongues) {
    for (const char* code :
         {"fi", "sv", "se", "ru", "et", "so", "ar", "en", "fa", "ku", "uk", "zh", "aa", "zu"}) {
        EXPECT_EQ(language(code), code);
    }
}

TEST(LanguageCode, TrimsAndLowerCases) {
    EXPECT_EQ(language(" FI "), "fi");
    EXPECT_EQ(language("Sv"), "sv");
}

TEST(LanguageCode, AcceptsExactlyTheAssignedCodes) {
    int accepted = 0;
    std::string code = "aa";
    for (char first = 'a'; first <= 'z'; ++first) {
        for (char second = 'a'; second <= 'z'; ++second) {
            code[0] = first;
            code[1] = second;
            accepted += LanguageCode::parse(code).has_value() ? 1 : 0;
        }
    }
    // ISO 639-1 has 183 codes in force (184 assigned, "bh" deprecated in 2021).
    EXPECT_EQ(accepted, 183);
}

TEST(LanguageCode, RejectsEmpty) { EXPECT_TRUE(contains(language_refusal("\t"), "empty")); }

TEST(LanguageCode, RejectsAnythingButTwoLetters) {
    const std::string reason = language_refusal("fin");
    EXPECT_TRUE(contains(reason, "two letters"));
    for (const char* text : {"f", "f1", "f-", "\xc3\xa4"}) {
        EXPECT_EQ(language_refusal(text), reason) << text;
    }
}

TEST(LanguageCode, RejectsUnassignedAndWithdrawnCodes) {
    const std::string reason = language_refusal("xx");
    EXPECT_TRUE(contains(reason, "ISO 639-1"));
    for (const char* text : {"qq", "bh", "iw", "in", "ji", "mo", "sh"}) {
        EXPECT_EQ(language_refusal(text), reason) << text;
    }
}

// --- CardNumber -------------------------------------------------------------------------------

std::string card(std::string_view input) {
    const auto number = CardNumber::parse(input);
    if (!number.has_value()) {
        ADD_FAILURE() << "refused: " << number.error().message;
        return "";
    }
    return number->value();
}

std::string card_refusal(std::string_view input) {
    return refusal(CardNumber::parse(input), "card_number", input);
}

TEST(CardNumber, TrimsAndUpperCases) {
    EXPECT_EQ(card(" ab12cd34\n"), "AB12CD34");
    EXPECT_EQ(card("20001234567"), "20001234567");
}

TEST(CardNumber, AcceptsFourToTwentyCharacters) {
    EXPECT_EQ(card("A1B2"), "A1B2");
    EXPECT_EQ(card("12345678901234567890"), "12345678901234567890");
    const std::string reason = card_refusal("A1B");
    EXPECT_TRUE(contains(reason, "4 to 20"));
    EXPECT_EQ(card_refusal("123456789012345678901"), reason);
}

TEST(CardNumber, RejectsEmpty) { EXPECT_TRUE(contains(card_refusal(""), "empty")); }

TEST(CardNumber, RejectsOtherCharacters) {
    const std::string reason = card_refusal("AB-1234");
    for (const char* text : {"AB 1234", "AB_1234",
                             "\xc3\x84"
                             "B1234",
                             "1234.5"}) {
        EXPECT_EQ(card_refusal(text), reason) << text;
    }
}

}  // namespace
}  // namespace patron
