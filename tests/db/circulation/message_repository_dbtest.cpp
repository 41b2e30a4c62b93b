// The message outbox in storage (MessageRepository): which notices generate() writes (per kind,
// channel, date window, restriction; once per loan or hold), how senders claim them (recipient per
// channel, order, limit, lease, SKIP LOCKED between concurrent senders) and how delivery outcomes
// move them on.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"

namespace patron::test {
namespace {

using std::chrono::microseconds;
using std::chrono::minutes;
using store::GeneratedMessage;
using store::NoticeSchedule;
using store::OutgoingMessage;

constexpr minutes kLease{15};

class MessageRepositoryTest : public RegisterDbTest {
protected:
    [[nodiscard]] Date day(int offset) const {
        return Date{std::chrono::sys_days{clock_.today()} + std::chrono::days{offset}};
    }

    [[nodiscard]] NoticeSchedule schedule(int before = 2, int after = 1) const {
        return NoticeSchedule{clock_.today(), before, after};
    }

    std::int64_t item(const std::string& barcode) {
        return std::stoll(sql_value(fmt::format(
            "INSERT INTO items (barcode, title, material_type) VALUES ('{0}', 'Title {0}', "
            "'book') RETURNING id",
            barcode)));
    }

    /// A current loan of a new item `barcode`, due `due_in` days from today.
    std::int64_t loan(PatronId patron, const std::string& barcode, int due_in) {
        return std::stoll(sql_value(fmt::format(
            "INSERT INTO loans (patron_id, item_id, checked_out_at, checked_out_by, due_on) "
            "VALUES ({}, {}, now(), 'staff-1', '{}') RETURNING id",
            patron.value, item(barcode), to_iso(day(due_in)))));
    }

    /// A hold on a new item `barcode`: ready with `pickup_in` days to pick it up, or placed.
    std::int64_t hold(PatronId patron, const std::string& barcode,
                      std::optional<int> pickup_in = 5) {
        if (!pickup_in) {
            return std::stoll(sql_value(
                fmt::format("INSERT INTO holds (patron_id, item_id, placed_at, placed_by) "
                            "VALUES ({}, {}, now(), 'staff-1') RETURNING id",
                            patron.value, item(barcode))));
        }
        return std::stoll(sql_value(fmt::format(
            "INSERT INTO holds (patron_id, item_id, placed_at, placed_by, status, ready_at, "
            "pickup_by) VALUES ({}, {}, now(), 'staff-1', 'ready', now(), '{}') RETURNING id",
            patron.value, item(barcode), to_iso(day(*pickup_in)))));
    }

    void set_channels(PatronId patron, std::string_view reminder, std::string_view overdue,
                      std::string_view hold_ready) {
        sql(
            fmt::format("UPDATE patrons SET due_date_reminder = '{}', overdue_notice = '{}', "
                        "hold_ready_notice = '{}' WHERE id = {}",
                        reminder, overdue, hold_ready, patron.value));
    }

    std::vector<GeneratedMessage> generate(const NoticeSchedule& s) {
        auto tx = database_->begin();
        auto generated = tx->messages().generate(s, clock_.now());
        tx->commit();
        return generated;
    }

    std::vector<OutgoingMessage> claim(std::size_t limit, TimePoint now, TimePoint lease_from) {
        auto tx = database_->begin();
        auto claimed = tx->messages().claim(limit, now, lease_from);
        tx->commit();
        return claimed;
    }

    /// A claim by a sender with the usual lease at the clock's now.
    std::vector<OutgoingMessage> claim(std::size_t limit = 100) {
        return claim(limit, clock_.now(), clock_.now() - kLease);
    }

    bool mark_sent(std::int64_t id) {
        auto tx = database_->begin();
        const bool done = tx->messages().mark_sent(MessageId{id}, clock_.now());
        tx->commit();
        return done;
    }

    bool mark_failed(std::int64_t id, int max_attempts) {
        auto tx = database_->begin();
        const bool done = tx->messages().mark_failed(MessageId{id}, max_attempts);
        tx->commit();
        return done;
    }

