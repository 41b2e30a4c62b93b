#include "patron/domain/contact.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace patron {
namespace {

constexpr std::string_view kEmpty = "is empty";

constexpr std::string_view kEmailField = "email";
constexpr std::size_t kEmailMaxLength = 254;  // RFC 5321 §4.5.3.1.3 path less its <>
constexpr std::size_t kLocalMaxLength = 64;   // RFC 5321 §4.5.3.1.1
constexpr std::size_t kLabelMaxLength = 63;   // RFC 1035 §2.3.4
constexpr std::string_view kEmailNotAscii =
    "must be ASCII; give an internationalised domain in its xn-- form";
constexpr std::string_view kEmailTooLong = "must be at most 254 characters";
constexpr std::string_view kEmailAtSign = "must contain exactly one @";
constexpr std::string_view kLocalEmpty = "part before @ is empty";
constexpr std::string_view kLocalTooLong = "part before @ must be at most 64 characters";
constexpr std::string_view kLocalCharacter = "part before @ has a character not allowed there";
constexpr std::string_view kLocalDots =
    "part before @ must not start or end with a dot or have two dots in a row";
constexpr std::string_view kDomainEmpty = "part after @ is empty";
constexpr std::string_view kDomainEmptyLabel =
    "domain must not start or end with a dot or have two dots in a row";
constexpr std::string_view kDomainLabelTooLong = "domain label must be at most 63 characters";
constexpr std::string_view kDomainCharacter =
    "domain may contain only letters, digits, hyphens and dots";
constexpr std::string_view kDomainHyphen = "domain label must not start or end with a hyphen";
constexpr std::string_view kDomainOneLabel = "domain must have at least two labels";
constexpr std::string_view kTopLevelDomain =
    "top-level domain must be at least two letters or an xn-- label";

constexpr std::string_view kPhoneField = "phone";
constexpr std::size_t kPhoneMinDigits = 8;
constexpr std::size_t kPhoneMaxDigits = 15;  // ITU-T E.164 maximum
constexpr std::string_view kFinlandPrefix = "+358";
constexpr std::string_view kPhoneNoDigits = "has no digits";
constexpr std::string_view kPhoneCharacter =
    "may contain only digits, spaces, hyphens and parentheses after an optional +";
constexpr std::string_view kPhonePrefix = "must start with +, 00 or the Finnish prefix 0";
constexpr std::string_view kPhoneLength = "must have 8 to 15 digits in international form";
constexpr std::string_view kPhoneCountryZero = "country code must not start with 0";
constexpr std::string_view kPhoneFinnishZero =
    "Finnish number must not keep its leading 0 after +358";

constexpr std::string_view kCountryField = "country";
constexpr std::string_view kCountryShape = "must be two letters (ISO 3166-1 alpha-2)";

constexpr std::string_view kPostalField = "postal_code";
constexpr std::size_t kFinnishPostalLength = 5;
constexpr std::size_t kPostalMinLength = 2;
constexpr std::size_t kPostalMaxLength = 10;
constexpr std::string_view kPostalFinnish = "Finnish postal code must be five digits";
constexpr std::string_view kPostalLength = "must be 2 to 10 characters";
constexpr std::string_view kPostalCharacter =
    "may contain only letters, digits, spaces and hyphens";
constexpr std::string_view kPostalEnds = "must not start or end with a hyphen or space";

constexpr std::string_view kLanguageField = "mother_tongue";
constexpr std::string_view kLanguageShape = "must be two letters (ISO 639-1)";
constexpr std::string_view kLanguageUnknown = "is not an ISO 639-1 language code";

constexpr std::string_view kCardField = "card_number";
constexpr std::size_t kCardMinLength = 4;
constexpr std::size_t kCardMaxLength = 20;
constexpr std::string_view kCardLength = "must be 4 to 20 characters";
constexpr std::string_view kCardCharacter = "may contain only letters A-Z and digits";

// Every code ISO 639-1 assigns, sorted for binary search. "bh" (Bihari) is left out: the ISO 639
// Joint Advisory Committee deprecated it in 2021, as it had "iw", "in", "ji", "jw", "mo" and "sh".
constexpr std::array<std::string_view, 183> kIso639_1 = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
};
static_assert(std::is_sorted(kIso639_1.begin(), kIso639_1.end()));
static_assert(std::adjacent_find(kIso639_1.begin(), kIso639_1.end()) == kIso639_1.end());

