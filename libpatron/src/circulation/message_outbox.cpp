#include "patron/circulation/message_outbox.hpp"

#include <fmt/format.h>

#include "access/authorization.hpp"

namespace patron {
namespace {

constexpr std::size_t kMaxClaim = 1000;

// The contact data a claim hands to the sender, as the audit entry names it.
std::string contact_field(Channel channel) {
    switch (channel) {
        case Channel::email:
            return "email";
        case Channel::sms:
            return "phones";
        case Channel::letter:
            return "address";
        case Channel::none:
            break;
    }
    return "contact";
}

}  // namespace

struct MessageOutbox::Impl {
    Context context;
    CirculationSettings settings;
    std::chrono::seconds lease;

    AuditEvent event(const Caller& caller, std::optional<PatronId> patron,
                     std::vector<std::string> fields, std::string outcome = {}) const {
        return detail::audit_event(context.clock, caller, Operation::send_messages, patron,
                                   std::move(fields), std::move(outcome));
    }

    Result<void> mark(const Caller& caller, MessageId message, bool sent) {
        if (auto ok = detail::authorize(caller, Operation::send_messages); !ok) return ok;
        auto tx = context.database.begin();
        auto& messages = tx->messages();
        const bool marked = sent ? messages.mark_sent(message, context.clock.now())
                                 : messages.mark_failed(message, max_attempts);
        if (!marked) return fail(ErrorCode::not_found, "message", "no such pending message");
        // The message row names its patron; the entry needs none: the claim was audited per patron.
        const AuditEvent e = event(caller, std::nullopt, {"messages"}, sent ? "sent" : "failed");
        tx->audit().append({&e, 1});
        tx->commit();
        return {};
    }
};

MessageOutbox::MessageOutbox(const Context& context, const CirculationSettings& settings,
                             std::chrono::seconds lease)
    : impl_(std::make_unique<Impl>(Impl{context, settings, lease})) {}
MessageOutbox::~MessageOutbox() = default;

Result<std::size_t> MessageOutbox::generate(const Caller& caller) {
    if (auto ok = detail::authorize(caller, Operation::send_messages); !ok) {
        return tl::unexpected(ok.error());
    }
    const store::NoticeSchedule schedule{impl_->context.clock.today(),
                                         impl_->settings.reminder_days_before,
                                         impl_->settings.overdue_notice_days_after};
    auto tx = impl_->context.database.begin();
    const auto generated = tx->messages().generate(schedule, impl_->context.clock.now());
    std::vector<AuditEvent> events;
    events.reserve(generated.size());
    for (const auto& message : generated) {
        events.push_back(impl_->event(caller, message.patron, {"messages"}));
    }
    tx->audit().append(events);
    tx->commit();
    return generated.size();
}

Result<std::vector<store::OutgoingMessage>> MessageOutbox::claim(const Caller& caller,
                                                                 std::size_t limit) {
    if (auto ok = detail::authorize(caller, Operation::send_messages); !ok) {
        return tl::unexpected(ok.error());
    }
    if (limit < 1 || limit > kMaxClaim) {
        return invalid("limit", fmt::format("must be 1-{}", kMaxClaim));
    }
    const TimePoint now = impl_->context.clock.now();
    auto tx = impl_->context.database.begin();
    auto claimed = tx->messages().claim(limit, now, now - impl_->lease);
    std::vector<AuditEvent> events;
    events.reserve(claimed.size());
    for (const auto& message : claimed) {
        events.push_back(
            impl_->event(caller, message.patron, {contact_field(message.channel), "messages"}));
    }
    tx->audit().append(events);
    tx->commit();
    return claimed;
}

Result<void> MessageOutbox::mark_sent(const Caller& caller, MessageId message) {
    return impl_->mark(caller, message, true);
}

Result<void> MessageOutbox::mark_failed(const Caller& caller, MessageId message) {
    return impl_->mark(caller, message, false);
}

}  // namespace patron