    std::vector<MessageRecord> messages(PatronId patron) {
        auto tx = database_->begin();
        return tx->messages().messages(patron);
    }

    /// Stored messages as "kind|channel|loan or hold id|patron id", by kind and loan or hold.
    [[nodiscard]] std::vector<std::string> stored() const {
        std::vector<std::string> out;
        for (const auto& row :
             sql("SELECT kind || '|' || channel || '|' || coalesce(loan_id, hold_id) || '|' || "
                 "patron_id FROM messages ORDER BY kind, coalesce(loan_id, hold_id)")) {
            out.push_back(row[0]);
        }
        return out;
    }

    [[nodiscard]] std::string status(std::int64_t id) const {
        return sql_value(fmt::format(
            "SELECT status || '|' || attempts || '|' || (sent_at IS NOT NULL) FROM messages "
            "WHERE id = {}",
            id));
    }

    static std::string line(std::string_view kind, std::string_view channel, std::int64_t subject,
                            PatronId patron) {
        return fmt::format("{}|{}|{}|{}", kind, channel, subject, patron.value);
    }

    static std::vector<std::int64_t> ids(const std::vector<OutgoingMessage>& messages) {
        std::vector<std::int64_t> out;
        for (const auto& m : messages) out.push_back(m.id.value);
        return out;
    }

    static std::vector<std::int64_t> ids(const std::vector<GeneratedMessage>& messages) {
        std::vector<std::int64_t> out;
        for (const auto& m : messages) out.push_back(m.id.value);
        std::sort(out.begin(), out.end());
        return out;
    }

    [[nodiscard]] std::vector<std::int64_t> all_ids() const {
        std::vector<std::int64_t> out;
        for (const auto& row : sql("SELECT id FROM messages ORDER BY id")) {
            out.push_back(std::stoll(row[0]));
        }
        return out;
    }
};

TEST_F(MessageRepositoryTest, EachKindGoesOnThePatronsChannelForIt) {
    // person_form: reminders by email, overdue notices by sms, hold-ready notices by letter.
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    set_channels(b, "letter", "email", "sms");
    const PatronId silent = add_adult(4);
    set_channels(silent, "none", "none", "none");
    const auto a_due = loan(a, "A1", 2);
    const auto a_late = loan(a, "A2", -1);
    const auto a_hold = hold(a, "A3");
    const auto b_due = loan(b, "B1", 0);
    const auto b_late = loan(b, "B2", -3);
    const auto b_hold = hold(b, "B3");
    loan(silent, "S1", 1);
    loan(silent, "S2", -2);
    hold(silent, "S3");

    const auto generated = generate(schedule());

    const std::vector<std::string> expected{
        line("due_date_reminder", "email", a_due, a), line("due_date_reminder", "letter", b_due, b),
        line("hold_ready", "letter", a_hold, a),      line("hold_ready", "sms", b_hold, b),
        line("overdue_notice", "sms", a_late, a),     line("overdue_notice", "email", b_late, b)};
    EXPECT_EQ(stored(), expected);
    EXPECT_EQ(ids(generated), all_ids());
    const auto created = sql("SELECT DISTINCT created_at = '" + to_iso(clock_.now()) +
                             "'::timestamptz, status, attempts, claimed_at IS NULL FROM messages");
    EXPECT_EQ(created, (std::vector<std::vector<std::string>>{{"t", "pending", "0", "t"}}));
}

TEST_F(MessageRepositoryTest, GeneratedMessagesNameTheirPatrons) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    const auto a_due = loan(a, "A1", 1);
    const auto b_hold = hold(b, "B1");

    const auto generated = generate(schedule());

