#include "patron/pin/pin.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>

namespace patron {
namespace {

constexpr std::string_view kField = "pin";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// "1111": every digit the same as the first.
bool one_digit_repeated(std::string_view digits) noexcept {
    return digits.size() >= 2 &&
           std::all_of(digits.begin(), digits.end(), [&](char c) { return c == digits.front(); });
}

// "1234" or "9876": each digit one more (or one less) than the one before. No wrap-around: "7890"
// is not a run, so it stays allowed.
bool consecutive_run(std::string_view digits) noexcept {
    if (digits.size() < 2) return false;
    const int step = digits[1] - digits[0];
    if (step != 1 && step != -1) return false;
    for (std::size_t i = 1; i < digits.size(); ++i) {
        if (digits[i] - digits[i - 1] != step) return false;
    }
    return true;
}

// Writes `value` as exactly `width` decimal digits at `out`.
void put_digits(char* out, unsigned value, std::size_t width) noexcept {
    for (std::size_t i = width; i > 0; --i) {
        out[i - 1] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// The birth date as a PIN: DDMM, MMDD, DDMMYY, DDMMYYYY or the year YYYY. Compared without
// building text of the PIN; the forms themselves are built on the stack.
bool is_birth_date(std::string_view digits, Date birth) noexcept {
    if (!birth.ok()) return false;
    const int year = static_cast<int>(birth.year());
    if (year < 0 || year > 9999) return false;
    const auto y = static_cast<unsigned>(year);
    const auto m = static_cast<unsigned>(birth.month());
    const auto d = static_cast<unsigned>(birth.day());

    std::array<char, 8> ddmmyyyy{};
    put_digits(ddmmyyyy.data(), d, 2);
    put_digits(ddmmyyyy.data() + 2, m, 2);
    put_digits(ddmmyyyy.data() + 4, y, 4);
    std::array<char, 4> mmdd{};
    put_digits(mmdd.data(), m, 2);
    put_digits(mmdd.data() + 2, d, 2);
    std::array<char, 6> ddmmyy{};
    put_digits(ddmmyy.data(), d, 2);
    put_digits(ddmmyy.data() + 2, m, 2);
    put_digits(ddmmyy.data() + 4, y % 100, 2);

    const std::string_view full(ddmmyyyy.data(), ddmmyyyy.size());
    const std::array<std::string_view, 5> forms{
        full.substr(0, 4),                           // DDMM
        std::string_view(mmdd.data(), mmdd.size()),  // MMDD
        std::string_view(ddmmyy.data(), ddmmyy.size()),
        full,
        full.substr(4),  // YYYY
    };
    return std::any_of(forms.begin(), forms.end(),
                       [&](std::string_view form) { return form == digits; });
}

tl::unexpected<Error> refuse(std::string_view reason) {
    return invalid(std::string(kField), std::string(reason));
}

}  // namespace

Result<Pin> Pin::choose(std::string_view text, const PinPolicy& policy,
                        std::optional<Date> birth_date) {
    // The order is part of the contract: the first rule a PIN breaks is the reason given.
    if (!std::all_of(text.begin(), text.end(), is_digit)) return refuse(pin::kNotDigits);
    if (text.size() < policy.min_length || text.size() > policy.max_length) {
        return refuse(pin::kBadLength);
    }
    if (one_digit_repeated(text)) return refuse(pin::kRepeated);
    if (consecutive_run(text)) return refuse(pin::kRun);
    if (birth_date && is_birth_date(text, *birth_date)) return refuse(pin::kBirthDate);
    return entered(text);
}

Pin Pin::entered(std::string_view text) {
    return Pin(SecretBytes(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
}

}  // namespace patron
