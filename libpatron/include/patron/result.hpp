#pragma once
/// @file
/// Expected domain outcomes: `Result<T>` holds a value or an `Error`. The one place that names the
/// expected type, so moving to `std::expected` later touches only this file.

#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace patron {

/// Kind of an expected refusal. Stable: clients map it to HTTP statuses and SIP2 fields.
enum class ErrorCode {
    invalid_input,      ///< a field failed validation; `Error::field` names it
    not_found,          ///< no such patron (or not visible to the caller)
    conflict,           ///< a unique value (card number, identity code) is already registered
    guardian_required,  ///< a person under 15 needs an adult guardian who is a patron
    permission_denied,  ///< the caller's role may not do this, or not to this patron
    wrong_pin,          ///< the PIN given does not match
    card_locked,        ///< too many wrong PINs: the card is locked for a while
    borrowing_blocked,  ///< the patron may not borrow; the message names the reasons
    not_renewable,      ///< the loan may not be renewed (renewal limit, or the item has holds)
};

/// Stable lower-case name of a code, e.g. "invalid_input".
[[nodiscard]] std::string_view to_string(ErrorCode code) noexcept;

/// A refusal: what kind, which input field (empty if none), and a short English reason.
/// Never carries personal data: messages say what is wrong, not with what value.
struct Error {
    ErrorCode code;
    std::string field;
    std::string message;

    friend bool operator==(const Error&, const Error&) = default;
};

template <class T>
using Result = tl::expected<T, Error>;

/// Builds the failed side of a `Result`: `return fail(ErrorCode::not_found, "", "no such patron");`
[[nodiscard]] inline tl::unexpected<Error> fail(ErrorCode code, std::string field,
                                                std::string message) {
    return tl::unexpected<Error>(Error{code, std::move(field), std::move(message)});
}

/// Shorthand for the most common refusal: `field` failed validation for `reason`.
[[nodiscard]] inline tl::unexpected<Error> invalid(std::string field, std::string reason) {
    return fail(ErrorCode::invalid_input, std::move(field), std::move(reason));
}

}  // namespace patron
