#include "access/authorization.hpp"

#include <fmt/format.h>

namespace patron::detail {
namespace {

tl::unexpected<Error> denied(const Caller& caller, Operation operation) {
    return fail(ErrorCode::permission_denied, "",
                fmt::format("role {} may not {}", to_string(caller.role), to_string(operation)));
}

}  // namespace

Result<void> check_caller(const Caller& caller, Operation operation) {
    if (caller.actor.empty()) return invalid("actor", "every call names its actor");
    if (caller.purpose.empty()) return invalid("purpose", "every call states its purpose");
    if (permitted_scope(caller.role, operation) == Scope::none) return denied(caller, operation);
    return {};
}

Result<void> check_target(const Caller& caller, Operation operation,
                          std::optional<PatronId> target) {
    switch (permitted_scope(caller.role, operation)) {
        case Scope::any:
            return {};
        case Scope::own:
            if (caller.self && target && *caller.self == *target) return {};
            [[fallthrough]];
        case Scope::none:
            break;
    }
    return denied(caller, operation);
}

Result<void> authorize(const Caller& caller, Operation operation, std::optional<PatronId> target) {
    if (auto ok = check_caller(caller, operation); !ok) return ok;
    return check_target(caller, operation, target);
}

AuditEvent audit_event(const Clock& clock, const Caller& caller, Operation operation,
                       std::optional<PatronId> patron, std::vector<std::string> fields,
                       std::string outcome) {
    return AuditEvent{
        clock.now(), caller.actor,   caller.role,       std::string(to_string(operation)),
        patron,      caller.purpose, std::move(fields), std::move(outcome)};
}

}  // namespace patron::detail
