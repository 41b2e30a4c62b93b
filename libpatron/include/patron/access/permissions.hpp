#pragma once
/// @file
/// The permission table: for each role and operation, on which patrons it is allowed.

#include <string_view>

#include "patron/access/role.hpp"

namespace patron {

/// Every operation a service offers; one row of the permission table each.
enum class Operation {
    register_patron,       ///< create a patron record
    read_patron,           ///< read one whole record (find by id, card or identity code)
    list_patrons,          ///< list summaries of many patrons
    update_contact,        ///< change address, email, phones, notice channels
    record_card_activity,  ///< note that the card was used
    add_guardian,          ///< add a guardian to a ward under 15
    guardian_consent,      ///< record or withdraw a guardian's consent for a ward
    set_pin,               ///< set or reset a patron's PIN (staff)
    change_pin,            ///< change a PIN by giving the old one
    verify_pin,            ///< verify card and PIN, and whether the patron may borrow (kiosks)
    set_category,          ///< change the patron category that loan rules use
    read_circulation,      ///< read current loans, holds, fees, invoices, bans and messages
    read_summary,          ///< read circulation counts and totals, and whether one may borrow
    checkout,              ///< lend an item
    renew,                 ///< renew a loan
    return_item,           ///< end a loan
    place_hold,            ///< place a hold
    cancel_hold,           ///< cancel a hold
    handle_holds,          ///< mark holds ready for pickup, expire uncollected ones
    charge_fee,            ///< charge a fee
    settle_fee,            ///< pay or cancel a fee
    handle_invoices,       ///< create, pay and cancel invoices
    handle_loan_bans,      ///< set and lift loan bans
    send_messages,         ///< generate notices and drain the message outbox
    loan_history_consent,  ///< grant or withdraw a loan-history consent
    read_loan_history,     ///< read a home-service customer's loan history
    manage_clients,        ///< add, list and revoke API clients and their tokens (no patron)
    plan_retention,        ///< count what the retention policy would purge (no patron)
    run_retention,         ///< purge what the retention policy says is due
};

/// On which patrons a role may perform an operation.
enum class Scope {
    none,  ///< not at all
    self,  ///< only the caller's own record (`Caller::self`)
    own,   ///< the caller's own record, their wards under 15, and the organisations they are the
           ///< responsible person of
    any,   ///< any patron
};

/// The table's cell for `role` × `operation`. Pure; thread-safe.
[[nodiscard]] Scope permitted_scope(Role role, Operation operation) noexcept;

/// Stable name of an operation, also the audit log's action ("patron.read", ...).
[[nodiscard]] std::string_view to_string(Operation operation) noexcept;

}  // namespace patron
