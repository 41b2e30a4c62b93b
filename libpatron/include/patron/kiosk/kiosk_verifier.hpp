#pragma once
/// @file
/// Verifying a patron at a self-service kiosk: card, PIN, and whether the patron may borrow.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/circulation/borrow_block.hpp"
#include "patron/circulation/circulation_settings.hpp"
#include "patron/context.hpp"
#include "patron/kiosk/kiosk_settings.hpp"
#include "patron/pin/pin_settings.hpp"
#include "patron/result.hpp"

namespace patron {

/// How a verification ended.
enum class VerifyOutcome {
    verified,      ///< card known, PIN correct
    wrong_pin,     ///< card known, PIN wrong (counted towards lockout)
    locked,        ///< card known and locked after too many wrong PINs
    unknown_card,  ///< no patron has this card
    no_pin,        ///< card known, but no PIN has been set
    throttled,     ///< this kiosk sent too many failed attempts; try again after `retry_after`
};

/// The answer to a kiosk. Until the PIN is verified it says nothing about the patron beyond
/// whether the card is known (and locked); after, whether the patron may borrow and why not,
/// and the display name only when the kiosk's profile allows it.
struct KioskAnswer {
    VerifyOutcome outcome = VerifyOutcome::unknown_card;
    bool card_known = false;
    bool pin_ok = false;
    bool may_borrow = false;
    std::vector<BorrowBlock> blocks;
    std::optional<std::string> display_name;
    /// The verified patron, for the transport's own follow-up calls made on the patron's behalf
    /// (SIP2 item lists, a web-library session). Set only when the PIN was correct; a kiosk
    /// transport never shows it.
    std::optional<PatronId> patron;
    std::optional<TimePoint> locked_until;            ///< the card is locked until then
    std::optional<std::chrono::seconds> retry_after;  ///< throttled: wait this long
};

[[nodiscard]] std::string_view to_string(VerifyOutcome outcome) noexcept;

/// Verifies patrons for kiosks (self-checkout, PC booking, staffless-library doors). The caller
/// is the kiosk (role `kiosk`; its actor is the kiosk id).
///
/// An unknown card costs the same Argon2 work as a known one; a locked card is answered without
/// it; lockout counters live in the database and are exact under concurrent attempts; a kiosk
/// over its failure limit is refused until its window ends. Every attempt is audited with the
/// kiosk, the patron (when the card is known) and the outcome — never the PIN or card number.
/// A verified card's last activity date is recorded (not for a restricted patron).
///
/// Refusals (`Result` errors): `permission_denied`, `invalid_input` (field "card_number": not a
/// card number; field "pin": empty, which counts towards no lockout). Wrong PINs, locks and unknown
/// cards are answers, not errors.
/// @throws DatabaseError / TransactionConflict on storage failures. Thread-safe.
class KioskVerifier {
public:
    /// `circulation` decides whether a verified patron may borrow (the fee limit).
    KioskVerifier(const Context& context, const PinSettings& pins, const KioskSettings& kiosks,
                  const CirculationSettings& circulation);
    ~KioskVerifier();
    KioskVerifier(const KioskVerifier&) = delete;
    KioskVerifier& operator=(const KioskVerifier&) = delete;

    [[nodiscard]] Result<KioskAnswer> verify(const Caller& kiosk, std::string_view card_number,
                                             std::string_view pin,
                                             const KioskProfile& profile = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
