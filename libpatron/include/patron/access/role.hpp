#pragma once
/// @file
/// Who is calling: the roles of DESIGN.md §4 and the caller every service call names.

#include <optional>
#include <string>
#include <string_view>

#include "patron/domain/patron.hpp"

namespace patron {

/// A caller's role. `patron` is a patron acting for themselves (web library self-service).
enum class Role { circulation, home_service, kiosk, billing, dpo, admin, patron };

[[nodiscard]] std::string_view to_string(Role role) noexcept;
/// Parses the names `to_string` gives; empty on anything else.
[[nodiscard]] std::optional<Role> parse_role(std::string_view text) noexcept;

/// The actor behind a service call, as the audit log records it.
struct Caller {
    std::string
        actor;  ///< staff user id, API client name or kiosk id; not personal data of patrons
    Role role = Role::circulation;
    std::string purpose;           ///< why the data is processed, e.g. "checkout at desk"
    std::optional<PatronId> self;  ///< role `patron` only: the patron acting
};

}  // namespace patron
