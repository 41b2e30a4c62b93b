#pragma once
/// @file
/// Calendar arithmetic the register needs: ages and birthdays, as Finnish law counts them.

#include <optional>
#include <string>
#include <string_view>

#include "patron/clock.hpp"

namespace patron {

/// The day a person born on `birth` turns `years` old. For 29 February in a non-leap year that is
/// 28 February: a period ends on the last day of the month when the month lacks the day
/// (Act 150/1930 on the Calculation of Statutory Time Periods, §4).
/// Precondition: `birth.ok()`.
[[nodiscard]] Date birthday(Date birth, int years);

/// Age in whole years on `on` (0 before the first birthday). Precondition: `birth <= on`.
[[nodiscard]] int age_on(Date birth, Date on);

/// The date `days` days after `date` (before it when negative). Precondition: `date.ok()`.
[[nodiscard]] Date add_days(Date date, int days);

/// Parses an ISO 8601 calendar date "YYYY-MM-DD"; empty when malformed or not a real date.
[[nodiscard]] std::optional<Date> parse_iso_date(std::string_view text);

/// Formats as ISO 8601 "YYYY-MM-DD". Precondition: `date.ok()`.
[[nodiscard]] std::string to_iso(Date date);

/// Formats as ISO 8601 UTC with microseconds: "2026-11-24T16:00:52.123456Z".
[[nodiscard]] std::string to_iso(TimePoint at);

}  // namespace patron
