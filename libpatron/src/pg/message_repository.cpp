#include "pg/message_repository.hpp"

#include "patron/domain/date.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kGenerateReminders = "message_generate_reminders";
constexpr const char* kGenerateOverdue = "message_generate_overdue";
constexpr const char* kGenerateHoldReady = "message_generate_hold_ready";
constexpr const char* kClaim = "message_claim";
constexpr const char* kMarkSent = "message_mark_sent";
constexpr const char* kMarkFailed = "message_mark_failed";
constexpr const char* kList = "message_list";

// Loan notices: $1 kind, $2 today, $3 days, $4 created_at; hold-ready: $1 kind, $2 created_at.
// A patron under processing restriction (GDPR art. 18) is not processed, so gets no notice. The
// unique indexes messages_once_per_loan/hold make a second (or concurrent) run write nothing.
constexpr const char* kGenerateRemindersSql = R"(
INSERT INTO messages (patron_id, kind, channel, loan_id, created_at)
SELECT l.patron_id, $1, p.due_date_reminder, l.id, $4
FROM loans l JOIN patrons p ON p.id = l.patron_id
WHERE l.returned_at IS NULL AND l.due_on BETWEEN $2::date AND $2::date + $3::integer
  AND p.due_date_reminder <> 'none' AND p.processing_restricted_at IS NULL
ORDER BY l.id
ON CONFLICT (kind, loan_id) WHERE loan_id IS NOT NULL DO NOTHING
RETURNING id, patron_id
)";

constexpr const char* kGenerateOverdueSql = R"(
INSERT INTO messages (patron_id, kind, channel, loan_id, created_at)
SELECT l.patron_id, $1, p.overdue_notice, l.id, $4
FROM loans l JOIN patrons p ON p.id = l.patron_id
WHERE l.returned_at IS NULL AND l.due_on <= $2::date - $3::integer
  AND p.overdue_notice <> 'none' AND p.processing_restricted_at IS NULL
ORDER BY l.id
ON CONFLICT (kind, loan_id) WHERE loan_id IS NOT NULL DO NOTHING
RETURNING id, patron_id
)";

constexpr const char* kGenerateHoldReadySql = R"(
INSERT INTO messages (patron_id, kind, channel, hold_id, created_at)
SELECT h.patron_id, $1, p.hold_ready_notice, h.id, $2
FROM holds h JOIN patrons p ON p.id = h.patron_id
WHERE h.status = 'ready' AND h.pickup_by >= $3::date AND p.hold_ready_notice <> 'none'
  AND p.processing_restricted_at IS NULL
ORDER BY h.id
ON CONFLICT (kind, hold_id) WHERE hold_id IS NOT NULL DO NOTHING
RETURNING id, patron_id
)";

// SKIP LOCKED: concurrent senders each take different rows instead of waiting on each other.
// Only the contact of the message's channel is read (data minimisation). A patron restricted
// since the message was generated gets nothing sent (GDPR art. 18).
constexpr const char* kClaimSql = R"(
WITH claimed AS (
    UPDATE messages SET attempts = attempts + 1, claimed_at = $2
    WHERE id IN (SELECT m.id FROM messages m JOIN patrons p ON p.id = m.patron_id
                 WHERE m.status = 'pending' AND (m.claimed_at IS NULL OR m.claimed_at < $3)
                   AND p.processing_restricted_at IS NULL
                 ORDER BY m.id LIMIT $1
                 FOR UPDATE OF m SKIP LOCKED)
    RETURNING id, patron_id, kind, channel, attempts, loan_id, hold_id
)
SELECT c.id, c.patron_id, c.kind, c.channel, c.attempts,
       CASE WHEN p.kind = 'organisation' THEN p.organisation_name
            ELSE p.surname || ', ' || p.given_names END,
       CASE WHEN c.channel = 'email' THEN p.email END,
       CASE WHEN c.channel = 'sms' THEN p.phones[1] END,
       CASE WHEN c.channel = 'letter' THEN p.street_address END,
       CASE WHEN c.channel = 'letter' THEN p.postal_code END,
       CASE WHEN c.channel = 'letter' THEN p.post_office END,
       CASE WHEN c.channel = 'letter' THEN p.country END,
       coalesce(li.title, hi.title),
       to_char(l.due_on, 'YYYY-MM-DD'), to_char(h.pickup_by, 'YYYY-MM-DD')
FROM claimed c
JOIN patrons p ON p.id = c.patron_id
LEFT JOIN loans l ON l.id = c.loan_id
LEFT JOIN items li ON li.id = l.item_id
LEFT JOIN holds h ON h.id = c.hold_id
LEFT JOIN items hi ON hi.id = h.item_id
ORDER BY c.id
)";

constexpr const char* kMarkSentSql = R"(
UPDATE messages SET status = 'sent', sent_at = $2 WHERE id = $1 AND status = 'pending'
)";

// claimed_at stays: the message is claimable again once the lease has passed.
constexpr const char* kMarkFailedSql = R"(
UPDATE messages SET status = CASE WHEN attempts >= $2::integer THEN 'failed' ELSE status END
WHERE id = $1 AND status = 'pending'
)";

constexpr const char* kListSql = R"(
SELECT id, kind, channel, status, attempts, (extract(epoch FROM created_at) * 1000000)::bigint,
       (extract(epoch FROM sent_at) * 1000000)::bigint
