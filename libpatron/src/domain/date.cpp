#include "patron/domain/date.hpp"

#include <cassert>

namespace patron {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Value of the decimal digits text[first, first + count); the caller has checked they are digits.
int digits_value(std::string_view text, std::size_t first, std::size_t count) noexcept {
    int value = 0;
    for (std::size_t i = first; i < first + count; ++i) {
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// Appends `value` zero-padded to at least `width` digits; `value` is not negative.
void append_padded(std::string& out, int value, std::size_t width) {
    const std::string digits = std::to_string(value);
    if (digits.size() < width) {
        out.append(width - digits.size(), '0');
    }
    out += digits;
}

}  // namespace

Date birthday(Date birth, int years) {
    assert(birth.ok());
    const Date naive{birth.year() + std::chrono::years{years}, birth.month(), birth.day()};
    if (naive.ok()) {
        return naive;
    }
    // Only 29 February can be missing from the target year. Act 150/1930 on the Calculation of
    // Statutory Time Periods, §4: when the final month lacks the day, the period ends on the
    // month's last day, so a leap-day child comes of age on 28 February.
    return Date{
        std::chrono::year_month_day_last{naive.year(), std::chrono::month_day_last{naive.month()}}};
}

Date add_days(Date date, int days) {
    assert(date.ok());
    return Date{std::chrono::sys_days{date} + std::chrono::days{days}};
}

int age_on(Date birth, Date on) {
    assert(birth.ok() && on.ok() && birth <= on);
    int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
    if (birthday(birth, years) > on) {
        --years;
    }
    return years;
}

std::optional<Date> parse_iso_date(std::string_view text) {
    constexpr std::size_t kLength = 10;  // "YYYY-MM-DD"
    if (text.size() != kLength || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
        if (!is_digit(text[i])) {
            return std::nullopt;
        }
    }
    const Date date{std::chrono::year{digits_value(text, 0, 4)},
                    std::chrono::month{static_cast<unsigned>(digits_value(text, 5, 2))},
                    std::chrono::day{static_cast<unsigned>(digits_value(text, 8, 2))}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

std::string to_iso(Date date) {
    assert(date.ok());
    std::string out;
    out.reserve(10);
    const int year = static_cast<int>(date.year());
    // Years outside 0000-9999 take ISO 8601's expanded form, which requires the sign.
    if (year < 0) {
        out += '-';
    } else if (year > 9999) {
        out += '+';
    }
    append_padded(out, year < 0 ? -year : year, 4);
    out += '-';
    append_padded(out, static_cast<int>(static_cast<unsigned>(date.month())), 2);
    out += '-';
    append_padded(out, static_cast<int>(static_cast<unsigned>(date.day())), 2);
    return out;
}

std::string to_iso(TimePoint at) {
    const auto micros = std::chrono::floor<std::chrono::microseconds>(at.time_since_epoch());
    const auto days = std::chrono::floor<std::chrono::days>(micros);
    const std::chrono::hh_mm_ss time{micros - days};
    std::string out = to_iso(Date{std::chrono::sys_days{days}});
    out += 'T';
    append_padded(out, static_cast<int>(time.hours().count()), 2);
    out += ':';
    append_padded(out, static_cast<int>(time.minutes().count()), 2);
    out += ':';
    append_padded(out, static_cast<int>(time.seconds().count()), 2);
    out += '.';
    append_padded(out, static_cast<int>(time.subseconds().count()), 6);
    out += 'Z';
    return out;
}

}  // namespace patron
