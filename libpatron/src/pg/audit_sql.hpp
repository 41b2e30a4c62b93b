#pragma once
// The audit log's insert column list, shared by every statement that writes an entry (the
// audit repository's append, and attempts recorded in one statement with their entry).

namespace patron::pg {

inline constexpr const char* kAuditInsert =
    "INSERT INTO audit_log (at, actor, role, action, patron_id, purpose, fields, outcome)";

}  // namespace patron::pg
