#pragma once
/// @file
/// One entry of the audit log: who did what to which patron's data, and why. Never the data.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/clock.hpp"
#include "patron/domain/patron.hpp"

namespace patron {

/// What a service call did, as recorded. `fields` names changed fields ("email"), never values.
struct AuditEvent {
    TimePoint at;
    std::string actor;
    Role role = Role::circulation;
    std::string action;  ///< the operation, e.g. "patron.read"
    std::optional<PatronId> patron;
    std::string purpose;
    std::vector<std::string> fields;
    std::string outcome;  ///< what an attempt came to ("verified", "wrong_pin"); empty otherwise
    friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

/// A stored entry: the event, its storage id, and once sealed its place in the hash chain.
struct AuditRecord {
    std::int64_t id = 0;
    AuditEvent event;
    std::optional<std::int64_t> seal_no;  ///< position in the chain, 1, 2, ...; empty until sealed
    std::string prev_hash;                ///< SHA-256 of the previous sealed entry (32 bytes)
    std::string hash;                     ///< SHA-256 over prev_hash and this entry (32 bytes)
};

}  // namespace patron