    ASSERT_EQ(generated.size(), 2U);
    std::vector<std::string> got;
    for (const auto& m : generated) {
        got.push_back(
            sql_value(fmt::format("SELECT coalesce(loan_id, hold_id) FROM messages WHERE id = {}",
                                  m.id.value)) +
            "|" + std::to_string(m.patron.value));
    }
    std::sort(got.begin(), got.end());
    std::vector<std::string> expected{fmt::format("{}|{}", a_due, a.value),
                                      fmt::format("{}|{}", b_hold, b.value)};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(got, expected);
}

TEST_F(MessageRepositoryTest, RemindersCoverTodayThroughTheLastDayOfTheWindow) {
    const PatronId p = add_adult(2);
    set_channels(p, "email", "none", "none");
    loan(p, "L-1", -1);
    const auto today = loan(p, "L0", 0);
    const auto tomorrow = loan(p, "L1", 1);
    const auto last = loan(p, "L2", 2);
    loan(p, "L3", 3);

    generate(schedule(2, 1));

    EXPECT_EQ(stored(), (std::vector<std::string>{line("due_date_reminder", "email", today, p),
                                                  line("due_date_reminder", "email", tomorrow, p),
                                                  line("due_date_reminder", "email", last, p)}));
}

TEST_F(MessageRepositoryTest, ReminderWindowOfZeroDaysIsTodayOnly) {
    const PatronId p = add_adult(2);
    set_channels(p, "email", "none", "none");
    const auto today = loan(p, "L0", 0);
    loan(p, "L1", 1);

    generate(schedule(0, 1));

    EXPECT_EQ(stored(), std::vector<std::string>{line("due_date_reminder", "email", today, p)});
}

TEST_F(MessageRepositoryTest, OverdueNoticesStartTheConfiguredDaysAfterTheDueDate) {
    const PatronId p = add_adult(2);
    set_channels(p, "none", "sms", "none");
    loan(p, "L0", 0);
    loan(p, "L-2", -2);
    const auto three = loan(p, "L-3", -3);
    const auto ten = loan(p, "L-10", -10);

    generate(schedule(2, 3));

    EXPECT_EQ(stored(), (std::vector<std::string>{line("overdue_notice", "sms", three, p),
                                                  line("overdue_notice", "sms", ten, p)}));
}

TEST_F(MessageRepositoryTest, OverdueNoticeWithOneDayStartsTheDayAfterTheDueDate) {
    const PatronId p = add_adult(2);
    set_channels(p, "none", "sms", "none");
    loan(p, "L0", 0);
    const auto yesterday = loan(p, "L-1", -1);

    generate(schedule(2, 1));

    EXPECT_EQ(stored(), std::vector<std::string>{line("overdue_notice", "sms", yesterday, p)});
}

TEST_F(MessageRepositoryTest, GeneratingAgainWritesOnlyWhatIsNew) {
    const PatronId p = add_adult(2);
    loan(p, "L1", 1);
    loan(p, "L2", -5);
    hold(p, "H1");
    ASSERT_EQ(generate(schedule()).size(), 3U);
    const auto before = stored();

    EXPECT_TRUE(generate(schedule()).empty());
    EXPECT_EQ(stored(), before);

    // The next day the reminded loan is still in the window: still only one reminder. A new loan
    // gets its own.
    clock_.advance(std::chrono::hours{24});
    const auto added = loan(p, "L3", 0);
    const auto generated = generate(schedule());
    ASSERT_EQ(generated.size(), 1U);
    EXPECT_EQ(
        sql_value(fmt::format("SELECT loan_id FROM messages WHERE id = {}", generated[0].id.value)),
        std::to_string(added));
    EXPECT_EQ(stored().size(), 4U);
}

TEST_F(MessageRepositoryTest, SentAndFailedNoticesAreNotGeneratedAgain) {
    const PatronId p = add_adult(2);
    loan(p, "L1", 1);
    hold(p, "H1");
    const auto first = claim(generate(schedule()).size());
    ASSERT_EQ(first.size(), 2U);
    ASSERT_TRUE(mark_sent(first[0].id.value));
    ASSERT_TRUE(mark_failed(first[1].id.value, 1));

    EXPECT_TRUE(generate(schedule()).empty());
    EXPECT_EQ(stored().size(), 2U);
}

TEST_F(MessageRepositoryTest, RestrictedPatronsGetNoNotices) {
    const PatronId restricted = add_adult(2);
    const PatronId other = add_adult(3);
    sql(fmt::format("UPDATE patrons SET processing_restricted_at = now() WHERE id = {}",
                    restricted.value));
    loan(restricted, "R1", 1);
    loan(restricted, "R2", -5);
    hold(restricted, "R3");
    const auto due = loan(other, "O1", 1);

    const auto generated = generate(schedule());

    EXPECT_EQ(stored(), std::vector<std::string>{line("due_date_reminder", "email", due, other)});
    ASSERT_EQ(generated.size(), 1U);
    EXPECT_EQ(generated[0].patron.value, other.value);
}

TEST_F(MessageRepositoryTest, ReturnedLoansAndHoldsNotReadyGetNoNotices) {
    const PatronId p = add_adult(2);
    const auto returned_due = loan(p, "L1", 1);
    const auto returned_late = loan(p, "L2", -5);
    sql(
        fmt::format("UPDATE loans SET returned_at = now(), returned_by = 'staff-1' "
                    "WHERE id IN ({}, {})",
                    returned_due, returned_late));
    hold(p, "H1", std::nullopt);  // placed, not yet ready
    const auto fulfilled = hold(p, "H2");
    sql(
        fmt::format("UPDATE holds SET status = 'fulfilled', closed_at = now(), "
                    "closed_by = 'staff-1' WHERE id = {}",
                    fulfilled));

    EXPECT_TRUE(generate(schedule()).empty());
    EXPECT_TRUE(stored().empty());
}

TEST_F(MessageRepositoryTest, ClaimGivesTheRecipientOfTheChannelAndWhatTheNoticeIsAbout) {
    const PatronId p = add_adult(2);
    const auto due = loan(p, "L1", 2);
    loan(p, "L2", -4);
    hold(p, "H1", 6);
    ASSERT_EQ(generate(schedule()).size(), 3U);
    const auto ids_in_order = all_ids();

    const auto claimed = claim();

    ASSERT_EQ(claimed.size(), 3U);
    EXPECT_EQ(ids(claimed), ids_in_order);
    for (const auto& m : claimed) {
        EXPECT_EQ(m.patron.value, p.value);
        EXPECT_EQ(m.display_name, "Testinen, Testi");
        EXPECT_EQ(m.attempts, 1);
        ASSERT_TRUE(m.recipient);
    }

    std::vector<MessageKind> kinds;
    for (const auto& m : claimed) kinds.push_back(m.kind);
    std::sort(kinds.begin(), kinds.end());
    ASSERT_EQ(kinds,
              (std::vector<MessageKind>{MessageKind::due_date_reminder, MessageKind::overdue_notice,
                                        MessageKind::hold_ready}));
    const auto of_kind = [&](MessageKind kind) -> const OutgoingMessage& {
        return *std::find_if(claimed.begin(), claimed.end(),
                             [&](const OutgoingMessage& m) { return m.kind == kind; });
    };
    const OutgoingMessage& reminder = of_kind(MessageKind::due_date_reminder);
    EXPECT_EQ(reminder.channel, Channel::email);
    const auto* email = std::get_if<EmailAddress>(&*reminder.recipient);
    ASSERT_TRUE(email);
    EXPECT_EQ(email->value(), "testi@example.fi");
    EXPECT_EQ(reminder.title, "Title L1");
    EXPECT_EQ(reminder.due_on, day(2));
    EXPECT_FALSE(reminder.pickup_by);
    EXPECT_EQ(
        sql_value(fmt::format("SELECT loan_id FROM messages WHERE id = {}", reminder.id.value)),
        std::to_string(due));

    const OutgoingMessage& overdue = of_kind(MessageKind::overdue_notice);
    EXPECT_EQ(overdue.channel, Channel::sms);
    const auto* phone = std::get_if<PhoneNumber>(&*overdue.recipient);
    ASSERT_TRUE(phone);
    EXPECT_EQ(phone->value(), "+358400000000");
    EXPECT_EQ(overdue.title, "Title L2");
    EXPECT_EQ(overdue.due_on, day(-4));
    EXPECT_FALSE(overdue.pickup_by);

    const OutgoingMessage& ready = of_kind(MessageKind::hold_ready);
    EXPECT_EQ(ready.channel, Channel::letter);
    const auto* address = std::get_if<Address>(&*ready.recipient);
    ASSERT_TRUE(address);
    EXPECT_EQ(address->street, "Testikatu 1");
    EXPECT_EQ(address->postal_code.value(), "00100");
    EXPECT_EQ(address->post_office, "Helsinki");
    EXPECT_EQ(address->country.value(), "FI");
    EXPECT_EQ(ready.title, "Title H1");
    EXPECT_FALSE(ready.due_on);
    EXPECT_EQ(ready.pickup_by, day(6));

    // The claim is stamped and counted in storage.
    EXPECT_EQ(sql_value("SELECT count(*) FROM messages WHERE attempts = 1 AND claimed_at = '" +
                        to_iso(clock_.now()) + "'::timestamptz"),
              "3");
}

TEST_F(MessageRepositoryTest, ClaimReadsTheContactAsItIsAtClaimTime) {
    const PatronId p = add_adult(2);
    loan(p, "L1", 1);
    generate(schedule());
    sql(fmt::format("UPDATE patrons SET email = 'uusi@example.fi' WHERE id = {}", p.value));

    const auto claimed = claim();

    ASSERT_EQ(claimed.size(), 1U);
    ASSERT_TRUE(claimed[0].recipient);
    const auto* email = std::get_if<EmailAddress>(&*claimed[0].recipient);
    ASSERT_TRUE(email);
    EXPECT_EQ(email->value(), "uusi@example.fi");
}

TEST_F(MessageRepositoryTest, ClaimLeavesTheRecipientEmptyWhenTheContactIsMissing) {
    const PatronId person = add_adult(2);
    sql(
        fmt::format("UPDATE patrons SET email = NULL, phones = '{{}}', street_address = NULL, "
                    "postal_code = NULL, post_office = NULL, country = NULL WHERE id = {}",
                    person.value));
    const PatronId organisation = add_organisation(3, add_adult(4));
    set_channels(organisation, "email", "none", "none");
    loan(person, "P1", 1);
    loan(person, "P2", -3);
    hold(person, "P3");
    loan(organisation, "O1", 1);
    ASSERT_EQ(generate(schedule()).size(), 4U);

    const auto claimed = claim();

    ASSERT_EQ(claimed.size(), 4U);
    std::vector<Channel> channels;
    for (const auto& m : claimed) {
        EXPECT_FALSE(m.recipient);
        channels.push_back(m.channel);
        EXPECT_EQ(m.display_name, m.patron == organisation ? "Testikoulu" : "Testinen, Testi");
    }
    std::sort(channels.begin(), channels.end());
    EXPECT_EQ(channels, (std::vector<Channel>{Channel::email, Channel::email, Channel::sms,
                                              Channel::letter}));
}

TEST_F(MessageRepositoryTest, ClaimTakesTheOldestUpToTheLimit) {
    const PatronId p = add_adult(2);
    for (int i = 0; i < 5; ++i) loan(p, fmt::format("L{}", i), 1);
    generate(schedule());
    const auto all = all_ids();
    ASSERT_EQ(all.size(), 5U);

    EXPECT_EQ(ids(claim(2)), (std::vector<std::int64_t>{all[0], all[1]}));
    EXPECT_EQ(ids(claim(2)), (std::vector<std::int64_t>{all[2], all[3]}));
    EXPECT_EQ(ids(claim(2)), std::vector<std::int64_t>{all[4]});
    EXPECT_TRUE(claim(2).empty());
}

TEST_F(MessageRepositoryTest, ClaimedMessageIsClaimableAgainOnlyAfterTheLease) {
    const PatronId p = add_adult(2);
    loan(p, "L1", 1);
    generate(schedule());
    const TimePoint claimed_at = clock_.now();
    ASSERT_EQ(claim(10, claimed_at, claimed_at - kLease).size(), 1U);

    // A lease starting at the claim still covers it; one a microsecond later does not.
    const TimePoint later = claimed_at + kLease;
    EXPECT_TRUE(claim(10, later, claimed_at).empty());
    const auto again = claim(10, later, claimed_at + microseconds{1});
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].attempts, 2);
    EXPECT_EQ(status(again[0].id.value), "pending|2|false");
}