FROM messages WHERE patron_id = $1
ORDER BY created_at DESC, id DESC
)";

MessageKind kind_value(const pqxx::field& field) {
    const auto kind = parse_message_kind(field.c_str());
    if (!kind) throw_corrupt("kind");
    return *kind;
}

// 'none' is never stored: generate() writes no message for it.
Channel channel_value(const pqxx::field& field) {
    const auto channel = parse_channel(field.c_str());
    if (!channel || *channel == Channel::none) throw_corrupt("channel");
    return *channel;
}

std::optional<store::Recipient> recipient_value(Channel channel, const pqxx::row& r) {
    switch (channel) {
        case Channel::email:
            if (r[6].is_null()) return std::nullopt;
            return stored<EmailAddress>("email", r[6].as<std::string>());
        case Channel::sms:
            if (r[7].is_null()) return std::nullopt;
            return stored<PhoneNumber>("phones", r[7].as<std::string>());
        case Channel::letter: {
            if (r[8].is_null()) return std::nullopt;
            auto country = stored<CountryCode>("country", r[11].as<std::string>());
            auto postal_code = stored<PostalCode>("postal_code", r[9].as<std::string>(), country);
            return Address{r[8].as<std::string>(), std::move(postal_code), r[10].as<std::string>(),
                           std::move(country)};
        }
        case Channel::none:
            break;
    }
    return std::nullopt;
}

}  // namespace

void prepare_message_statements(pqxx::connection& connection) {
    connection.prepare(kGenerateReminders, kGenerateRemindersSql);
    connection.prepare(kGenerateOverdue, kGenerateOverdueSql);
    connection.prepare(kGenerateHoldReady, kGenerateHoldReadySql);
    connection.prepare(kClaim, kClaimSql);
    connection.prepare(kMarkSent, kMarkSentSql);
    connection.prepare(kMarkFailed, kMarkFailedSql);
    connection.prepare(kList, kListSql);
}

std::vector<store::GeneratedMessage> PgMessageRepository::generate(
    const store::NoticeSchedule& schedule, TimePoint at) {
    return translated("message generate", [&] {
        std::vector<store::GeneratedMessage> generated;
        const auto add = [&](const pqxx::result& result) {
            for (const auto& r : result) {
                generated.push_back(
                    {MessageId{r[0].as<std::int64_t>()}, PatronId{r[1].as<std::int64_t>()}});
            }
        };
        const auto name = [](MessageKind kind) { return std::string(to_string(kind)); };
        const std::string today = to_iso(schedule.today);
        const std::string created_at = to_iso(at);
        add(work_.exec_prepared(kGenerateReminders, name(MessageKind::due_date_reminder), today,
                                schedule.reminder_days_before, created_at));
        add(work_.exec_prepared(kGenerateOverdue, name(MessageKind::overdue_notice), today,
                                schedule.overdue_notice_days_after, created_at));
        add(work_.exec_prepared(kGenerateHoldReady, name(MessageKind::hold_ready), created_at,
                                today));
        return generated;
    });
}

std::vector<store::OutgoingMessage> PgMessageRepository::claim(std::size_t limit, TimePoint now,
                                                               TimePoint lease_from) {
    return translated("message claim", [&] {
        std::vector<store::OutgoingMessage> claimed;
        for (const auto& r : work_.exec_prepared(kClaim, limit, to_iso(now), to_iso(lease_from))) {
            store::OutgoingMessage m;
            m.id = MessageId{r[0].as<std::int64_t>()};
            m.patron = PatronId{r[1].as<std::int64_t>()};
            m.kind = kind_value(r[2]);
            m.channel = channel_value(r[3]);
            m.attempts = r[4].as<int>();
            m.display_name = r[5].is_null() ? "" : r[5].as<std::string>();
            m.recipient = recipient_value(m.channel, r);
            m.title = r[12].is_null() ? "" : r[12].as<std::string>();
            if (!r[13].is_null()) m.due_on = date_value(r[13]);
            if (!r[14].is_null()) m.pickup_by = date_value(r[14]);
            claimed.push_back(std::move(m));
        }
        return claimed;
    });
}

bool PgMessageRepository::mark_sent(MessageId message, TimePoint at) {
    return translated("message mark sent", [&] {
        return work_.exec_prepared(kMarkSent, message.value, to_iso(at)).affected_rows() == 1;
    });
}

bool PgMessageRepository::mark_failed(MessageId message, int max_attempts) {
    return translated("message mark failed", [&] {
        return work_.exec_prepared(kMarkFailed, message.value, max_attempts).affected_rows() == 1;
    });
}

std::vector<MessageRecord> PgMessageRepository::messages(PatronId patron) {
    return translated("message list", [&] {
        std::vector<MessageRecord> records;
        for (const auto& r : work_.exec_prepared(kList, patron.value)) {
            MessageRecord m;
            m.id = MessageId{r[0].as<std::int64_t>()};
            m.kind = kind_value(r[1]);
            m.channel = channel_value(r[2]);
            const auto status = parse_message_status(r[3].c_str());
            if (!status) throw_corrupt("status");
            m.status = *status;
            m.attempts = r[4].as<int>();
            m.created_at = timestamp_from_micros(r[5]);
            if (!r[6].is_null()) m.sent_at = timestamp_from_micros(r[6]);
            records.push_back(m);
        }
        return records;
    });
}

}  // namespace patron::pg
