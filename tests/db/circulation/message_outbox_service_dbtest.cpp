// The MessageOutbox service: notices generated on each patron's chosen channel at the times the
// circulation settings give, once each; claims that hand the sender the recipient and the title
// under a lease, audited per patron with the contact field; delivery outcomes (sent, retried up to
// max_attempts, failed for good); and what the circulation record then shows.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "db/circulation/circulation_fixture.hpp"
#include "patron/circulation/message_outbox.hpp"
#include "patron/domain/date.hpp"

namespace patron {

// Readable names in gtest's messages instead of enum numbers.
inline void PrintTo(MessageKind kind, std::ostream* os) { *os << to_string(kind); }

}  // namespace patron

namespace patron::test {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using store::OutgoingMessage;

constexpr minutes kLease{10};

class MessageOutboxServiceTest : public CirculationDbTest {
protected:
    /// A person whose three notices all go by `channel`, with only the contact it needs.
    PatronId add_noticed(int n, std::string_view channel) {
        PatronForm form = person_form(card_for(n), hetu_for(kAdultBirth, n));
        form.email.clear();
        form.phones.clear();
        form.street_address.clear();
        form.postal_code.clear();
        form.post_office.clear();
        if (channel == "email") form.email = "testi@example.fi";
        if (channel == "sms") form.phones = {"040 000 0000"};
        if (channel == "letter") {
            form.street_address = "Testikatu 1";
            form.postal_code = "00100";
            form.post_office = "Helsinki";
        }
        form.due_date_reminder = std::string(channel);
        form.overdue_notice = std::string(channel);
        form.hold_ready = std::string(channel);
        return add(form);
    }

    MessageOutbox outbox() { return MessageOutbox(context(), settings_, kLease); }

    std::size_t generate() {
        auto generated = outbox().generate(staff());
        EXPECT_TRUE(Succeeded(generated));
        return generated.value_or(0);
    }

    std::vector<OutgoingMessage> claim(std::size_t limit = 100) {
        auto claimed = outbox().claim(staff(), limit);
        EXPECT_TRUE(Succeeded(claimed));
        return claimed.value_or(std::vector<OutgoingMessage>{});
    }

    std::vector<MessageRecord> messages_of(PatronId patron) {
        auto record = circulation().record(staff(), patron);
        EXPECT_TRUE(Succeeded(record));
        return record ? record->messages : std::vector<MessageRecord>{};
    }

    [[nodiscard]] long message_rows() const { return count("SELECT count(*) FROM messages"); }

    [[nodiscard]] std::string status_of(MessageId message) const {
        return sql_value(fmt::format("SELECT status || '|' || attempts FROM messages WHERE id = {}",
                                     message.value));
    }

