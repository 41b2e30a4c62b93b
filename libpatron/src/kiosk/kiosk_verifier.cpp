#include "patron/kiosk/kiosk_verifier.hpp"

#include "access/authorization.hpp"
#include "circulation/borrowing.hpp"
#include "common/enum_names.hpp"
#include "patron/domain/date.hpp"
#include "pin/pin_checker.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 6> kOutcomes{"verified",     "wrong_pin", "locked",
                                                    "unknown_card", "no_pin",    "throttled"};
VerifyOutcome to_verify_outcome(detail::PinOutcome outcome) {
    switch (outcome) {
        case detail::PinOutcome::verified:
            return VerifyOutcome::verified;
        case detail::PinOutcome::locked:
            return VerifyOutcome::locked;
        case detail::PinOutcome::no_pin:
            return VerifyOutcome::no_pin;
        case detail::PinOutcome::wrong_pin:
        case detail::PinOutcome::unusable:
            break;
    }
    return VerifyOutcome::wrong_pin;
}

// "Aino E.": the first given name and the surname's initial, enough for a kiosk to greet.
std::string display_name(const store::BorrowerState& b) {
    if (b.kind == PatronKind::organisation) return b.organisation_name;
    const std::string first = b.given_names.substr(0, b.given_names.find(' '));
    if (b.surname.empty()) return first;
    // The initial is one UTF-8 character: its lead byte tells how many bytes it has.
    const auto lead = static_cast<unsigned char>(b.surname[0]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    return first + " " + b.surname.substr(0, length) + ".";
}

}  // namespace

std::string_view to_string(VerifyOutcome outcome) noexcept {
    return detail::name_of(kOutcomes, outcome);
}

struct KioskVerifier::Impl {
    Context context;
    KioskSettings settings;
    CirculationSettings circulation;
    detail::PinChecker checker;

    Impl(const Context& c, const PinSettings& pins, const KioskSettings& kiosks,
         const CirculationSettings& rules)
        : context(c), settings(kiosks), circulation(rules), checker(c.keys, pins) {}

    TimePoint window_start(TimePoint now) const {
        const auto window =
            std::chrono::duration_cast<TimePoint::duration>(settings.failure_window);
        return TimePoint{now.time_since_epoch() / window * window};
    }

    // The entry of an attempt; an attempt on a stored PIN gets its outcome when recorded.
    AuditEvent audit(const Caller& kiosk, std::optional<PatronId> patron,
                     std::optional<VerifyOutcome> outcome) const {
        return detail::audit_event(context.clock, kiosk, Operation::verify_pin, patron, {},
                                   outcome ? std::string(to_string(*outcome)) : std::string());
    }
};

KioskVerifier::KioskVerifier(const Context& context, const PinSettings& pins,
                             const KioskSettings& kiosks, const CirculationSettings& circulation)
    : impl_(std::make_unique<Impl>(context, pins, kiosks, circulation)) {}
KioskVerifier::~KioskVerifier() = default;

Result<KioskAnswer> KioskVerifier::verify(const Caller& kiosk, std::string_view card_number,
                                          std::string_view pin_text, const KioskProfile& profile) {
    if (auto ok = detail::check_caller(kiosk, Operation::verify_pin); !ok) {
        return tl::unexpected(ok.error());
    }
    const auto card = CardNumber::parse(card_number);
    if (!card) return tl::unexpected(card.error());
    // No PIN is not a wrong PIN: a kiosk polling a card without one must not lock it.
    if (pin_text.empty()) return invalid("pin", "a PIN is required");
    const Pin pin = Pin::entered(pin_text);
    const TimePoint now = impl_->context.clock.now();
    const Date today = impl_->context.clock.today();
    const TimePoint window = impl_->window_start(now);

    // Each step is one statement: no transaction round trips around Argon2's tens of ms.
    store::VerificationView view;
    {
        auto read = impl_->context.database.begin(store::Atomicity::statement);
        view = read->pins().verification_view(*card, kiosk.actor, window, today);
        read->commit();
    }
    const store::KioskWindow failures{kiosk.actor, window};

    KioskAnswer answer;
    if (view.kiosk_failures >= impl_->settings.failure_limit) {
        answer.outcome = VerifyOutcome::throttled;
        answer.retry_after =
            std::chrono::ceil<std::chrono::seconds>(window + impl_->settings.failure_window - now);
        auto tx = impl_->context.database.begin(store::Atomicity::statement);
        tx->pins().record_unmatched(std::nullopt,
                                    impl_->audit(kiosk, std::nullopt, answer.outcome));
        tx->commit();
        return answer;
    }

    const std::optional<store::BorrowerState>& borrower = view.borrower;
    const std::optional<store::PinRecord> no_record;
    const auto& record = borrower ? borrower->pin : no_record;
    // Argon2 (or its dummy for an unknown card) with no connection held.
    const auto check = impl_->checker.check(pin, record, now);

    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    if (!borrower) {
        answer.outcome = VerifyOutcome::unknown_card;
        tx->pins().record_unmatched(failures, impl_->audit(kiosk, std::nullopt, answer.outcome));
        tx->commit();
        return answer;
    }
    // GDPR art. 18: a restricted patron's data is not processed further (no activity, no name).
    const bool restricted = borrower->processing_restricted;
    store::PinAttempt attempt;
    attempt.patron = borrower->id;
    attempt.now = now;
    if (!restricted) attempt.card_activity = today;
    attempt.kiosk = failures;
    attempt.audit = impl_->audit(kiosk, borrower->id, std::nullopt);
    const auto result = impl_->checker.record(tx->pins(), std::move(attempt), record, check);
    tx->commit();

    answer.outcome = to_verify_outcome(result.outcome);
    answer.card_known = true;
    answer.locked_until = result.locked_until;
    if (result.outcome == detail::PinOutcome::verified) {
        answer.pin_ok = true;
        answer.patron = borrower->id;
        answer.blocks = detail::borrow_blocks(*borrower, impl_->circulation, now, today);
        answer.may_borrow = answer.blocks.empty();
        if (profile.disclose_name && !restricted) answer.display_name = display_name(*borrower);
    } else if (result.locked_until) {
        answer.blocks.push_back(BorrowBlock::card_locked);
    }
    return answer;
}

}  // namespace patron
