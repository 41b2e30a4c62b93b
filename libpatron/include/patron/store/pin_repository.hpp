#pragma once
/// @file
/// Storage of PINs, lockout counters, kiosk throttling, and the borrowing state a kiosk
/// verification reads.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "patron/crypto/protected_pin.hpp"
#include "patron/domain/patron.hpp"
#include "patron/pin/pin_settings.hpp"

namespace patron::store {

/// A stored PIN with its lockout state.
struct PinRecord {
    StoredPin pin;
    int failed_attempts = 0;
    std::optional<TimePoint> locked_until;
};

/// What decides whether a patron may borrow, read in the same statement as the PIN.
struct BorrowerState {
    PatronId id;
    PatronKind kind = PatronKind::person;
    std::string given_names;        ///< persons
    std::string surname;            ///< persons
    std::string organisation_name;  ///< organisations
    std::optional<Date> birth_date;
    std::optional<Date> card_expires_on;
    bool processing_restricted = false;
    bool loan_ban = false;               ///< a ban in force on the day asked
    std::int64_t unpaid_fees_cents = 0;  ///< fees neither paid nor cancelled
    bool guardian_consent = false;       ///< some guardian has recorded consent
    std::optional<PinRecord> pin;
};

/// Everything one kiosk verification reads, in one round trip.
struct VerificationView {
    int kiosk_failures = 0;                 ///< the kiosk's failures in the current window
    std::optional<BorrowerState> borrower;  ///< empty: no patron has this card
};

/// The lockout counters after a failed attempt.
struct FailureCount {
    int failed_attempts = 0;
    std::optional<TimePoint> locked_until;
};

/// PIN storage within one transaction. Counters change in single statements, so concurrent
/// attempts never lose an update. Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class PinRepository {
public:
    virtual ~PinRepository() = default;

    /// The card's patron with PIN and borrowing state on `today`, and `kiosk`'s failures in the
    /// window starting at `window_start`.
    [[nodiscard]] virtual VerificationView verification_view(const CardNumber& card,
                                                             std::string_view kiosk,
                                                             TimePoint window_start,
                                                             Date today) = 0;

    /// The PIN of a patron, if one is set.
    [[nodiscard]] virtual std::optional<PinRecord> find(PatronId patron) = 0;

    /// Sets (or replaces) a PIN and clears the lockout state.
    virtual void set(PatronId patron, const StoredPin& pin, TimePoint at,
                     std::string_view actor) = 0;

    /// Counts a failed attempt at `now`: one more failure (a new round when an earlier lock has
    /// expired), and a lock for `lockout.duration` when the count reaches the limit. A lock already
    /// in force is kept as it is. Returns the new counters; empty when the patron has no PIN.
    virtual std::optional<FailureCount> record_failure(PatronId patron, TimePoint now,
                                                       const PinLockout& lockout) = 0;

    /// Clears the counters after a correct PIN, replacing the hash with `rehashed` when given —
    /// only if the card is not locked at `now` and the PIN is still `verified` (not changed
    /// meanwhile). False when either has changed.
    virtual bool record_success(PatronId patron, TimePoint now, const StoredPin& verified,
                                const std::optional<StoredPin>& rehashed) = 0;

    /// Counts a failure of `kiosk` in the window starting at `window_start` (an older window
    /// restarts at one).
    virtual void record_kiosk_failure(std::string_view kiosk, TimePoint window_start) = 0;
};

}  // namespace patron::store
