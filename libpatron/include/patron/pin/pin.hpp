#pragma once
/// @file
/// tunnusluku: a library PIN, held only in a buffer that is wiped when released.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "patron/clock.hpp"
#include "patron/crypto/secret_bytes.hpp"
#include "patron/pin/pin_settings.hpp"
#include "patron/result.hpp"

namespace patron {

/// A PIN. Its digits are secret: there is no accessor that returns text, and the buffer is
/// wiped on destruction. Move-only.
class Pin {
public:
    /// A PIN a patron chooses, checked against `policy`: digits only, min–max length, not one
    /// digit repeated ("1111"), not an ascending or descending run ("1234", "9876"), and not the
    /// birth date (DDMM, MMDD, DDMMYY, DDMMYYYY or the birth year YYYY) when `birth_date` is
    /// given. Refusals are `invalid_input` on field "pin" with a reason that never repeats the
    /// PIN.
    [[nodiscard]] static Result<Pin> choose(std::string_view text, const PinPolicy& policy,
                                            std::optional<Date> birth_date);

    /// Whatever a kiosk sent, unchecked: verification only compares it with the stored hash.
    [[nodiscard]] static Pin entered(std::string_view text);

    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return digits_.bytes(); }

private:
    explicit Pin(SecretBytes digits) : digits_(std::move(digits)) {}
    SecretBytes digits_;
};

namespace pin {
/// The reasons Pin::choose gives (the `Error::message`).
inline constexpr std::string_view kNotDigits = "must contain digits only";
inline constexpr std::string_view kBadLength = "has the wrong number of digits";
inline constexpr std::string_view kRepeated = "must not be one digit repeated";
inline constexpr std::string_view kRun = "must not be a run of consecutive digits";
inline constexpr std::string_view kBirthDate = "must not be the birth date or year";
}  // namespace pin

}  // namespace patron
