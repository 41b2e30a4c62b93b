#include "patron/pin/pin_service.hpp"

#include "access/authorization.hpp"
#include "pin/pin_checker.hpp"

namespace patron {

struct PinService::Impl {
    Context context;
    PinSettings settings;
    detail::PinChecker checker;

    Impl(const Context& c, const PinSettings& s) : context(c), settings(s), checker(c.keys, s) {}

    // The caller may do `operation` on the patron: the patron's birth date for the policy;
    // not_found when there is no such patron.
    Result<std::optional<Date>> birth_date(const Caller& caller, Operation operation,
                                           PatronId patron) {
        auto tx = context.database.begin();
        if (auto ok =
                detail::authorize(caller, operation, patron, tx->patrons(), context.clock.today());
            !ok) {
            return tl::unexpected(ok.error());
        }
        const auto row = tx->patrons().find_by_id(patron);
        tx->commit();
        if (!row) return fail(ErrorCode::not_found, "", "no such patron");
        return row->birth_date;
    }
};

PinService::PinService(const Context& context, const PinSettings& settings)
    : impl_(std::make_unique<Impl>(context, settings)) {}
PinService::~PinService() = default;

Result<void> PinService::set_pin(const Caller& caller, PatronId patron, std::string_view new_pin) {
    const auto birth = impl_->birth_date(caller, Operation::set_pin, patron);
    if (!birth) return tl::unexpected(birth.error());
    auto pin = Pin::choose(new_pin, impl_->settings.policy, *birth);
    if (!pin) return tl::unexpected(pin.error());
    // Argon2 runs with no transaction open.
    const StoredPin stored = impl_->checker.hasher().hash(*pin);

    auto tx = impl_->context.database.begin();
    tx->pins().set(patron, stored, impl_->context.clock.now(), caller.actor);
    const AuditEvent e =
        detail::audit_event(impl_->context.clock, caller, Operation::set_pin, patron, {"pin"});
    tx->audit().append({&e, 1});
    tx->commit();
    return {};
}

Result<void> PinService::change_pin(const Caller& caller, PatronId patron, std::string_view old_pin,
                                    std::string_view new_pin) {
    const auto birth = impl_->birth_date(caller, Operation::change_pin, patron);
    if (!birth) return tl::unexpected(birth.error());
    // The new PIN's policy first: a refused choice must not cost the patron an attempt.
    auto chosen = Pin::choose(new_pin, impl_->settings.policy, *birth);
    if (!chosen) return tl::unexpected(chosen.error());

    std::optional<store::PinRecord> record;
    {
        auto read = impl_->context.database.begin(store::Atomicity::statement);
        record = read->pins().find(patron);
        read->commit();
    }
    const TimePoint now = impl_->context.clock.now();
    const auto check = impl_->checker.check(Pin::entered(old_pin), record, now);
    store::PinAttempt attempt;
    attempt.patron = patron;
    attempt.now = now;
    attempt.changes_pin = true;
    attempt.audit =
        detail::audit_event(impl_->context.clock, caller, Operation::change_pin, patron, {"pin"});
    // Argon2 for the new PIN only when the old one was right.
    if (check.outcome == detail::PinOutcome::verified) {
        attempt.replacement = impl_->checker.hasher().hash(*chosen);
    }
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    const auto result = impl_->checker.record(tx->pins(), std::move(attempt), record, check);
    tx->commit();

    switch (result.outcome) {
        case detail::PinOutcome::verified:
            return {};
        case detail::PinOutcome::no_pin:
            return fail(ErrorCode::not_found, "pin", "no PIN has been set; library staff set one");
        case detail::PinOutcome::locked:
            return fail(ErrorCode::card_locked, "", "too many wrong PINs; try again later");
        case detail::PinOutcome::wrong_pin:
        case detail::PinOutcome::unusable:
            break;
    }
    if (result.locked_until) {
        return fail(ErrorCode::card_locked, "", "too many wrong PINs; try again later");
    }
    return fail(ErrorCode::wrong_pin, "old_pin", "the PIN is wrong");
}

}  // namespace patron
