#pragma once
// One PIN attempt against a patron's stored PIN, with lockout: shared by the kiosk verifier and
// PIN changes. Split in two so that Argon2 (tens of milliseconds) runs with no transaction open
// and no pooled connection held; the recording is one statement.

#include <optional>

#include "crypto/pin_hasher.hpp"
#include "patron/store/pin_repository.hpp"

namespace patron::detail {

using store::PinOutcome;

/// The Argon2 part of an attempt.
struct PinCheckResult {
    PinOutcome outcome = PinOutcome::wrong_pin;
    std::optional<StoredPin> rehashed;  ///< when verified under outdated parameters or pepper
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

    /// Records the attempt in one statement. `attempt` brings the patron, time, audit entry and
    /// what success adds (card activity, a changed PIN as `replacement`); this fills in how the
    /// PIN compared. No PIN and a locked card are recorded as unmatched, with `audit.outcome`.
    [[nodiscard]] store::AttemptResult record(store::PinRepository& pins, store::PinAttempt attempt,
                                              const std::optional<store::PinRecord>& record,
                                              const PinCheckResult& result) const;

    [[nodiscard]] const crypto::PinHasher& hasher() const noexcept { return hasher_; }

private:
    crypto::PinHasher hasher_;
    PinLockout lockout_;
};

}  // namespace patron::detail
