#pragma once
/// @file
/// Storage of PINs, lockout counters, kiosk throttling, and the borrowing state a kiosk
/// verification reads.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "patron/audit/audit_event.hpp"
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
    std::string category;           ///< the patron category loan rules use
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

/// Where a failed attempt counts for throttling: a kiosk and its current window.
struct KioskWindow {
    std::string kiosk;
    TimePoint start;
};

/// How an attempt ended, as recorded and audited.
enum class PinOutcome {
    verified,
    wrong_pin,
    locked,    ///< the card was locked when the attempt was decided
    no_pin,    ///< no PIN is set (or it was removed meanwhile)
    unusable,  ///< the stored hash cannot be checked: a configuration fault, not counted
};

/// Stable names of the outcomes ("verified", "wrong_pin", "locked", "no_pin", "unusable_pin").
[[nodiscard]] std::string_view to_string(PinOutcome outcome) noexcept;

/// An attempt whose PIN was compared with the stored hash (Argon2 already run), to record.
struct PinAttempt {
    PatronId patron;
    TimePoint now;
    bool correct = false;  ///< the PIN matched `compared`
    bool counts = true;    ///< a wrong PIN counts towards lockout (not when the hash was unusable)
    StoredPin compared;    ///< the hash the PIN was compared with
    std::optional<StoredPin> replacement;  ///< stored on success: a rehash, or a changed PIN
    bool changes_pin = false;              ///< the replacement is a new PIN (stamps who set it)
    std::optional<Date> card_activity;     ///< recorded on success
    std::optional<KioskWindow> kiosk;      ///< counted as a kiosk failure unless successful
    AuditEvent audit;  ///< written with the outcome; its `fields` only on success
};

/// What an attempt came to.
struct AttemptResult {
    PinOutcome outcome = PinOutcome::wrong_pin;
    int failed_attempts = 0;
    std::optional<TimePoint> locked_until;  ///< the card is (now) locked until then
};

/// PIN storage. Attempts are recorded in single statements, so concurrent attempts never lose an
/// update, and need no transaction around them (Atomicity::statement). Not thread-safe.
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

    /// Records an attempt in one statement, atomic on its own: under the PIN row's lock, the
    /// attempt succeeds only if the card is not locked and the PIN is still `compared`; success
    /// clears the counters and stores the replacement; a counted wrong PIN adds one failure (a new
    /// round after an expired lock) and locks the card at `lockout.max_failed_attempts`; the
    /// card activity, the kiosk failure and the audit entry (with the outcome) are written with it.
    virtual AttemptResult record_attempt(const PinAttempt& attempt, const PinLockout& lockout) = 0;

    /// Records an attempt that reached no stored PIN (unknown card, no PIN, a locked card, a
    /// throttled kiosk): the audit entry as given and, when `kiosk` is set, a kiosk failure. One
    /// statement.
    virtual void record_unmatched(const std::optional<KioskWindow>& kiosk,
                                  const AuditEvent& audit) = 0;
};

}  // namespace patron::store
