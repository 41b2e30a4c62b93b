#include "access/authorization.hpp"

#include <fmt/format.h>

#include "patron/domain/date.hpp"

namespace patron::detail {
namespace {

tl::unexpected<Error> denied(const Caller& caller, Operation operation) {
    return fail(ErrorCode::permission_denied, "",
                fmt::format("role {} may not {}", to_string(caller.role), to_string(operation)));
}

// A guardian's rights end on the ward's 15th birthday; a responsible person's last while they are
// recorded as such.
bool acts_for(store::PatronRepository& patrons, PatronId person, PatronId target, Date today) {
    const store::Representation r = patrons.representation(person, target);
    if (r.responsible_person) return true;
    return r.ward_birth_date && today < birthday(*r.ward_birth_date, kWardAgeLimit);
}

}  // namespace

Result<void> check_caller(const Caller& caller, Operation operation) {
    if (caller.actor.empty()) return invalid("actor", "every call names its actor");
    if (caller.purpose.empty()) return invalid("purpose", "every call states its purpose");
    if (permitted_scope(caller.role, operation) == Scope::none) return denied(caller, operation);
    return {};
}

Result<void> authorize(const Caller& caller, Operation operation) {
    if (auto ok = check_caller(caller, operation); !ok) return ok;
    if (permitted_scope(caller.role, operation) != Scope::any) return denied(caller, operation);
    return {};
}

Result<void> check_target(const Caller& caller, Operation operation, std::optional<PatronId> target,
                          store::PatronRepository& patrons, Date today) {
    const Scope scope = permitted_scope(caller.role, operation);
    if (scope == Scope::any) return {};
    if (scope != Scope::none && caller.self && target) {
        if (*caller.self == *target) return {};
        if (scope == Scope::own && acts_for(patrons, *caller.self, *target, today)) return {};
    }
    return denied(caller, operation);
}

Result<void> authorize(const Caller& caller, Operation operation, PatronId target,
                       store::PatronRepository& patrons, Date today) {
    if (auto ok = check_caller(caller, operation); !ok) return ok;
    return check_target(caller, operation, target, patrons, today);
}

AuditEvent audit_event(const Clock& clock, const Caller& caller, Operation operation,
                       std::optional<PatronId> patron, std::vector<std::string> fields,
                       std::string outcome) {
    return AuditEvent{
        clock.now(), caller.actor,   caller.role,       std::string(to_string(operation)),
        patron,      caller.purpose, std::move(fields), std::move(outcome)};
}

}  // namespace patron::detail
