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
};

/// On which patrons a role may perform an operation.
enum class Scope {
    none,  ///< not at all
    own,   ///< only the caller's own record (`Caller::self`)
    any,   ///< any patron
};

/// The table's cell for `role` × `operation`. Pure; thread-safe.
[[nodiscard]] Scope permitted_scope(Role role, Operation operation) noexcept;

/// Stable name of an operation, also the audit log's action ("patron.read", ...).
[[nodiscard]] std::string_view to_string(Operation operation) noexcept;

}  // namespace patron
