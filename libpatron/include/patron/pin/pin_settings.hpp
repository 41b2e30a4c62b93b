#pragma once
/// @file
/// How PINs are hashed and which PINs are accepted (configuration `[pin]`).

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace patron {

/// Argon2id cost parameters. Defaults are OWASP's minimum for Argon2id (m=19456 KiB, t=2, p=1).
struct Argon2Params {
    std::uint32_t memory_kib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
    friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

/// Which PINs a patron may choose: digits only, this many of them, and none of the obvious ones
/// (one digit repeated, an ascending or descending run, the patron's birth date).
struct PinPolicy {
    std::size_t min_length = 4;
    std::size_t max_length = 8;
};

/// Lockout: after `max_failed_attempts` consecutive wrong PINs the card is locked for `duration`.
struct PinLockout {
    int max_failed_attempts = 5;
    std::chrono::seconds duration{15 * 60};
};

struct PinSettings {
    Argon2Params hashing;
    PinPolicy policy;
    PinLockout lockout;
};

}  // namespace patron
