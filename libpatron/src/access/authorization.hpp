#pragma once
// Applying the permission table to a call, and the audit entry of a call: shared by every service.

#include <optional>
#include <string>
#include <vector>

#include "patron/access/permissions.hpp"
#include "patron/audit/audit_event.hpp"
#include "patron/clock.hpp"
#include "patron/result.hpp"
#include "patron/store/patron_repository.hpp"

namespace patron::detail {

/// The caller names itself and a purpose, and its role may do `operation` on some patrons.
[[nodiscard]] Result<void> check_caller(const Caller& caller, Operation operation);

/// check_caller, for an operation on no particular patron (registering, listing, batch jobs):
/// only roles the table gives scope `any` may do it.
[[nodiscard]] Result<void> authorize(const Caller& caller, Operation operation);

/// The table's scope for this patron on `today`. Scope `own` reaches the caller's own record,
/// wards whose guardianship is in force (under 15) and organisations the caller is the
/// responsible person of; `patrons` is asked only then. An own-scope caller is refused alike
/// for others' records and for records that do not exist (`target` empty), so the answer tells
/// nothing about them.
[[nodiscard]] Result<void> check_target(const Caller& caller, Operation operation,
                                        std::optional<PatronId> target,
                                        store::PatronRepository& patrons, Date today);

/// check_caller, then check_target.
[[nodiscard]] Result<void> authorize(const Caller& caller, Operation operation, PatronId target,
                                     store::PatronRepository& patrons, Date today);

/// The audit entry of `caller` doing `operation` to `patron` now.
[[nodiscard]] AuditEvent audit_event(const Clock& clock, const Caller& caller, Operation operation,
                                     std::optional<PatronId> patron,
                                     std::vector<std::string> fields = {},
                                     std::string outcome = {});

}  // namespace patron::detail
