// Uses the public API the way a linking library system would: validate an identity code.
#include <chrono>
#include <iostream>
#include <patron/domain/hetu.hpp>

int main() {
    using namespace std::chrono;
    const auto today = year_month_day{year{2026} / 11 / 24};
    const auto good = patron::PersonalIdentityCode::parse("131052-308T", today);
    const auto bad = patron::PersonalIdentityCode::parse("131052-308U", today);
    if (!good || bad || good->birth_date() != year_month_day{year{1952} / 10 / 13}) {
        std::cerr << "consumer: unexpected validation result\n";
        return 1;
    }
    std::cout << "consumer: ok (" << bad.error().message << ")\n";
    return 0;
}
