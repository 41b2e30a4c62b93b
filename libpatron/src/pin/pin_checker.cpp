#include "pin/pin_checker.hpp"

namespace patron::detail {
namespace {

bool locked_at(const store::PinRecord& record, TimePoint now) {
    return record.locked_until && *record.locked_until > now;
}

}  // namespace

PinCheckResult PinChecker::check(const Pin& pin, const std::optional<store::PinRecord>& record,
                                 TimePoint now) const {
    if (!record) {
        hasher_.dummy_verify(pin);
        return {PinOutcome::no_pin, std::nullopt};
    }
    if (locked_at(*record, now)) return {PinOutcome::locked, std::nullopt};
    // verify() itself spends one verification's time on an unusable stored hash.
    switch (hasher_.verify(pin, record->pin)) {
        case crypto::PinCheck::unusable:
            return {PinOutcome::unusable, std::nullopt};
        case crypto::PinCheck::mismatch:
            return {PinOutcome::wrong_pin, std::nullopt};
        case crypto::PinCheck::match:
            break;
    }
    PinCheckResult result{PinOutcome::verified, std::nullopt};
    if (hasher_.needs_rehash(record->pin)) result.rehashed = hasher_.hash(pin);
    return result;
}

PinVerdict PinChecker::record(store::PinRepository& pins, PatronId patron,
                              const std::optional<store::PinRecord>& record,
                              const PinCheckResult& result, TimePoint now) const {
    switch (result.outcome) {
        case PinOutcome::no_pin:
        case PinOutcome::unusable:
            return {result.outcome, std::nullopt};
        case PinOutcome::locked:
            return {PinOutcome::locked, record->locked_until};
        case PinOutcome::verified: {
            if (pins.record_success(patron, now, record->pin, result.rehashed)) {
                return {PinOutcome::verified, std::nullopt};
            }
            // Locked by concurrent wrong attempts, or the PIN changed, while Argon2 ran.
            const auto current = pins.find(patron);
            if (current && locked_at(*current, now))
                return {PinOutcome::locked, current->locked_until};
            return {PinOutcome::wrong_pin, std::nullopt};
        }
        case PinOutcome::wrong_pin:
            break;
    }
    const auto count = pins.record_failure(patron, now, lockout_);
    return {PinOutcome::wrong_pin, count ? count->locked_until : std::nullopt};
}

std::string_view to_string(PinOutcome outcome) noexcept {
    switch (outcome) {
        case PinOutcome::verified:
            return "verified";
        case PinOutcome::wrong_pin:
            return "wrong_pin";
        case PinOutcome::locked:
            return "locked";
        case PinOutcome::no_pin:
            return "no_pin";
        case PinOutcome::unusable:
            return "unusable_pin";
    }
    return "unknown";
}

}  // namespace patron::detail