    void go_to(Date day) { clock_.set_today(day); }
};

TEST_F(MessageOutboxServiceTest, GeneratesEachNoticeOnThePatronsChannelWithItsContact) {
    const PatronId by_email = add_noticed(2, "email");
    const PatronId by_sms = add_noticed(3, "sms");
    const PatronId by_letter = add_noticed(4, "letter");
    const PatronId by_none = add_noticed(5, "none");
    const Date due = lend(by_email, "M-1").due_on;
    lend(by_sms, "M-2");
    lend(by_letter, "M-3");
    lend(by_none, "M-4");

    go_to(add_days(due, -settings_.reminder_days_before));
    EXPECT_EQ(generate(), 3U);
    const auto claimed = claim();
    ASSERT_EQ(claimed.size(), 3U);
    EXPECT_EQ(
        count(fmt::format("SELECT count(*) FROM messages WHERE patron_id = {}", by_none.value)), 0);

    const std::vector<std::pair<PatronId, Channel>> expected{
        {by_email, Channel::email}, {by_sms, Channel::sms}, {by_letter, Channel::letter}};
    for (std::size_t i = 0; i < claimed.size(); ++i) {
        SCOPED_TRACE(to_string(expected[i].second));
        const OutgoingMessage& m = claimed[i];
        EXPECT_EQ(m.patron, expected[i].first);
        EXPECT_EQ(m.kind, MessageKind::due_date_reminder);
        EXPECT_EQ(m.channel, expected[i].second);
        EXPECT_EQ(m.title, item(fmt::format("M-{}", i + 1)).title());
        EXPECT_EQ(m.display_name, "Testinen, Testi");
        ASSERT_TRUE(m.due_on.has_value());
        EXPECT_EQ(*m.due_on, due);
        EXPECT_FALSE(m.pickup_by.has_value());
        EXPECT_EQ(m.attempts, 1);
        ASSERT_TRUE(m.recipient.has_value());
    }
    ASSERT_TRUE(std::holds_alternative<EmailAddress>(*claimed[0].recipient));
    EXPECT_EQ(std::get<EmailAddress>(*claimed[0].recipient).value(), "testi@example.fi");
    ASSERT_TRUE(std::holds_alternative<PhoneNumber>(*claimed[1].recipient));
    EXPECT_EQ(std::get<PhoneNumber>(*claimed[1].recipient).value(), "+358400000000");
    ASSERT_TRUE(std::holds_alternative<Address>(*claimed[2].recipient));
    const Address& address = std::get<Address>(*claimed[2].recipient);
    EXPECT_EQ(address.street, "Testikatu 1");
    EXPECT_EQ(address.postal_code.value(), "00100");
    EXPECT_EQ(address.post_office, "Helsinki");
    EXPECT_EQ(address.country.value(), "FI");
}

TEST_F(MessageOutboxServiceTest, NoticesGoOnTheDaysTheSettingsGive) {
    settings_.reminder_days_before = 3;
    settings_.overdue_notice_days_after = 2;
    settings_.hold_pickup_days = 5;
    const PatronId patron = add_noticed(2, "email");
    const Date due = lend(patron, "M-1").due_on;

    // Delivered at once, so that no lease runs out and hands it out again on a later day.
    const auto kinds_sent = [&] {
        std::vector<MessageKind> kinds;
        for (const auto& m : claim()) {
            kinds.push_back(m.kind);
            EXPECT_TRUE(Succeeded(outbox().mark_sent(staff(), m.id)));
        }
        return kinds;
    };
    go_to(add_days(due, -4));
    EXPECT_EQ(generate(), 0U);
    go_to(add_days(due, -3));
    EXPECT_EQ(generate(), 1U);
    EXPECT_EQ(kinds_sent(), std::vector<MessageKind>{MessageKind::due_date_reminder});

    go_to(add_days(due, 1));
    EXPECT_EQ(generate(), 0U);
    go_to(add_days(due, 2));
    EXPECT_EQ(generate(), 1U);
    EXPECT_EQ(kinds_sent(), std::vector<MessageKind>{MessageKind::overdue_notice});

    const Hold placed = hold(patron, "M-2");
    EXPECT_EQ(generate(), 0U);  // placed, not yet ready
    ASSERT_TRUE(Succeeded(circulation().hold_ready(staff(), placed.id)));
    EXPECT_EQ(generate(), 1U);
    const auto claimed = claim();
    ASSERT_EQ(claimed.size(), 1U);
    EXPECT_EQ(claimed[0].kind, MessageKind::hold_ready);
    EXPECT_EQ(claimed[0].title, item("M-2").title());
    EXPECT_EQ(claimed[0].pickup_by, add_days(clock_.today(), 5));
    EXPECT_FALSE(claimed[0].due_on.has_value());
}

TEST_F(MessageOutboxServiceTest, GeneratingTwiceWritesNothingTwice) {
    const PatronId patron = add_noticed(2, "sms");
    const Date due = lend(patron, "M-1").due_on;
    go_to(add_days(due, settings_.overdue_notice_days_after));
    ready_hold(patron, "M-2");
    // Overdue is past the reminder window: the reminder is not due any more.
    EXPECT_EQ(generate(), 2U);
    const TableSnapshot before = table_snapshot();
    EXPECT_EQ(generate(), 0U);
    EXPECT_EQ(table_snapshot(), before);
    EXPECT_EQ(message_rows(), 2);
}

TEST_F(MessageOutboxServiceTest, GenerationAndClaimsAreAuditedPerPatronWithTheContactField) {
    const PatronId by_email = add_noticed(2, "email");
    const PatronId by_sms = add_noticed(3, "sms");
    const PatronId by_letter = add_noticed(4, "letter");
    ready_hold(by_email, "M-1");
    ready_hold(by_sms, "M-2");
    ready_hold(by_letter, "M-3");

    const long before_generate = last_audit_id();
    ASSERT_EQ(generate(), 3U);
    EXPECT_EQ(audit_after(before_generate),
              (std::vector<std::string>{audit_line("message.send", by_email, "{messages}"),
                                        audit_line("message.send", by_sms, "{messages}"),
                                        audit_line("message.send", by_letter, "{messages}")}));
    const long before_claim = last_audit_id();
    ASSERT_EQ(claim().size(), 3U);
    EXPECT_EQ(
        audit_after(before_claim),
        (std::vector<std::string>{audit_line("message.send", by_email, "{email,messages}"),
                                  audit_line("message.send", by_sms, "{phones,messages}"),
                                  audit_line("message.send", by_letter, "{address,messages}")}));
}

TEST_F(MessageOutboxServiceTest, AClaimIsALeaseThatEndsAfterItsLength) {
    const PatronId patron = add_noticed(2, "email");
    ready_hold(patron, "M-1");
    ASSERT_EQ(generate(), 1U);
    const auto first = claim();
    ASSERT_EQ(first.size(), 1U);
    EXPECT_EQ(first[0].attempts, 1);

    EXPECT_TRUE(claim().empty());
    clock_.advance(kLease);
    EXPECT_TRUE(claim().empty()) << "claimed again at the lease's last instant";
    clock_.advance(seconds{1});
    const auto again = claim();
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].id, first[0].id);
    EXPECT_EQ(again[0].attempts, 2);
    EXPECT_EQ(again[0].recipient, first[0].recipient);
    EXPECT_EQ(again[0].title, first[0].title);
}

