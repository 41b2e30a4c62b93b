#pragma once
/// @file
/// Legal holds: reasons the law gives to keep records a retention rule would purge. A hold always
/// wins over a rule, and releases the record by itself when it ends (a fee paid, a claim window
/// closed), so the next run purges it.

#include <span>
#include <string_view>
#include <vector>

#include "patron/retention/retention_policy.hpp"

namespace patron {

/// Every legal hold the engine applies. New holds (billing and collections cases, open subject
/// requests) are added here and in the storage's table of hold conditions; the engine and its
/// reports take them from this list.
enum class LegalHold {
    processing_restriction,  ///< the patron's processing is restricted (GDPR art. 18)
    current_loans,           ///< the patron has items on loan
    open_holds,              ///< the patron has holds placed or ready for pickup
    unpaid_fees,             ///< the patron has fees neither paid nor cancelled
    open_invoices,           ///< the patron has invoices not yet paid or cancelled
    guardian_of_minor,       ///< the patron is the guardian of a ward under 15
    responsible_person,      ///< the patron is the responsible person of an organisation customer
    damage_claim,            ///< the patron is the last borrower of an item returned within the
                             ///< damage-claim window
};

/// What a hold keeps.
enum class HoldReach {
    /// Every record of the patron, under every rule except the audit log (which is cut only as
    /// a whole prefix) and expired web sessions (which hold nothing but a dead token).
    all_records,
    /// The patron: inactive_patrons may not erase them.
    patron,
    /// The patron, and their returned loans of the window under returned_loans.
    patron_and_loans,
};

struct LegalHoldInfo {
    LegalHold hold;
    std::string_view name;  ///< stable: "current_loans"
    HoldReach reach;
    std::string_view reason;  ///< one line for reports: why the law keeps the record
};

/// Every hold, in enumerator order.
[[nodiscard]] std::span<const LegalHoldInfo> legal_holds() noexcept;
[[nodiscard]] const LegalHoldInfo& info(LegalHold hold) noexcept;
/// The holds that keep records of `record`, in enumerator order.
[[nodiscard]] std::vector<LegalHold> holds_for(RecordClass record);

}  // namespace patron
