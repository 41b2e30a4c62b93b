#pragma once
// The audit log's hash chain: how one entry's hash is computed.

#include <cstdint>
#include <string>

#include "patron/audit/audit_event.hpp"

namespace patron::audit {

/// 32 zero bytes: the "previous hash" of the first entry.
[[nodiscard]] const std::string& genesis_hash();

/// SHA-256 over a version tag, `prev_hash`, `seal_no`, the entry's id and every field of the
/// event (the outcome only when there is one), each length-prefixed so no two different entries
/// serialise alike. The time counts in whole microseconds, the precision PostgreSQL stores.
[[nodiscard]] std::string entry_hash(const std::string& prev_hash, std::int64_t seal_no,
                                     std::int64_t id, const AuditEvent& event);

}  // namespace patron::audit
