#pragma once
/// @file
/// The source of "now" and "today". Injected everywhere, so tests fix time and a patron's age on a
/// date is always computed against the same clock.

#include <chrono>

namespace patron {

using TimePoint = std::chrono::system_clock::time_point;
using Date = std::chrono::year_month_day;

/// Current time and the current calendar date. Implementations are thread-safe.
class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual TimePoint now() const = 0;
    /// The calendar date of `now()` where the library is (the process time zone, `TZ`).
    [[nodiscard]] virtual Date today() const = 0;
};

/// The real clock; `today()` uses the process's local time zone (set `TZ=Europe/Helsinki`).
class SystemClock final : public Clock {
public:
    [[nodiscard]] TimePoint now() const override;
    [[nodiscard]] Date today() const override;
};

}  // namespace patron