TEST_F(MessageRepositoryTest, ConcurrentSendersSkipEachOthersRows) {
    const PatronId p = add_adult(2);
    for (int i = 0; i < 5; ++i) loan(p, fmt::format("L{}", i), 1);
    generate(schedule());
    const auto all = all_ids();
    const TimePoint now = clock_.now();

    auto first = database_->begin();
    const auto first_claim = ids(first->messages().claim(2, now, now - kLease));
    ASSERT_EQ(first_claim, (std::vector<std::int64_t>{all[0], all[1]}));

    // The second sender runs while the first still holds its rows: it must not wait for them.
    auto second = std::async(std::launch::async, [&] {
        auto tx = database_->begin();
        auto claimed = ids(tx->messages().claim(10, now, now - kLease));
        tx->commit();
        return claimed;
    });
    const bool finished = second.wait_for(std::chrono::seconds{60}) == std::future_status::ready;
    first->commit();  // releases the second sender if it was waiting
    ASSERT_TRUE(finished) << "the second sender waited for the first one's rows";
    EXPECT_EQ(second.get(), (std::vector<std::int64_t>{all[2], all[3], all[4]}));

    // Both claims are committed and leased: nothing is left to claim.
    EXPECT_TRUE(claim(10, now, now - kLease).empty());
    EXPECT_EQ(sql_value("SELECT count(*) FROM messages WHERE attempts = 1"), "5");
}

