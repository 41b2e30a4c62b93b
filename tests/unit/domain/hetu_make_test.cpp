// PersonalIdentityCode::make: composing a code from a birth date and an individual number, with
// the original century signs, validated as parse() validates.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "patron/domain/hetu.hpp"

namespace patron {
namespace {

// No test code may be a real person's: codes built here are born in the 1800s or the 2080s, are
// DVV's published example, or carry an individual number make() refuses.
constexpr Date ymd(int year, unsigned month, unsigned day) {
    return Date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

constexpr Date kToday = ymd(2099, 12, 31);

// The code made for `birth` and `individual`; fails the test (printing only the reason) if
// refused.
std::string made(Date birth, int individual, Date today = kToday) {
    const auto code = PersonalIdentityCode::make(birth, individual, today);
    if (!code) {
        ADD_FAILURE() << "refused: " << code.error().message;
        return "";
    }
    return code->text();
}

// The reason make() refuses, checked to be invalid_input on "hetu".
std::string refusal(Date birth, int individual, Date today = kToday) {
    const auto code = PersonalIdentityCode::make(birth, individual, today);
    if (code) return "(accepted)";
    EXPECT_EQ(code.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(code.error().field, "hetu");
    return code.error().message;
}

TEST(PersonalIdentityCodeMake, MakesThePublishedExample) {
    EXPECT_TRUE(made(ymd(1952, 10, 13), 308) == "131052-308T") << "example differs";
}

TEST(PersonalIdentityCodeMake, UsesPlusForThe1800s) {
    for (const Date birth : {ymd(1800, 1, 1), ymd(1850, 6, 15), ymd(1899, 12, 31)}) {
        const std::string code = made(birth, 123);
        ASSERT_EQ(code.size(), 11U);
        EXPECT_EQ(code[6], '+');
    }
}

TEST(PersonalIdentityCodeMake, UsesHyphenForThe1900s) {
    const std::string code = made(ymd(1952, 10, 13), 308);
    ASSERT_EQ(code.size(), 11U);
    EXPECT_EQ(code[6], '-');
}

TEST(PersonalIdentityCodeMake, UsesAForThe2000s) {
    for (const Date birth : {ymd(2080, 1, 1), ymd(2081, 3, 4), ymd(2099, 12, 31)}) {
        const std::string code = made(birth, 234);
        ASSERT_EQ(code.size(), 11U);
        EXPECT_EQ(code[6], 'A');
    }
}

TEST(PersonalIdentityCodeMake, WritesDatePartAndIndividualNumberWithLeadingZeros) {
    const std::string code = made(ymd(2081, 3, 4), 7);
    ASSERT_EQ(code.size(), 11U);
    EXPECT_EQ(code.substr(0, 6), "040381");
    EXPECT_EQ(code.substr(7, 3), "007");
    const std::string nineteenth = made(ymd(1805, 1, 2), 2);
    EXPECT_EQ(nineteenth.substr(0, 6), "020105");
    EXPECT_EQ(nineteenth.substr(6, 4), "+002");
}

TEST(PersonalIdentityCodeMake, ResultParsesToTheSameBirthDate) {
    for (const Date birth : {ymd(1800, 1, 1), ymd(1888, 2, 29), ymd(1899, 12, 31), ymd(2080, 1, 1),
                             ymd(2084, 2, 29), ymd(2099, 12, 31)}) {
        for (const int individual : {2, 123, 500, 899}) {
            const auto code = PersonalIdentityCode::make(birth, individual, kToday);
            ASSERT_TRUE(code.has_value()) << code.error().message;
            const auto parsed = PersonalIdentityCode::parse(code->text(), kToday);
            ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
            EXPECT_TRUE(*parsed == *code);
            EXPECT_TRUE(parsed->birth_date() == birth);
            EXPECT_TRUE(code->birth_date() == birth);
        }
    }
}

TEST(PersonalIdentityCodeMake, GivesDifferentCodesForDifferentIndividualNumbers) {
    EXPECT_FALSE(made(ymd(2081, 3, 4), 234) == made(ymd(2081, 3, 4), 235));
}

TEST(PersonalIdentityCodeMake, RefusesYearsOutside1800To2099) {
    EXPECT_EQ(refusal(ymd(1799, 12, 31), 123), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(1000, 1, 1), 123), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(2100, 1, 1), 123, ymd(2200, 1, 1)), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(-5, 1, 1), 123), hetu::kNoSuchDate);
}

TEST(PersonalIdentityCodeMake, RefusesDatesNotInTheCalendar) {
    EXPECT_EQ(refusal(ymd(2081, 2, 29), 123), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(1800, 2, 29), 123), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(2081, 4, 31), 123), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(2081, 13, 1), 123), hetu::kNoSuchDate);
    EXPECT_EQ(refusal(ymd(2081, 1, 0), 123), hetu::kNoSuchDate);
}

TEST(PersonalIdentityCodeMake, RefusesIndividualNumbersOutside0To999) {
    EXPECT_EQ(refusal(ymd(2081, 3, 4), -1), hetu::kBadIndividualDigits);
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 1000), hetu::kBadIndividualDigits);
    EXPECT_EQ(refusal(ymd(2081, 3, 4), -1000), hetu::kBadIndividualDigits);
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 123456), hetu::kBadIndividualDigits);
}

TEST(PersonalIdentityCodeMake, RefusesUnusedAndTemporaryNumbersAsParseDoes) {
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 0), hetu::kUnusedIndividualNumber);
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 1), hetu::kUnusedIndividualNumber);
    for (const int individual : {900, 901, 950, 999}) {
        EXPECT_EQ(refusal(ymd(2081, 3, 4), individual), hetu::kTemporaryNumber) << individual;
    }
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 2), "(accepted)");
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 899), "(accepted)");
}

TEST(PersonalIdentityCodeMake, RefusesBirthAfterToday) {
    EXPECT_EQ(refusal(ymd(2081, 3, 5), 123, ymd(2081, 3, 4)), hetu::kFutureDate);
    EXPECT_EQ(refusal(ymd(2081, 3, 4), 123, ymd(2081, 3, 4)), "(accepted)");
}

}  // namespace
}  // namespace patron
