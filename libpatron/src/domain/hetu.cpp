#include "patron/domain/hetu.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>

#include "patron/domain/date.hpp"

namespace patron {
namespace {

constexpr std::string_view kField = "hetu";
constexpr std::size_t kLength = 11;  // DDMMYYCZZZQ
constexpr std::size_t kCenturyAt = 6;
constexpr std::size_t kIndividualAt = 7;
constexpr std::size_t kCheckAt = 10;

// Indexed by DDMMYYZZZ mod 31; G, I, O, Q and Z are left out so they cannot be misread.
constexpr std::string_view kCheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(), is_digit);
}

std::uint32_t digits_value(std::string_view digits) noexcept {
    std::uint32_t value = 0;
    for (const char c : digits) {
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return value;
}

// First year of the century a sign stands for. The government decree of 8 July 2022 (in force
// 1 January 2023) added Y X W V U beside '-' and B C D E F beside 'A' so that codes do not run out.
std::optional<int> century_start(char sign) noexcept {
    switch (sign) {
        case '+':
            return 1800;
        case '-':
        case 'Y':
        case 'X':
        case 'W':
        case 'V':
        case 'U':
            return 1900;
        case 'A':
        case 'B':
        case 'C':
        case 'D':
        case 'E':
        case 'F':
            return 2000;
        default:
            return std::nullopt;
    }
}

tl::unexpected<Error> refuse(std::string_view reason) {
    return invalid(std::string(kField), std::string(reason));
}

}  // namespace

Result<PersonalIdentityCode> PersonalIdentityCode::parse(std::string_view text, Date today) {
    if (text.size() != kLength) {
        return refuse(hetu::kBadLength);
    }
    if (std::any_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
        return refuse(hetu::kLowercase);
    }
    const std::string_view date_part = text.substr(0, kCenturyAt);
    if (!all_digits(date_part)) {
        return refuse(hetu::kBadDateDigits);
    }
    const std::optional<int> century = century_start(text[kCenturyAt]);
    if (!century) {
        return refuse(hetu::kBadCenturySign);
    }
    const std::string_view individual_part = text.substr(kIndividualAt, 3);
    if (!all_digits(individual_part)) {
        return refuse(hetu::kBadIndividualDigits);
    }
    const char check = text[kCheckAt];
    if (kCheckCharacters.find(check) == std::string_view::npos) {
        return refuse(hetu::kBadCheckCharacter);
    }

    const std::uint32_t ddmmyy = digits_value(date_part);
    const Date birth{std::chrono::year{*century + static_cast<int>(ddmmyy % 100)},
                     std::chrono::month{ddmmyy / 100 % 100}, std::chrono::day{ddmmyy / 10000}};
    if (!birth.ok()) {
        return refuse(hetu::kNoSuchDate);
    }
    // The checksum covers the digits only, so it is the same whatever the century sign.
    const std::uint32_t individual = digits_value(individual_part);
    if (kCheckCharacters[(ddmmyy * 1000 + individual) % 31] != check) {
        return refuse(hetu::kCheckMismatch);
    }
    if (individual < 2) {
        return refuse(hetu::kUnusedIndividualNumber);
    }
    // 900-999 are temporary codes; the register keeps only a person's permanent code.
    if (individual >= 900) {
        return refuse(hetu::kTemporaryNumber);
    }
    if (birth > today) {
        return refuse(hetu::kFutureDate);
    }
    return PersonalIdentityCode(std::string(text), birth);
}

Result<PersonalIdentityCode> PersonalIdentityCode::make(Date birth, int individual_number,
                                                        Date today) {
    const int year = static_cast<int>(birth.year());
    if (!birth.ok() || year < 1800 || year > 2099) return refuse(hetu::kNoSuchDate);
    if (individual_number < 0 || individual_number > 999) return refuse(hetu::kBadIndividualDigits);
    const auto two = [](unsigned value) {
        return std::string{static_cast<char>('0' + value / 10),
                           static_cast<char>('0' + value % 10)};
    };
    const unsigned day = static_cast<unsigned>(birth.day());
    const unsigned month = static_cast<unsigned>(birth.month());
    const auto yy = static_cast<unsigned>(year % 100);
    const std::string date_part = two(day) + two(month) + two(yy);
    const auto individual = static_cast<std::uint32_t>(individual_number);
    std::string text = date_part;
    text += year < 1900 ? '+' : year < 2000 ? '-' : 'A';
    text += std::to_string(1000 + individual).substr(1);
    text += kCheckCharacters[(digits_value(date_part) * 1000 + individual) % 31];
    return parse(text, today);
}

int PersonalIdentityCode::age_on(Date on) const {
    assert(on >= birth_date_);
    return patron::age_on(birth_date_, on);
}

std::string PersonalIdentityCode::masked() const { return text_.substr(0, kIndividualAt) + "****"; }

}  // namespace patron