TEST_F(MessageRepositoryTest, ManySendersClaimEveryMessageExactlyOnce) {
    const PatronId p = add_adult(2);
    for (int i = 0; i < 24; ++i) loan(p, fmt::format("L{}", i), 1);
    ASSERT_EQ(generate(schedule()).size(), 24U);
    const TimePoint now = clock_.now();

    constexpr int kSenders = 4;
    std::vector<std::vector<std::int64_t>> claimed(kSenders);
    std::latch start(kSenders);
    {
        std::vector<std::jthread> senders;
        for (int s = 0; s < kSenders; ++s) {
            senders.emplace_back([&, s] {
                start.arrive_and_wait();
                for (;;) {
                    auto tx = database_->begin();
                    const auto batch = ids(tx->messages().claim(3, now, now - kLease));
                    tx->commit();
                    if (batch.empty()) break;
                    claimed[static_cast<std::size_t>(s)].insert(
                        claimed[static_cast<std::size_t>(s)].end(), batch.begin(), batch.end());
                }
            });
        }
    }

    std::vector<std::int64_t> together;
    for (const auto& c : claimed) together.insert(together.end(), c.begin(), c.end());
    std::sort(together.begin(), together.end());
    EXPECT_EQ(together, all_ids());  // each once: a duplicate or a miss changes the list
    EXPECT_EQ(sql_value("SELECT count(*) FROM messages WHERE attempts = 1"), "24");
}