TEST_F(MessageOutboxServiceTest, MarkSentRecordsTheDeliveryOnTheCirculationRecord) {
    const PatronId patron = add_noticed(2, "letter");
    const Date due = lend(patron, "M-1").due_on;
    go_to(add_days(due, -settings_.reminder_days_before));
    ASSERT_EQ(generate(), 1U);
    const TimePoint reminder_made = clock_.now();
    clock_.advance(minutes{30});
    ready_hold(patron, "M-2");
    ASSERT_EQ(generate(), 1U);
    const TimePoint hold_notice_made = clock_.now();

    const auto claimed = claim();
    ASSERT_EQ(claimed.size(), 2U);
    clock_.advance(minutes{1});
    const TimePoint sent_at = clock_.now();
    const long audit_before = last_audit_id();
    ASSERT_TRUE(Succeeded(outbox().mark_sent(staff(), claimed[0].id)));
    EXPECT_EQ(sql_value(fmt::format(
                  "SELECT coalesce(patron_id::text, 'null') || '|' || fields::text || '|' || "
                  "coalesce(outcome, 'null') || '|' || action FROM audit_log WHERE id > {}",
                  audit_before)),
              "null|{messages}|sent|message.send");

    // Newest first: the hold-ready notice is still pending, the reminder went out.
    const auto messages = messages_of(patron);
    ASSERT_EQ(messages.size(), 2U);
    EXPECT_EQ(messages[0].id, claimed[1].id);
    EXPECT_EQ(messages[0].kind, MessageKind::hold_ready);
    EXPECT_EQ(messages[0].status, MessageStatus::pending);
    EXPECT_EQ(messages[0].created_at, hold_notice_made);
    EXPECT_FALSE(messages[0].sent_at.has_value());
    EXPECT_EQ(messages[1].id, claimed[0].id);
    EXPECT_EQ(messages[1].kind, MessageKind::due_date_reminder);
    EXPECT_EQ(messages[1].channel, Channel::letter);
    EXPECT_EQ(messages[1].status, MessageStatus::sent);
    EXPECT_EQ(messages[1].attempts, 1);
    EXPECT_EQ(messages[1].created_at, reminder_made);
    EXPECT_EQ(messages[1].sent_at, sent_at);

    // A sent message is never claimed or marked again.
    clock_.advance(kLease + seconds{1});
    const auto later = claim();
    ASSERT_EQ(later.size(), 1U);
    EXPECT_EQ(later[0].id, claimed[1].id);
    const TableSnapshot before = table_snapshot();
    EXPECT_TRUE(
        Refused(outbox().mark_sent(staff(), claimed[0].id), ErrorCode::not_found, "message"));
    EXPECT_TRUE(
        Refused(outbox().mark_failed(staff(), claimed[0].id), ErrorCode::not_found, "message"));
    EXPECT_TRUE(Refused(outbox().mark_sent(staff(), MessageId{claimed[1].id.value + 1000}),
                        ErrorCode::not_found, "message"));
    EXPECT_EQ(table_snapshot(), before);
}

