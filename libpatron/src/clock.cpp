#include "patron/clock.hpp"

#include <ctime>

#include "patron/exception.hpp"

namespace patron {

TimePoint SystemClock::now() const { return std::chrono::system_clock::now(); }

Date SystemClock::today() const {
    const std::time_t now_t = std::chrono::system_clock::to_time_t(now());
    std::tm local{};
    // localtime_r, not localtime: the clock is shared between threads.
    if (localtime_r(&now_t, &local) == nullptr) {
        throw Exception("the local date cannot be determined");
    }
    return Date{std::chrono::year{local.tm_year + 1900},
                std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
}

}  // namespace patron