TEST_F(MessageRepositoryTest, MarkSentOnlyOnAPendingMessage) {
    const PatronId p = add_adult(2);
    loan(p, "L1", 1);
    generate(schedule());
    const auto claimed = claim();
    ASSERT_EQ(claimed.size(), 1U);
    const std::int64_t id = claimed[0].id.value;

    EXPECT_TRUE(mark_sent(id));
    EXPECT_EQ(status(id), "sent|1|true");
    EXPECT_EQ(
        sql_value(fmt::format("SELECT sent_at = '{}'::timestamptz FROM messages WHERE id = {}",
                              to_iso(clock_.now()), id)),
        "t");

    EXPECT_FALSE(mark_sent(id));
    EXPECT_FALSE(mark_failed(id, 1));
    EXPECT_EQ(status(id), "sent|1|true");
    // Sent is final: never claimed again, whatever the lease.
    EXPECT_TRUE(claim(10, clock_.now() + kLease, clock_.now() + kLease).empty());
    EXPECT_FALSE(mark_sent(id + 1000));  // no such message
}

TEST_F(MessageRepositoryTest, FailedDeliveryStaysPendingUntilTheLastAttempt) {
    const PatronId p = add_adult(2);
    loan(p, "L1", 1);
    generate(schedule());
    const std::int64_t id = all_ids().at(0);
    constexpr int kMaxAttempts = 3;

    for (int attempt = 1; attempt < kMaxAttempts; ++attempt) {
        const auto claimed = claim();
        ASSERT_EQ(ids(claimed), std::vector<std::int64_t>{id}) << "attempt " << attempt;
        EXPECT_TRUE(mark_failed(id, kMaxAttempts));
        EXPECT_EQ(status(id), fmt::format("pending|{}|false", attempt));
        // Still leased to the sender that failed: not claimed again before the lease ends.
        EXPECT_TRUE(claim().empty());
        clock_.advance(kLease + microseconds{1});
    }

    const auto last = claim();
    ASSERT_EQ(ids(last), std::vector<std::int64_t>{id});
    EXPECT_EQ(last[0].attempts, kMaxAttempts);
    EXPECT_TRUE(mark_failed(id, kMaxAttempts));
    EXPECT_EQ(status(id), fmt::format("failed|{}|false", kMaxAttempts));

    EXPECT_FALSE(mark_failed(id, kMaxAttempts));
    EXPECT_FALSE(mark_sent(id));
    EXPECT_EQ(status(id), fmt::format("failed|{}|false", kMaxAttempts));
    clock_.advance(kLease + microseconds{1});
    EXPECT_TRUE(claim().empty());
}

