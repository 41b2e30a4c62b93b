#include "patron/domain/date.hpp"

#include <gtest/gtest.h>

namespace patron {
namespace {

constexpr Date ymd(int year, unsigned month, unsigned day) {
    return Date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

TEST(Birthday, IsSameDayAndMonthYearsLater) {
    EXPECT_EQ(birthday(ymd(1990, 6, 15), 18), ymd(2008, 6, 15));
    EXPECT_EQ(birthday(ymd(1990, 12, 31), 1), ymd(1991, 12, 31));
    EXPECT_EQ(birthday(ymd(1990, 6, 15), 0), ymd(1990, 6, 15));
}

TEST(Birthday, OfLeapDayIsFebruary28InCommonYear) {
    EXPECT_EQ(birthday(ymd(2004, 2, 29), 1), ymd(2005, 2, 28));
    EXPECT_EQ(birthday(ymd(2004, 2, 29), 15), ymd(2019, 2, 28));
}

TEST(Birthday, OfLeapDayIsFebruary29InLeapYear) {
    EXPECT_EQ(birthday(ymd(2004, 2, 29), 4), ymd(2008, 2, 29));
    // 2000 is a leap year (divisible by 400), 1900 is not (divisible by 100 only).
    EXPECT_EQ(birthday(ymd(1996, 2, 29), 4), ymd(2000, 2, 29));
    EXPECT_EQ(birthday(ymd(1896, 2, 29), 4), ymd(1900, 2, 28));
}

TEST(AgeOn, IsZeroBeforeFirstBirthday) {
    EXPECT_EQ(age_on(ymd(2020, 5, 10), ymd(2020, 5, 10)), 0);
    EXPECT_EQ(age_on(ymd(2020, 5, 10), ymd(2021, 5, 9)), 0);
}

TEST(AgeOn, GrowsOnTheBirthdayNotBefore) {
    EXPECT_EQ(age_on(ymd(2005, 3, 1), ymd(2020, 2, 29)), 14);
    EXPECT_EQ(age_on(ymd(2005, 3, 1), ymd(2020, 3, 1)), 15);
    EXPECT_EQ(age_on(ymd(2005, 3, 1), ymd(2020, 12, 31)), 15);
}

TEST(AgeOn, CountsLeapDayChildOlderOnFebruary28OfCommonYear) {
    EXPECT_EQ(age_on(ymd(2008, 2, 29), ymd(2023, 2, 27)), 14);
    EXPECT_EQ(age_on(ymd(2008, 2, 29), ymd(2023, 2, 28)), 15);
    // In a leap year the birthday is 29 February itself.
    EXPECT_EQ(age_on(ymd(2008, 2, 29), ymd(2024, 2, 28)), 15);
    EXPECT_EQ(age_on(ymd(2008, 2, 29), ymd(2024, 2, 29)), 16);
}

TEST(AgeOn, CountsAcrossCenturies) { EXPECT_EQ(age_on(ymd(1899, 12, 31), ymd(2000, 1, 1)), 100); }

TEST(ParseIsoDate, AcceptsCalendarDate) {
    EXPECT_EQ(parse_iso_date("2024-03-05"), ymd(2024, 3, 5));
    EXPECT_EQ(parse_iso_date("1899-12-31"), ymd(1899, 12, 31));
}

TEST(ParseIsoDate, AcceptsLeapDayOnlyInLeapYear) {
    EXPECT_EQ(parse_iso_date("2024-02-29"), ymd(2024, 2, 29));
    EXPECT_EQ(parse_iso_date("2000-02-29"), ymd(2000, 2, 29));
    EXPECT_FALSE(parse_iso_date("2023-02-29").has_value());
    EXPECT_FALSE(parse_iso_date("1900-02-29").has_value());
}

TEST(ParseIsoDate, RejectsDatesNotInCalendar) {
    for (const char* text :
         {"2024-00-10", "2024-13-01", "2024-01-00", "2024-01-32", "2024-04-31", "2024-02-30"}) {
        EXPECT_FALSE(parse_iso_date(text).has_value()) << text;
    }
}

TEST(ParseIsoDate, RejectsOtherShapes) {
    for (const char* text :
         {"", "2024-3-05", "2024-03-5", "24-03-05", "02024-03-05", "2024-03-055", " 2024-03-05",
          "2024-03-05 ", "2024/03/05", "20240305", "2024-03-05T00:00", "+024-03-05", "2024-0a-05",
          "2024--3-05", "2024-03-+5", "05.03.2024"}) {
        EXPECT_FALSE(parse_iso_date(text).has_value()) << text;
    }
}

TEST(ToIso, ZeroPadsEveryPart) {
    EXPECT_EQ(to_iso(ymd(2024, 3, 5)), "2024-03-05");
    EXPECT_EQ(to_iso(ymd(987, 1, 9)), "0987-01-09");
    EXPECT_EQ(to_iso(ymd(2024, 12, 31)), "2024-12-31");
}

TEST(ToIso, RoundTripsThroughParse) {
    for (const Date date : {ymd(1852, 10, 13), ymd(2000, 2, 29), ymd(2099, 12, 31)}) {
        EXPECT_EQ(parse_iso_date(to_iso(date)), date);
    }
}

}  // namespace
}  // namespace patron
