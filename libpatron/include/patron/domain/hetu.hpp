#pragma once
/// @file
/// henkilötunnus (HETU): the Finnish personal identity code, validated in full.

#include <string>
#include <string_view>
#include <utility>

#include "patron/clock.hpp"
#include "patron/result.hpp"

namespace patron {

/// A valid Finnish personal identity code (henkilötunnus, HETU) of a person the register may hold:
/// `DDMMYYCZZZQ` — birth date, century sign, individual number, check character.
///
/// Validation is exact (no trimming, no case folding): 11 characters; the century signs of the 2023
/// reform (`+` 1800s; `-YXWVU` 1900s; `ABCDEF` 2000s); a real calendar date, not after `today`;
/// individual number 002–899 (900–999 are temporary codes, refused for the register with their own
/// reason); check character from `0123456789ABCDEFHJKLMNPRSTUVWXY` indexed by DDMMYYZZZ mod 31.
/// Sex is never derived from the individual number.
///
/// The code is personal data: there is deliberately no stream operator; show `masked()`.
class PersonalIdentityCode {
public:
    /// Validates `text` on the calendar date `today`. Every refusal is
    /// `ErrorCode::invalid_input` on field "hetu" with a reason naming the defect, not the code.
    [[nodiscard]] static Result<PersonalIdentityCode> parse(std::string_view text, Date today);

    /// Composes the code of a person born on `birth` with `individual_number`, using the
    /// original century sign (`+`, `-` or `A`), and validates it as parse() does. For demo data
    /// and test builders; the register itself only parses codes people give.
    [[nodiscard]] static Result<PersonalIdentityCode> make(Date birth, int individual_number,
                                                           Date today);

    /// The code as given (canonical: exactly 11 characters). Personal data: never log it.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    [[nodiscard]] Date birth_date() const noexcept { return birth_date_; }
    /// Age in whole years on `on`; precondition `on >= birth_date()`.
    [[nodiscard]] int age_on(Date on) const;
    /// Birth date and century sign only, individual number and check hidden: "131052-****".
    [[nodiscard]] std::string masked() const;

    friend bool operator==(const PersonalIdentityCode& a, const PersonalIdentityCode& b) noexcept {
        return a.text_ == b.text_;
    }

private:
    PersonalIdentityCode(std::string text, Date birth_date)
        : text_(std::move(text)), birth_date_(birth_date) {}

    std::string text_;
    Date birth_date_;
};

namespace hetu {
/// The reasons `PersonalIdentityCode::parse` gives, one per defect (the `Error::message`).
inline constexpr std::string_view kBadLength = "must be exactly 11 characters";
inline constexpr std::string_view kBadDateDigits = "date part must be six digits DDMMYY";
inline constexpr std::string_view kLowercase = "letters must be capitals";
inline constexpr std::string_view kBadCenturySign = "unknown century sign";
inline constexpr std::string_view kNoSuchDate = "date part is not a real calendar date";
inline constexpr std::string_view kFutureDate = "birth date is in the future";
inline constexpr std::string_view kBadIndividualDigits = "individual number must be three digits";
inline constexpr std::string_view kUnusedIndividualNumber =
    "individual number 000 or 001 is not issued";
inline constexpr std::string_view kTemporaryNumber =
    "temporary identity code (individual number 900-999) is not accepted for the register";
inline constexpr std::string_view kBadCheckCharacter = "check character is not one that is used";
inline constexpr std::string_view kCheckMismatch = "check character does not match";
}  // namespace hetu

}  // namespace patron