tl::unexpected<Error> refuse(std::string_view field, std::string_view reason) {
    return invalid(std::string(field), std::string(reason));
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
bool is_letter(char c) noexcept { return is_upper(c) || is_lower(c); }
bool is_ascii(char c) noexcept { return static_cast<unsigned char>(c) < 0x80; }

// ASCII only: a locale-dependent toupper could turn a byte of a UTF-8 sequence into a letter.
char to_upper(char c) noexcept { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_upper);
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_lower);
    return out;
}

bool all_digits(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(), is_digit);
}

// atext of RFC 5322 §3.2.3: the characters a dot-atom local part may hold besides dots.
bool is_atext(char c) noexcept {
    constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
    return is_letter(c) || is_digit(c) || kSpecials.find(c) != std::string_view::npos;
}

std::optional<std::string_view> check_local_part(std::string_view local) {
    if (local.empty()) {
        return kLocalEmpty;
    }
    if (local.size() > kLocalMaxLength) {
        return kLocalTooLong;
    }
    if (!std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atext(c); })) {
        return kLocalCharacter;
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
        return kLocalDots;
    }
    return std::nullopt;
}

// `domain` is already lower-cased.
std::optional<std::string_view> check_domain(std::string_view domain) {
    if (domain.empty()) {
        return kDomainEmpty;
    }
    std::size_t labels = 0;
    std::string_view last;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = domain.find('.', start);
        const std::string_view label = domain.substr(start, dot - start);
        if (label.empty()) {
            return kDomainEmptyLabel;
        }
        if (label.size() > kLabelMaxLength) {
            return kDomainLabelTooLong;
        }
        if (!std::all_of(label.begin(), label.end(),
                         [](char c) { return is_lower(c) || is_digit(c) || c == '-'; })) {
            return kDomainCharacter;
        }
        // RFC 952 / RFC 1123 §2.1 host name rule.
        if (label.front() == '-' || label.back() == '-') {
            return kDomainHyphen;
        }
        ++labels;
        last = label;
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    if (labels < 2) {
        return kDomainOneLabel;
    }
    const bool letters_only = last.size() >= 2 && std::all_of(last.begin(), last.end(), is_lower);
    if (!letters_only && !last.starts_with("xn--")) {
        return kTopLevelDomain;
    }
    return std::nullopt;
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

Result<EmailAddress> EmailAddress::parse(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return refuse(kEmailField, kEmpty);
    }
    if (!std::all_of(trimmed.begin(), trimmed.end(), is_ascii)) {
        return refuse(kEmailField, kEmailNotAscii);
    }
    if (trimmed.size() > kEmailMaxLength) {
        return refuse(kEmailField, kEmailTooLong);
    }
    const std::size_t at = trimmed.find('@');
    if (at == std::string_view::npos || trimmed.find('@', at + 1) != std::string_view::npos) {
        return refuse(kEmailField, kEmailAtSign);
    }
    const std::string_view local = trimmed.substr(0, at);
    if (const auto reason = check_local_part(local)) {
        return refuse(kEmailField, *reason);
    }
    // Only the domain is case-insensitive (RFC 5321 §2.4); the local part belongs to the
    // receiving server, so it is kept exactly as given.
    const std::string domain = lower(trimmed.substr(at + 1));
    if (const auto reason = check_domain(domain)) {
        return refuse(kEmailField, *reason);
    }
    return EmailAddress(std::string(local) + '@' + domain);
}

