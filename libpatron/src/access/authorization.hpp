#pragma once
// Applying the permission table to a call, and the audit entry of a call: shared by every service.

#include <optional>
#include <string>
#include <vector>

#include "patron/access/permissions.hpp"
#include "patron/audit/audit_event.hpp"
#include "patron/clock.hpp"
#include "patron/result.hpp"

namespace patron::detail {

/// The caller names itself and a purpose, and its role may do `operation` on some patrons.
[[nodiscard]] Result<void> check_caller(const Caller& caller, Operation operation);

/// The table's scope for this patron. An own-scope caller is refused alike for others' records
/// and for records that do not exist (`target` empty), so the answer tells nothing about them.
[[nodiscard]] Result<void> check_target(const Caller& caller, Operation operation,
                                        std::optional<PatronId> target);

/// check_caller, then check_target.
[[nodiscard]] Result<void> authorize(const Caller& caller, Operation operation,
                                     std::optional<PatronId> target);

/// The audit entry of `caller` doing `operation` to `patron` now.
[[nodiscard]] AuditEvent audit_event(const Clock& clock, const Caller& caller, Operation operation,
                                     std::optional<PatronId> patron,
                                     std::vector<std::string> fields = {},
                                     std::string outcome = {});

}  // namespace patron::detail