TEST_F(MessageRepositoryTest, MessagesOfAPatronNewestFirst) {
    const PatronId p = add_adult(2);
    const PatronId other = add_adult(3);
    loan(p, "L1", -5);
    loan(other, "O1", 1);
    const TimePoint first_at = clock_.now();
    generate(schedule());
    const auto first_id =
        std::stoll(sql_value(fmt::format("SELECT id FROM messages WHERE patron_id = {}", p.value)));
    ASSERT_EQ(claim().size(), 2U);
    ASSERT_TRUE(mark_sent(first_id));
    const TimePoint sent_at = clock_.now();

    clock_.advance(std::chrono::hours{1});
    hold(p, "H1");
    generate(schedule());
    const auto second_id = std::stoll(sql_value(fmt::format(
        "SELECT id FROM messages WHERE patron_id = {} AND hold_id IS NOT NULL", p.value)));

    const auto records = messages(p);

    ASSERT_EQ(records.size(), 2U);
    EXPECT_EQ(records[0].id.value, second_id);
    EXPECT_EQ(records[0].kind, MessageKind::hold_ready);
    EXPECT_EQ(records[0].channel, Channel::letter);
    EXPECT_EQ(records[0].status, MessageStatus::pending);
    EXPECT_EQ(records[0].attempts, 0);
    EXPECT_EQ(records[0].created_at, clock_.now());
    EXPECT_FALSE(records[0].sent_at);

    EXPECT_EQ(records[1].id.value, first_id);
    EXPECT_EQ(records[1].kind, MessageKind::overdue_notice);
    EXPECT_EQ(records[1].channel, Channel::sms);
    EXPECT_EQ(records[1].status, MessageStatus::sent);
    EXPECT_EQ(records[1].attempts, 1);
    EXPECT_EQ(records[1].created_at, first_at);
    EXPECT_EQ(records[1].sent_at, sent_at);

    EXPECT_TRUE(messages(add_adult(4)).empty());
}

}  // namespace
}  // namespace patron::test