Result<PhoneNumber> PhoneNumber::parse(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return refuse(kPhoneField, kEmpty);
    }
    std::string compact;
    for (const char c : trimmed) {
        if (c != ' ' && c != '-' && c != '(' && c != ')') {
            compact += c;
        }
    }
    if (compact.empty()) {
        return refuse(kPhoneField, kPhoneNoDigits);
    }
    const std::string_view digits =
        compact.front() == '+' ? std::string_view(compact).substr(1) : std::string_view(compact);
    if (!all_digits(digits)) {
        return refuse(kPhoneField, kPhoneCharacter);
    }

    std::string e164;
    if (compact.front() == '+') {
        e164 = compact;
    } else if (digits.starts_with("00")) {
        e164 = '+';
        e164 += digits.substr(2);
    } else if (digits.starts_with("0")) {
        // A single 0 is the Finnish trunk prefix: 040 123 4567 is +358 40 123 4567.
        e164 = std::string(kFinlandPrefix) + std::string(digits.substr(1));
    } else {
        return refuse(kPhoneField, kPhonePrefix);
    }

    const std::size_t count = e164.size() - 1;
    if (count < kPhoneMinDigits || count > kPhoneMaxDigits) {
        return refuse(kPhoneField, kPhoneLength);
    }
    // E.164 country codes start with 1-9; a 0 here is a prefix typed twice.
    if (e164[1] == '0') {
        return refuse(kPhoneField, kPhoneCountryZero);
    }
    // "+358 (0)40 ..." written out keeps the trunk 0, which no Finnish number has after +358.
    if (e164.starts_with(kFinlandPrefix) && e164[kFinlandPrefix.size()] == '0') {
        return refuse(kPhoneField, kPhoneFinnishZero);
    }
    return PhoneNumber(std::move(e164));
}

Result<CountryCode> CountryCode::parse(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return refuse(kCountryField, kEmpty);
    }
    if (trimmed.size() != 2 || !std::all_of(trimmed.begin(), trimmed.end(), is_letter)) {
        return refuse(kCountryField, kCountryShape);
    }
    return CountryCode(upper(trimmed));
}

Result<PostalCode> PostalCode::parse(std::string_view text, const CountryCode& country) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return refuse(kPostalField, kEmpty);
    }
    std::string code = upper(trimmed);
    // Åland (AX) shares the Finnish postal system: 22100 Mariehamn.
    if (country.value() == "FI" || country.value() == "AX") {
        if (code.size() != kFinnishPostalLength || !all_digits(code)) {
            return refuse(kPostalField, kPostalFinnish);
        }
        return PostalCode(std::move(code));
    }
    if (code.size() < kPostalMinLength || code.size() > kPostalMaxLength) {
        return refuse(kPostalField, kPostalLength);
    }
    if (!std::all_of(code.begin(), code.end(),
                     [](char c) { return is_upper(c) || is_digit(c) || c == ' ' || c == '-'; })) {
        return refuse(kPostalField, kPostalCharacter);
    }
    if (code.front() == '-' || code.back() == '-' || code.front() == ' ' || code.back() == ' ') {
        return refuse(kPostalField, kPostalEnds);
    }
    return PostalCode(std::move(code));
}

Result<LanguageCode> LanguageCode::parse(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return refuse(kLanguageField, kEmpty);
    }
    if (trimmed.size() != 2 || !std::all_of(trimmed.begin(), trimmed.end(), is_letter)) {
        return refuse(kLanguageField, kLanguageShape);
    }
    std::string code = lower(trimmed);
    if (!std::binary_search(kIso639_1.begin(), kIso639_1.end(), std::string_view(code))) {
        return refuse(kLanguageField, kLanguageUnknown);
    }
    return LanguageCode(std::move(code));
}

Result<CardNumber> CardNumber::parse(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return refuse(kCardField, kEmpty);
    }
    if (trimmed.size() < kCardMinLength || trimmed.size() > kCardMaxLength) {
        return refuse(kCardField, kCardLength);
    }
    std::string card = upper(trimmed);
    if (!std::all_of(card.begin(), card.end(), [](char c) { return is_upper(c) || is_digit(c); })) {
        return refuse(kCardField, kCardCharacter);
    }
    return CardNumber(std::move(card));
}

}  // namespace patron
