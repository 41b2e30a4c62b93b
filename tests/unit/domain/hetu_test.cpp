#include "patron/domain/hetu.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace patron {
namespace {

// No test code may be a real person's. Apart from DVV's published example, the codes built here
// are born in the 2080s (no one is yet), on the example's date with its own individual number, in
// the 1800s, or carry a temporary or unused individual number; `kToday` is set late enough for the
// 2080s to be past.
constexpr std::string_view kExample = "131052-308T";  // DVV's published example code
constexpr std::string_view kCheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";
constexpr std::string_view kAccepted = "(accepted)";

constexpr Date ymd(int year, unsigned month, unsigned day) {
    return Date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

constexpr Date kToday = ymd(2099, 12, 31);

// A code with the right check character, for the digits DDMMYY and ZZZ.
std::string with_check(std::string_view ddmmyy, char sign, std::string_view individual) {
    std::string digits = std::string(ddmmyy) + std::string(individual);
    const unsigned long number = std::stoul(digits);
    return std::string(ddmmyy) + sign + std::string(individual) + kCheckCharacters[number % 31];
}

// The reason `text` is refused, or kAccepted. Reports the reason only, never the code, so a
// failing assertion prints nothing personal.
std::string refusal(std::string_view text, Date today = kToday) {
    const Result<PersonalIdentityCode> result = PersonalIdentityCode::parse(text, today);
    if (result.has_value()) {
        return std::string(kAccepted);
    }
    EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(result.error().field, "hetu");
    EXPECT_TRUE(text.empty() || result.error().message.find(text) == std::string::npos);
    return result.error().message;
}

// Parses a code the test expects to be valid; fails the test (without printing it) if not.
PersonalIdentityCode accepted(std::string_view text, Date today = kToday) {
    Result<PersonalIdentityCode> result = PersonalIdentityCode::parse(text, today);
    if (!result.has_value()) {
        ADD_FAILURE() << "refused: " << result.error().message;
        return *PersonalIdentityCode::parse(kExample, kToday);
    }
    return *std::move(result);
}

TEST(PersonalIdentityCode, AcceptsOfficialExample) {
    const PersonalIdentityCode code = accepted(kExample, ymd(2024, 1, 1));
    EXPECT_EQ(code.text(), kExample);
    EXPECT_EQ(code.birth_date(), ymd(1952, 10, 13));
}

TEST(PersonalIdentityCode, KeepsTextAsGiven) {
    const std::string text = with_check("150688", 'B', "234");
    EXPECT_TRUE(accepted(text).text() == text);
}

TEST(PersonalIdentityCode, EqualsOnlySameText) {
    EXPECT_TRUE(accepted(kExample) == accepted(kExample));
    // Since 2023 the century sign tells codes apart: same digits, different person.
    EXPECT_FALSE(accepted("131052-308T") == accepted("131052Y308T"));
}

TEST(PersonalIdentityCode, RejectsWrongLength) {
    EXPECT_EQ(refusal(""), hetu::kBadLength);
    EXPECT_EQ(refusal("131052-308"), hetu::kBadLength);
    EXPECT_EQ(refusal("131052-308TT"), hetu::kBadLength);
}

TEST(PersonalIdentityCode, RejectsSurroundingWhiteSpaceUntrimmed) {
    EXPECT_EQ(refusal("131052-308T "), hetu::kBadLength);
    EXPECT_EQ(refusal(" 131052-308T"), hetu::kBadLength);
    EXPECT_EQ(refusal("131052-308T\n"), hetu::kBadLength);
}

TEST(PersonalIdentityCode, RejectsLowercaseLetters) {
    EXPECT_EQ(refusal("131052-308t"), hetu::kLowercase);
    EXPECT_EQ(refusal(with_check("150688", 'a', "234")), hetu::kLowercase);
    EXPECT_EQ(refusal(with_check("150688", 'b', "234")), hetu::kLowercase);
}

TEST(PersonalIdentityCode, RejectsNonDigitDatePart) {
    EXPECT_EQ(refusal("1310S2-308T"), hetu::kBadDateDigits);
    EXPECT_EQ(refusal("13 052-308T"), hetu::kBadDateDigits);
    EXPECT_EQ(refusal("+31052-308T"), hetu::kBadDateDigits);
}

TEST(PersonalIdentityCode, RejectsUnknownCenturySign) {
    for (const char sign : {'Z', 'G', 'T', '*', '_', ' ', '0'}) {
        std::string text(kExample);
        text[6] = sign;
        EXPECT_EQ(refusal(text), hetu::kBadCenturySign) << "sign " << sign;
    }
}

TEST(PersonalIdentityCode, RejectsNonDigitIndividualNumber) {
    EXPECT_EQ(refusal("131052-3O8T"), hetu::kBadIndividualDigits);
    EXPECT_EQ(refusal("131052-30 T"), hetu::kBadIndividualDigits);
    EXPECT_EQ(refusal("131052--08T"), hetu::kBadIndividualDigits);
}

TEST(PersonalIdentityCode, RejectsBadCheckCharacter) {
    // G I O Q Z are left out of the table, as is everything that is not a letter or digit.
    for (const char check : {'G', 'I', 'O', 'Q', 'Z', '-', '+', '*', ' '}) {
        std::string text(kExample);
        text[10] = check;
        EXPECT_EQ(refusal(text), hetu::kBadCheckCharacter) << "check " << check;
    }
}

TEST(PersonalIdentityCode, RejectsCheckMismatch) {
    EXPECT_EQ(refusal("131052-308U"), hetu::kCheckMismatch);
    EXPECT_EQ(refusal("131052-380T"), hetu::kCheckMismatch);
    EXPECT_EQ(refusal("130152-308T"), hetu::kCheckMismatch);
}

TEST(PersonalIdentityCode, RejectsDateNotInCalendar) {
    for (const char* ddmmyy : {"000188", "320188", "310488", "010088", "011388", "300288"}) {
        EXPECT_EQ(refusal(with_check(ddmmyy, 'A', "234")), hetu::kNoSuchDate) << ddmmyy;
    }
}

TEST(PersonalIdentityCode, AcceptsLeapDayInLeapYear) {
    EXPECT_EQ(accepted(with_check("290288", 'A', "234")).birth_date(), ymd(2088, 2, 29));
    // 29.2.2000 is real (2000 is divisible by 400): a temporary number gets past the date check
    // to its own refusal, without a permanent code that could be someone's.
    EXPECT_EQ(refusal(with_check("290200", 'A', "900")), hetu::kTemporaryNumber);
}

TEST(PersonalIdentityCode, RejectsLeapDayInCommonYear) {
    EXPECT_EQ(refusal(with_check("290289", 'A', "234")), hetu::kNoSuchDate);
    // The same digits are a real date in 2000 but not in 1900 or 1800.
    EXPECT_EQ(refusal(with_check("290200", '-', "234")), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(with_check("290200", 'Y', "234")), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(with_check("290200", '+', "234")), hetu::kNoSuchDate);
}

TEST(PersonalIdentityCode, RejectsUnusedIndividualNumbers) {
    EXPECT_EQ(refusal(with_check("150688", 'A', "000")), hetu::kUnusedIndividualNumber);
    EXPECT_EQ(refusal(with_check("150688", 'A', "001")), hetu::kUnusedIndividualNumber);
    EXPECT_EQ(refusal(with_check("150688", 'A', "002")), kAccepted);
}

TEST(PersonalIdentityCode, RejectsTemporaryNumbers) {
    for (const char* individual : {"900", "901", "950", "999"}) {
        EXPECT_EQ(refusal(with_check("150688", 'A', individual)), hetu::kTemporaryNumber)
            << individual;
    }
    EXPECT_EQ(refusal(with_check("150688", 'A', "899")), kAccepted);
}

TEST(PersonalIdentityCode, ReadsEveryTwentiethCenturySignAsThe1900s) {
    for (const char sign : {'-', 'Y', 'X', 'W', 'V', 'U'}) {
        std::string text(kExample);
        text[6] = sign;
        EXPECT_EQ(accepted(text).birth_date(), ymd(1952, 10, 13)) << "sign " << sign;
    }
}

TEST(PersonalIdentityCode, ReadsEveryTwentyFirstCenturySignAsThe2000s) {
    for (const char sign : {'A', 'B', 'C', 'D', 'E', 'F'}) {
        EXPECT_EQ(accepted(with_check("150688", sign, "234")).birth_date(), ymd(2088, 6, 15))
            << "sign " << sign;
    }
}

TEST(PersonalIdentityCode, ReadsPlusSignAsThe1800s) {
    EXPECT_EQ(accepted("131052+308T").birth_date(), ymd(1852, 10, 13));
}

TEST(PersonalIdentityCode, ComputesSameCheckCharacterForEverySign) {
    for (const char sign : {'+', '-', 'Y', 'X', 'W', 'V', 'U'}) {
        std::string text(kExample);
        text[6] = sign;
        EXPECT_EQ(refusal(text), kAccepted) << "sign " << sign;
    }
}

TEST(PersonalIdentityCode, RejectsBirthDateAfterToday) {
    const std::string text = with_check("150688", 'A', "234");
    EXPECT_EQ(refusal(text, ymd(2088, 6, 14)), hetu::kFutureDate);
    EXPECT_EQ(refusal(text, ymd(2000, 1, 1)), hetu::kFutureDate);
}

TEST(PersonalIdentityCode, AcceptsCodeBornToday) {
    const std::string text = with_check("150688", 'A', "234");
    EXPECT_EQ(accepted(text, ymd(2088, 6, 15)).birth_date(), ymd(2088, 6, 15));
}

TEST(PersonalIdentityCode, ReportsFirstDefectInCheckOrder) {
    EXPECT_EQ(refusal("1310s2Z3O8G"), hetu::kLowercase);
    EXPECT_EQ(refusal("1310S2Z3O8G"), hetu::kBadDateDigits);
    EXPECT_EQ(refusal("131052Z3O8G"), hetu::kBadCenturySign);
    EXPECT_EQ(refusal("131052-3O8G"), hetu::kBadIndividualDigits);
    EXPECT_EQ(refusal("320152-308G"), hetu::kBadCheckCharacter);
    EXPECT_EQ(refusal("320152-308T"), hetu::kNoSuchDate);
    EXPECT_EQ(refusal("150688A000U"), hetu::kCheckMismatch);
    const Date long_ago = ymd(2000, 1, 1);
    EXPECT_EQ(refusal(with_check("150688", 'A', "001"), long_ago), hetu::kUnusedIndividualNumber);
    EXPECT_EQ(refusal(with_check("150688", 'A', "900"), long_ago), hetu::kTemporaryNumber);
}

TEST(PersonalIdentityCode, ComputesAgeInWholeYears) {
    const PersonalIdentityCode code = accepted(with_check("150688", 'A', "234"));
    EXPECT_EQ(code.age_on(ymd(2088, 6, 15)), 0);
    EXPECT_EQ(code.age_on(ymd(2106, 6, 14)), 17);
    EXPECT_EQ(code.age_on(ymd(2106, 6, 15)), 18);
}

TEST(PersonalIdentityCode, CountsLeapDayChildOlderOnFebruary28) {
    const PersonalIdentityCode code = accepted(with_check("290288", 'A', "234"));
    EXPECT_EQ(code.age_on(ymd(2103, 2, 27)), 14);
    EXPECT_EQ(code.age_on(ymd(2103, 2, 28)), 15);
}

TEST(PersonalIdentityCode, MasksIndividualNumberAndCheck) {
    EXPECT_EQ(accepted(kExample).masked(), "131052-****");
    EXPECT_EQ(accepted("131052Y308T").masked(), "131052Y****");
    EXPECT_EQ(accepted(with_check("150688", 'C', "234")).masked(), "150688C****");
}

}  // namespace
}  // namespace patron
