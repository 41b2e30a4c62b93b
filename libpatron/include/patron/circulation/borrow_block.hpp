#pragma once
/// @file
/// Why a patron may not borrow: the one list of reasons for kiosks, the desk and self-service.

#include <string_view>

namespace patron {

/// Why a patron may not borrow (every reason that applies is given).
enum class BorrowBlock {
    loan_ban,                  ///< a loan ban is in force
    excessive_fees,            ///< unpaid fees over the limit
    card_locked,               ///< too many wrong PINs
    processing_restricted,     ///< GDPR art. 18: the patron's data may not be processed
    guardian_consent_missing,  ///< a ward under 15 without a guardian's recorded consent
    card_expired,              ///< the card's validity ended
};

/// Stable name ("loan_ban", "excessive_fees", ...).
[[nodiscard]] std::string_view to_string(BorrowBlock block) noexcept;

}  // namespace patron
