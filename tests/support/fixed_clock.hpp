#pragma once
// A clock tests set by hand. now() is noon UTC of the set day, plus whatever was advanced.

#include <atomic>

#include "patron/clock.hpp"

namespace patron::test {

class FixedClock final : public Clock {
public:
    explicit FixedClock(Date today) { set_today(today); }

    [[nodiscard]] TimePoint now() const override {
        return TimePoint{TimePoint::duration{now_.load()}};
    }
    [[nodiscard]] Date today() const override {
        return Date{std::chrono::floor<std::chrono::days>(now())};
    }
    void set_today(Date today) {
        const TimePoint noon = std::chrono::sys_days{today} + std::chrono::hours{12};
        now_ = noon.time_since_epoch().count();
    }
    void advance(TimePoint::duration by) { now_ += by.count(); }

private:
    std::atomic<TimePoint::rep> now_{0};
};

}  // namespace patron::test
