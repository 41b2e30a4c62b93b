#pragma once
// One PIN attempt against a patron's stored PIN, with lockout: shared by the kiosk verifier and
// PIN changes. Split in two so that Argon2 (tens of milliseconds) runs with no transaction open
// and no pooled connection held.

#include <optional>

#include "crypto/pin_hasher.hpp"
#include "patron/store/pin_repository.hpp"

namespace patron::detail {

enum class PinOutcome {
    verified,
    wrong_pin,
    locked,  ///< the card was locked when the attempt came (no Argon2 run)
    no_pin,  ///< the patron has no PIN
    /// The stored hash cannot be checked (its pepper is missing from the key file, or it is
    /// malformed): a configuration fault, answered as a wrong PIN but not counted towards
    /// lockout, since no guess could succeed.
    unusable,
};

/// The Argon2 part of an attempt.
struct PinCheckResult {
    PinOutcome outcome = PinOutcome::wrong_pin;
    std::optional<StoredPin> rehashed;  ///< when verified under outdated parameters or pepper
};

/// What an attempt came to once recorded.
struct PinVerdict {
    PinOutcome outcome = PinOutcome::wrong_pin;
    std::optional<TimePoint> locked_until;  ///< the card is (now) locked until then
};

class PinChecker {
public:
    PinChecker(const KeyRing& keys, const PinSettings& settings)
        : hasher_(keys, settings.hashing), lockout_(settings.lockout) {}

    /// Compares `pin` with `record` (empty: no PIN set) at `now`, with no transaction open. A
    /// locked card is answered without Argon2; a missing or unusable PIN still costs one
    /// verification, so timing does not tell them apart from a wrong PIN.
    [[nodiscard]] PinCheckResult check(const Pin& pin,
                                       const std::optional<store::PinRecord>& record,
                                       TimePoint now) const;

    /// Records the attempt in the caller's transaction: a correct PIN clears the counters (and
    /// stores a rehash) unless the card got locked meanwhile; a wrong one counts towards lockout.
    [[nodiscard]] PinVerdict record(store::PinRepository& pins, PatronId patron,
                                    const std::optional<store::PinRecord>& record,
                                    const PinCheckResult& result, TimePoint now) const;

    [[nodiscard]] const crypto::PinHasher& hasher() const noexcept { return hasher_; }

private:
    crypto::PinHasher hasher_;
    PinLockout lockout_;
};

[[nodiscard]] std::string_view to_string(PinOutcome outcome) noexcept;

}  // namespace patron::detail
