#pragma once
/// @file
/// Contact and library fields of a patron record as validated, normalised values. Each `parse`
/// trims surrounding white space, normalises, and refuses with `ErrorCode::invalid_input` on the
/// field named in the doc comment, with a reason that never repeats the value.

#include <string>
#include <string_view>
#include <utility>

#include "patron/result.hpp"

namespace patron {

/// sähköpostiosoite. Field "email". Local part kept as given, domain lower-cased; ASCII only
/// (an internationalised domain is given in its xn-- form); at most 254 characters.
class EmailAddress {
public:
    [[nodiscard]] static Result<EmailAddress> parse(std::string_view text);
    [[nodiscard]] const std::string& value() const noexcept { return value_; }
    friend bool operator==(const EmailAddress&, const EmailAddress&) = default;

private:
    explicit EmailAddress(std::string v) : value_(std::move(v)) {}
    std::string value_;
};

/// puhelinnumero, normalised to E.164 ("+358401234567"). Field "phone". Accepts spaces, hyphens
/// and parentheses as separators; a leading "00" is an international prefix; a single leading "0"
/// is a Finnish national number (+358).
class PhoneNumber {
public:
    [[nodiscard]] static Result<PhoneNumber> parse(std::string_view text);
    [[nodiscard]] const std::string& value() const noexcept { return value_; }
    friend bool operator==(const PhoneNumber&, const PhoneNumber&) = default;

private:
    explicit PhoneNumber(std::string v) : value_(std::move(v)) {}
    std::string value_;
};

/// Country of a postal address, ISO 3166-1 alpha-2, upper-cased ("FI"). Field "country".
class CountryCode {
public:
    [[nodiscard]] static Result<CountryCode> parse(std::string_view text);
    [[nodiscard]] const std::string& value() const noexcept { return value_; }
    friend bool operator==(const CountryCode&, const CountryCode&) = default;

private:
    explicit CountryCode(std::string v) : value_(std::move(v)) {}
    std::string value_;
};

/// postinumero. Field "postal_code". Finnish (and Åland) codes are exactly five digits; other
/// countries' 2–10 letters, digits, spaces or hyphens, upper-cased.
class PostalCode {
public:
    [[nodiscard]] static Result<PostalCode> parse(std::string_view text,
                                                  const CountryCode& country);
    [[nodiscard]] const std::string& value() const noexcept { return value_; }
    friend bool operator==(const PostalCode&, const PostalCode&) = default;

private:
    explicit PostalCode(std::string v) : value_(std::move(v)) {}
    std::string value_;
};

/// äidinkieli: an ISO 639-1 language code, lower-cased ("fi", "sv", "se"). Field "mother_tongue".
/// Only the codes ISO 639-1 assigns are accepted.
class LanguageCode {
public:
    [[nodiscard]] static Result<LanguageCode> parse(std::string_view text);
    [[nodiscard]] const std::string& value() const noexcept { return value_; }
    friend bool operator==(const LanguageCode&, const LanguageCode&) = default;

private:
    explicit LanguageCode(std::string v) : value_(std::move(v)) {}
    std::string value_;
};

/// kirjastokortin tunnus: the barcode on a library card. Field "card_number". 4–20 letters A–Z or
/// digits, upper-cased.
class CardNumber {
public:
    [[nodiscard]] static Result<CardNumber> parse(std::string_view text);
    [[nodiscard]] const std::string& value() const noexcept { return value_; }
    friend bool operator==(const CardNumber&, const CardNumber&) = default;

private:
    explicit CardNumber(std::string v) : value_(std::move(v)) {}
    std::string value_;
};

/// Trims leading and trailing ASCII white space; the one trimming rule for every field.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

}  // namespace patron
