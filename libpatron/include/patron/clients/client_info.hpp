#pragma once
/// @file
/// An API client of the register as stored: a system, not a person.

#include <optional>
#include <string>

#include "patron/access/role.hpp"
#include "patron/clock.hpp"

namespace patron {

/// A registered API client (a staff system, a kiosk, the billing unit's system, a DPO tool) and
/// the state of its token. Never the token or its hash.
struct ClientInfo {
    std::string name;  ///< the actor its calls are audited under
    Role role = Role::kiosk;
    TimePoint created_at;
    std::string created_by;
    std::optional<TimePoint> revoked_at;  ///< set: the token no longer authenticates
    std::optional<std::string> revoked_by;
    std::optional<TimePoint> last_used_at;  ///< to the minute: updated at most once a minute
    friend bool operator==(const ClientInfo&, const ClientInfo&) = default;
};

}  // namespace patron
