#pragma once
// PIN hashing: Argon2id through the reference libargon2 with a per-PIN salt and a server-side
// pepper passed as Argon2's secret, stored as a PHC string.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "patron/crypto/key_ring.hpp"
#include "patron/crypto/protected_pin.hpp"
#include "patron/pin/pin.hpp"
#include "patron/pin/pin_settings.hpp"

namespace patron::crypto {

inline constexpr std::size_t kPinSaltLength = 16;
inline constexpr std::size_t kPinTagLength = 32;

/// Argon2id (RFC 9106, version 0x13) of `password` through libargon2's argon2_ctx, with optional
/// secret and associated data; a `tag_length`-byte tag. No flag clears the caller's buffers.
/// @throws Exception with libargon2's error message on bad parameters or allocation failure
[[nodiscard]] std::string argon2id(std::span<const std::uint8_t> password,
                                   std::span<const std::uint8_t> salt,
                                   std::span<const std::uint8_t> secret,
                                   std::span<const std::uint8_t> associated_data,
                                   const Argon2Params& params, std::size_t tag_length);

/// A decoded PHC string of Argon2id version 19.
struct PhcHash {
    Argon2Params params;
    std::string salt;  ///< raw bytes
    std::string tag;   ///< raw bytes
    friend bool operator==(const PhcHash&, const PhcHash&) = default;
};

/// `$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<tag>` with unpadded standard base64 (libargon2's
/// own encoder is not exported, hence our own).
[[nodiscard]] std::string format_phc(const PhcHash& hash);
/// Strict inverse of format_phc: another algorithm or version, missing or extra fields, bad
/// base64, padding, zero or out-of-range parameters give an empty result.
[[nodiscard]] std::optional<PhcHash> parse_phc(std::string_view text);

/// The outcome of checking a PIN against a stored hash.
enum class PinCheck {
    match,
    mismatch,
    unusable,  ///< the stored hash is malformed, far costlier than configured, or its pepper is
               ///< missing from the key file
};

/// Hashes and verifies PINs with the configured parameters and the key ring's peppers.
/// Thread-safe; holds a reference to the ring.
class PinHasher {
public:
    PinHasher(const KeyRing& keys, const Argon2Params& params) : keys_(keys), params_(params) {}

    /// A new hash: fresh random salt, configured parameters, current pepper.
    [[nodiscard]] StoredPin hash(const Pin& pin) const;

    /// Recomputes with the stored parameters, salt and pepper and compares in constant time.
    /// An unusable stored hash costs the same as a verification (see dummy_verify).
    [[nodiscard]] PinCheck verify(const Pin& pin, const StoredPin& stored) const;

    /// True when `stored` used other parameters or an older pepper than configured now.
    [[nodiscard]] bool needs_rehash(const StoredPin& stored) const;

    /// The work of one verification at the configured parameters, for an unknown card or a
    /// patron without a PIN, so timing does not tell which cards exist.
    void dummy_verify(const Pin& pin) const;

    [[nodiscard]] const Argon2Params& params() const noexcept { return params_; }

private:
    const KeyRing& keys_;
    Argon2Params params_;
};

}  // namespace patron::crypto