TEST_F(MessageOutboxServiceTest, MarkFailedRetriesUpToMaxAttemptsThenFailsForGood) {
    const PatronId patron = add_noticed(2, "sms");
    ready_hold(patron, "M-1");
    ASSERT_EQ(generate(), 1U);
    std::optional<MessageId> id;
    for (int attempt = 1; attempt <= MessageOutbox::max_attempts; ++attempt) {
        SCOPED_TRACE(fmt::format("attempt {}", attempt));
        const auto claimed = claim();
        ASSERT_EQ(claimed.size(), 1U);
        id = claimed[0].id;
        EXPECT_EQ(claimed[0].attempts, attempt);
        ASSERT_TRUE(Succeeded(outbox().mark_failed(staff(), *id)));
        const bool last = attempt == MessageOutbox::max_attempts;
        EXPECT_EQ(status_of(*id), fmt::format("{}|{}", last ? "failed" : "pending", attempt));
        // A failed delivery is retried only after the lease, not at once.
        if (!last) {
            EXPECT_TRUE(claim().empty());
        }
        clock_.advance(kLease + seconds{1});
    }
    EXPECT_TRUE(claim().empty());
    const TableSnapshot before = table_snapshot();
    EXPECT_TRUE(Refused(outbox().mark_failed(staff(), *id), ErrorCode::not_found, "message"));
    EXPECT_TRUE(Refused(outbox().mark_sent(staff(), *id), ErrorCode::not_found, "message"));
    EXPECT_EQ(table_snapshot(), before);

    const auto messages = messages_of(patron);
    ASSERT_EQ(messages.size(), 1U);
    EXPECT_EQ(messages[0].status, MessageStatus::failed);
    EXPECT_EQ(messages[0].attempts, MessageOutbox::max_attempts);
    EXPECT_FALSE(messages[0].sent_at.has_value());
}

TEST_F(MessageOutboxServiceTest, ClaimLimitIsOneToAThousand) {
    const PatronId patron = add_noticed(2, "email");
    ready_hold(patron, "M-1");
    ready_hold(patron, "M-2");
    ASSERT_EQ(generate(), 2U);
    const TableSnapshot before = table_snapshot();
    for (const std::size_t limit : {std::size_t{0}, std::size_t{1001}}) {
        SCOPED_TRACE(limit);
        EXPECT_TRUE(Refused(outbox().claim(staff(), limit), ErrorCode::invalid_input, "limit"));
    }
    EXPECT_EQ(table_snapshot(), before);
    EXPECT_EQ(claim(1).size(), 1U);
    EXPECT_EQ(claim(1000).size(), 1U);
}

TEST_F(MessageOutboxServiceTest, OnlyRolesThatSendMessagesUseTheOutbox) {
    const PatronId patron = add_noticed(2, "email");
    ready_hold(patron, "M-1");
    ready_hold(patron, "M-2");
    ASSERT_EQ(generate(), 2U);
    const MessageId message{std::stoll(sql_value("SELECT min(id) FROM messages"))};
    ready_hold(patron, "M-3");  // a notice not yet generated
    for (const Role role :
         {Role::home_service, Role::kiosk, Role::billing, Role::dpo, Role::patron}) {
        SCOPED_TRACE(to_string(role));
        const Caller caller = role == Role::patron ? self_service(patron) : staff(role);
        const TableSnapshot before = table_snapshot();
        EXPECT_TRUE(Refused(outbox().generate(caller), ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(outbox().claim(caller, 10), ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(outbox().mark_sent(caller, message), ErrorCode::permission_denied, ""));
        EXPECT_TRUE(
            Refused(outbox().mark_failed(caller, message), ErrorCode::permission_denied, ""));
        EXPECT_EQ(table_snapshot(), before);
    }
    const Caller admin = staff(Role::admin);
    EXPECT_TRUE(Succeeded(outbox().generate(admin)));
    EXPECT_TRUE(Succeeded(outbox().claim(admin, 10)));
}

}  // namespace
}  // namespace patron::test
