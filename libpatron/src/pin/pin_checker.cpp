#include "pin/pin_checker.hpp"

#include "common/enum_names.hpp"

namespace patron {

namespace store {

std::string_view to_string(PinOutcome outcome) noexcept {
    static constexpr std::array<std::string_view, 5> kNames{"verified", "wrong_pin", "locked",
                                                            "no_pin", "unusable_pin"};
    return detail::name_of(kNames, outcome);
}

}  // namespace store

namespace detail {

PinCheckResult PinChecker::check(const Pin& pin, const std::optional<store::PinRecord>& record,
                                 TimePoint now) const {
    if (!record) {
        hasher_.dummy_verify(pin);
        return {PinOutcome::no_pin, std::nullopt};
    }
    if (record->locked_until && *record->locked_until > now) {
        return {PinOutcome::locked, std::nullopt};
    }
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

store::AttemptResult PinChecker::record(store::PinRepository& pins, store::PinAttempt attempt,
                                        const std::optional<store::PinRecord>& record,
                                        const PinCheckResult& result) const {
    if (result.outcome == PinOutcome::no_pin || result.outcome == PinOutcome::locked) {
        attempt.audit.outcome = std::string(to_string(result.outcome));
        attempt.audit.fields.clear();
        pins.record_unmatched(attempt.kiosk, attempt.audit);
        return {result.outcome, record ? record->failed_attempts : 0,
                record ? record->locked_until : std::nullopt};
    }
    attempt.correct = result.outcome == PinOutcome::verified;
    attempt.counts = result.outcome != PinOutcome::unusable;
    attempt.compared = record->pin;
    if (!attempt.replacement) attempt.replacement = result.rehashed;
    return pins.record_attempt(attempt, lockout_);
}

}  // namespace detail
}  // namespace patron
