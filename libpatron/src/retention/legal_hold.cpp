#include "patron/retention/legal_hold.hpp"

#include <array>

namespace patron {
namespace {

constexpr std::array<LegalHoldInfo, 8> kHolds{{
    {LegalHold::processing_restriction, "processing_restriction", HoldReach::all_records,
     "processing is restricted (GDPR art. 18): the data is stored, not processed"},
    {LegalHold::current_loans, "current_loans", HoldReach::patron,
     "items on loan must be returned or billed"},
    {LegalHold::open_holds, "open_holds", HoldReach::patron,
     "holds placed or ready for pickup are a service still owed"},
    {LegalHold::unpaid_fees, "unpaid_fees", HoldReach::patron, "fees not yet paid or cancelled"},
    {LegalHold::open_invoices, "open_invoices", HoldReach::patron,
     "invoices not yet paid or cancelled"},
    {LegalHold::guardian_of_minor, "guardian_of_minor", HoldReach::patron,
     "the guardian of a ward under 15 answers for the ward's card"},
    {LegalHold::responsible_person, "responsible_person", HoldReach::patron,
     "the responsible person of an organisation customer"},
    {LegalHold::damage_claim, "damage_claim", HoldReach::patron_and_loans,
     "the last borrower of an item returned within the damage-claim window"},
}};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < kHolds.size(); ++i) {
        if (kHolds[i].hold != static_cast<LegalHold>(i)) return false;
    }
    return true;
}
static_assert(in_enum_order(), "info() indexes kHolds by enumerator");

}  // namespace

std::span<const LegalHoldInfo> legal_holds() noexcept { return kHolds; }

const LegalHoldInfo& info(LegalHold hold) noexcept {
    return kHolds[static_cast<std::size_t>(hold)];
}

std::vector<LegalHold> holds_for(RecordClass record) {
    std::vector<LegalHold> holds;
    for (const auto& hold : kHolds) {
        bool applies = false;
        switch (hold.reach) {
            case HoldReach::all_records:
                applies = record != RecordClass::audit_entries &&
                          record != RecordClass::expired_web_sessions;
                break;
            case HoldReach::patron:
                applies = record == RecordClass::inactive_patrons;
                break;
            case HoldReach::patron_and_loans:
                applies = record == RecordClass::inactive_patrons ||
                          record == RecordClass::returned_loans;
                break;
        }
        if (applies) holds.push_back(hold.hold);
    }
    return holds;
}

}  // namespace patron
