// The SIP2 session's protocol: login (93/94) with kiosk API clients, what is answered before a
// login, SC status (99/98), error detection (AY/AZ, bad checksum → 96), resend (97), framing (CR,
// CRLF, split and concatenated messages), malformed, binary and oversized input, unknown
// messages, storage failures and the metrics. Patron and item messages: session_patron_dbtest
// and session_item_dbtest.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "db/sip2/session_fixture.hpp"

namespace patron::test {
namespace {

using sip2::Output;

// --- Login -------------------------------------------------------------------------------------

TEST_F(Sip2SessionTest, KioskClientLogsInWithItsNameAndToken) {
    auto s = session();
    EXPECT_EQ(exchange(*s, frame(login_body())), "941\r");
    // Logged in: patron messages are answered.
    patron_with_pin(2);
    EXPECT_EQ(ask(*s, frame(patron_status_body(card_for(2), kPin.data()))).code, "24");
}

TEST_F(Sip2SessionTest, LoginIsRefusedForAnythingButAKioskClientsOwnCredentials) {
    const auto desk = services_->clients.add(staff(Role::admin), "desk1", Role::circulation);
    const auto other = services_->clients.add(staff(Role::admin), "k2", Role::kiosk);
    ASSERT_TRUE(Succeeded(desk));
    ASSERT_TRUE(Succeeded(other));
    const std::vector<std::pair<std::string, std::string>> refused{
        {"k1", token_ + "x"},    // wrong token
        {"k1", other->token},    // another kiosk's token
        {"k2", token_},          // another kiosk's name
        {"desk1", desk->token},  // a valid client, but not a kiosk
        {"k1", ""},              // no token
        {"", token_},            // no name
        {"K1", token_},          // names are exact
    };
    for (const auto& [name, token] : refused) {
        auto s = session();
        EXPECT_EQ(exchange(*s, frame(login_body(name, token))), "940\r") << name;
        // Still not logged in: a patron message closes the connection unanswered.
        const Output out = s->receive(frame(patron_status_body("CARD0002", kPin.data())));
        EXPECT_TRUE(out.responses.empty()) << name;
        EXPECT_TRUE(out.close) << name;
    }
    // Missing CN and CO fields altogether.
    auto s = session();
    EXPECT_EQ(exchange(*s, frame("9300CPLOC|")), "940\r");
}

TEST_F(Sip2SessionTest, RevokedKioskCannotLogIn) {
    ASSERT_TRUE(Succeeded(services_->clients.revoke(staff(Role::admin), "k1")));
    auto s = session();
    EXPECT_EQ(exchange(*s, frame(login_body())), "940\r");
}

TEST_F(Sip2SessionTest, ThirdFailedLoginClosesTheConnection) {
    auto s = session();
    EXPECT_EQ(exchange(*s, frame(login_body("k1", "pt_wrong"))), "940\r");
    EXPECT_EQ(exchange(*s, frame(login_body("k1", "pt_wrong"))), "940\r");
    const Output third = s->receive(frame(login_body("k1", "pt_wrong")));
    EXPECT_EQ(third.responses, std::vector<std::string>{"940\r"});
    EXPECT_TRUE(third.close);
    // Closed for good, even for the right credentials.
    const Output after = s->receive(frame(login_body()));
    EXPECT_TRUE(after.responses.empty());
    EXPECT_TRUE(after.close);
    // A new connection may log in.
    auto fresh = session();
    EXPECT_EQ(exchange(*fresh, frame(login_body())), "941\r");
}

TEST_F(Sip2SessionTest, FailedLoginsCountOnTheConnectionNotInARow) {
    auto s = session();
    EXPECT_EQ(exchange(*s, frame(login_body("k1", "pt_wrong"))), "940\r");
    EXPECT_EQ(exchange(*s, frame(login_body())), "941\r");
    EXPECT_EQ(exchange(*s, frame(login_body("k1", "pt_wrong"))), "940\r");
    const Output third = s->receive(frame(login_body("k1", "pt_wrong")));
    EXPECT_EQ(third.responses, std::vector<std::string>{"940\r"});
    EXPECT_TRUE(third.close);
}

TEST_F(Sip2SessionTest, FailedLoginEndsThePreviousLogin) {
    auto s = logged_in();
    EXPECT_EQ(exchange(*s, frame(login_body("k1", "pt_wrong"))), "940\r");
    const Output out = s->receive(frame(patron_status_body("CARD0002", kPin.data())));
    EXPECT_TRUE(out.responses.empty());
    EXPECT_TRUE(out.close);
}

TEST_F(Sip2SessionTest, BeforeLoginOnlyLoginStatusAndResendAreAnswered) {
    patron_with_pin(2);
    auto s = session();
    const std::string status = exchange(*s, frame("9900302.00"));
    EXPECT_EQ(reply(status).code, "98");
    EXPECT_EQ(exchange(*s, frame("97")), status);

    const long before = last_audit_id();
    const std::vector<std::string> needing_login{
        patron_status_body(card_for(2), kPin.data()),
        patron_information_body(card_for(2), kPin.data(), "  Y"),
        fmt::format("35{}AOLIB|AA{}|", kRequestDate, card_for(2)),
        item_information_body("B-1"),
        "11YN20261124    10150020261124    101500AOLIB|AA|AB|AC|",  // checkout: not served
    };
    for (const std::string& body : needing_login) {
        auto fresh = session();
        const Output out = fresh->receive(frame(body));
        EXPECT_TRUE(out.responses.empty()) << body.substr(0, 2);
        EXPECT_TRUE(out.close) << body.substr(0, 2);
    }
    // Nothing was verified or read.
    EXPECT_EQ(last_audit_id(), before);
}

// --- SC status ---------------------------------------------------------------------------------

TEST_F(Sip2SessionTest, StatusOffersExactlyTheServedMessages) {
    auto s = session();
    EXPECT_EQ(exchange(*s, frame("9900302.00")),
              fmt::format("98YNNNNN030003{}2.00AO|AM|BXY   YYYYY Y     |\r", now_field()));
}

TEST_F(Sip2SessionTest, StatusEchoesTheInstitutionLastNamed) {
    auto s = logged_in();
    (void)ask(*s, frame(patron_status_body("CARD0002", nullptr)));  // AOLIB
    const Reply status = ask(*s, frame("9900302.00"));
    ASSERT_TRUE(status.field("AO"));
    EXPECT_EQ(*status.field("AO"), "LIB");
    EXPECT_EQ(status.ids(), "AO AM BX");
}

// The transaction date is local time with a blank zone: here a POSIX TZ string (no tz database
// needed) two hours east of UTC in November.
TEST_F(Sip2SessionTest, DatesAreLocalTimeWithABlankZone) {
    const char* previous = std::getenv("TZ");
    const std::optional<std::string> saved = previous ? std::optional(previous) : std::nullopt;
    ::setenv("TZ", "EET-2EEST,M3.5.0/3,M10.5.0/4", 1);
    ::tzset();
    const std::string date = sip2::transaction_date(clock_.now());  // noon UTC, 2026-11-24
    const std::string due = sip2::due_date(Date{std::chrono::year{2026} / 12 / 1});
    if (saved) {
        ::setenv("TZ", saved->c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
    EXPECT_EQ(date, "20261124    140000");
    EXPECT_EQ(due, "20261201    235959");
}

// --- Error detection and resend ----------------------------------------------------------------

TEST_F(Sip2SessionTest, ResponseCarriesTheRequestsSequenceAndAChecksum) {
    auto s = session();
    EXPECT_EQ(exchange(*s, frame(login_body(), 3)), "941AY3AZ" + sip2::checksum("941AY3AZ") + "\r");
    // Lower-case hex in the request is accepted too.
    std::string body = "9900302.00AY7AZ";
    std::string sum = sip2::checksum(body);
    for (char& c : sum) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string status = exchange(*s, body + sum + "\r");
    ASSERT_GT(status.size(), 10U);
    const std::string head = status.substr(0, status.size() - 10) + "AY7AZ";
    EXPECT_EQ(status, head + sip2::checksum(head) + "\r");
    // AY without AZ: the sequence is echoed, with a checksum.
    const std::string plain = exchange(*s, frame("9900302.00AY0"));
    EXPECT_NE(plain.find("|AY0AZ"), std::string::npos);
}

TEST_F(Sip2SessionTest, ResponseWithoutErrorDetectionWhenTheRequestHasNone) {
    auto s = session();
    EXPECT_EQ(exchange(*s, frame(login_body())), "941\r");
    const std::string status = exchange(*s, frame("9900302.00"));
    EXPECT_EQ(status.find("AY"), std::string::npos);
    EXPECT_EQ(status.find("AZ"), std::string::npos);
}

TEST_F(Sip2SessionTest, EveryChecksumTheSessionSendsVerifies) {
    patron_with_pin(2);
    auto s = session();
    const std::vector<std::string> responses{
        exchange(*s, frame(login_body(), 1)),
        exchange(*s, frame("9900302.00", 2)),
        exchange(*s, frame(patron_status_body(card_for(2), kPin.data()), 3)),
        exchange(*s, frame(patron_information_body(card_for(2), kPin.data(), "  Y"), 4)),
        exchange(*s, frame(item_information_body("B-1"), 5)),
        exchange(*s, frame(fmt::format("35{}AOLIB|AA{}|", kRequestDate, card_for(2)), 6)),
    };
    int sequence = 1;
    for (const std::string& response : responses) {
        ASSERT_GE(response.size(), 10U);
        const std::string body = response.substr(0, response.size() - 1);
        EXPECT_TRUE(sip2::parse(body).has_value()) << "response " << sequence;
        EXPECT_EQ(body.substr(body.size() - 9, 3), "AY" + std::to_string(sequence));
        ++sequence;
    }
}

TEST_F(Sip2SessionTest, BadChecksumAsksForAResend) {
    auto s = logged_in();
    std::string message = frame("9900302.00", 1);
    message[message.size() - 2] = message[message.size() - 2] == '0' ? '1' : '0';
    EXPECT_EQ(exchange(*s, message), "96\r");
    // The kiosk resends; the session goes on.
    EXPECT_EQ(ask(*s, frame("9900302.00", 1)).code, "98");
    // Not hex at all.
    EXPECT_EQ(exchange(*s, "9900302.00AY1AZXYZW\r"), "96\r");
}

TEST_F(Sip2SessionTest, ResendRepeatsTheLastResponseByteForByte) {
    patron_with_pin(2);
    auto s = logged_in();
    const std::string last = exchange(*s, frame(patron_status_body(card_for(2), kPin.data()), 4));
    EXPECT_EQ(exchange(*s, frame("97")), last);
    // Also when the 97 itself carries error detection (its own sequence is not echoed).
    EXPECT_EQ(exchange(*s, frame("97", 8)), last);
    EXPECT_EQ(exchange(*s, "97AZFEF5\r"), last);
    // A 96 the session sent is the last response too.
    EXPECT_EQ(exchange(*s, "9900302.00AY1AZ0000\r"), "96\r");
    EXPECT_EQ(exchange(*s, frame("97")), "96\r");
}

TEST_F(Sip2SessionTest, ResendWithNothingSentIsNotAnswered) {
    auto s = session();
    const Output out = s->receive(frame("97"));
    EXPECT_TRUE(out.responses.empty());
    EXPECT_FALSE(out.close);
}

// --- Framing -----------------------------------------------------------------------------------

TEST_F(Sip2SessionTest, AcceptsCrAndCrlfTerminators) {
    auto s = session();
    const Output out = s->receive(login_body() + "\r\n9900302.00\r\n9900302.00\r");
    ASSERT_EQ(out.responses.size(), 3U);
    EXPECT_EQ(out.responses[0], "941\r");
    EXPECT_EQ(reply(out.responses[1]).code, "98");
    EXPECT_EQ(reply(out.responses[2]).code, "98");
    EXPECT_FALSE(out.close);
    // A CRLF split across reads, and blank lines.
    EXPECT_EQ(ask(*s, "9900302.00\r").code, "98");
    EXPECT_TRUE(s->receive("\n").responses.empty());
    EXPECT_TRUE(s->receive("\r\n\r\n").responses.empty());
    EXPECT_EQ(ask(*s, "9900302.00\r\n").code, "98");
}

TEST_F(Sip2SessionTest, MessageSplitAcrossReadsIsAnsweredWhenComplete) {
    auto s = session();
    const std::string message = frame(login_body(), 2);
    for (std::size_t i = 0; i + 1 < message.size(); ++i) {
        const Output out = s->receive(message.substr(i, 1));
        ASSERT_TRUE(out.responses.empty()) << "byte " << i;
        ASSERT_FALSE(out.close);
    }
    EXPECT_EQ(exchange(*s, "\r"), "941AY2AZ" + sip2::checksum("941AY2AZ") + "\r");
}

TEST_F(Sip2SessionTest, ConcatenatedMessagesAreAnsweredInOrder) {
    patron_with_pin(2);
    auto s = session();
    const std::string first = frame(login_body(), 0);
    const std::string second = frame(patron_status_body(card_for(2), kPin.data()), 1);
    const std::string third = frame("9900302.00", 2);
    // The second message split between two reads, the third in the second read.
    const std::string all = first + second + third;
    const std::size_t cut = first.size() + 10;
    const Output one = s->receive(all.substr(0, cut));
    ASSERT_EQ(one.responses.size(), 1U);
    EXPECT_EQ(one.responses[0].substr(0, 3), "941");
    const Output two = s->receive(all.substr(cut));
    ASSERT_EQ(two.responses.size(), 2U);
    EXPECT_EQ(reply(two.responses[0]).code, "24");
    EXPECT_EQ(reply(two.responses[1]).code, "98");
    EXPECT_FALSE(two.close);
}

// --- Bad input ---------------------------------------------------------------------------------

TEST_F(Sip2SessionTest, MalformedMessagesGetTwo96sThenTheConnectionCloses) {
    auto s = logged_in();
    EXPECT_EQ(exchange(*s, "XX\r"), "96\r");                                 // bad code
    EXPECT_EQ(exchange(*s, std::string("23\0\x01\xff", 5) + "\r"), "96\r");  // binary
    const Output third = s->receive("2300020261124\r");                      // truncated
    EXPECT_TRUE(third.responses.empty());
    EXPECT_TRUE(third.close);
    const Output after = s->receive(frame("9900302.00"));
    EXPECT_TRUE(after.responses.empty());
    EXPECT_TRUE(after.close);
}

TEST_F(Sip2SessionTest, BadChecksumsCountTowardsClosingToo) {
    auto s = session();
    EXPECT_EQ(exchange(*s, "9900302.00AY1AZ0000\r"), "96\r");
    EXPECT_EQ(exchange(*s, "9900302.00AY1AZ0000\r"), "96\r");
    const Output third = s->receive("9900302.00AY1AZ0000\r");
    EXPECT_TRUE(third.responses.empty());
    EXPECT_TRUE(third.close);
}

TEST_F(Sip2SessionTest, AnAnsweredMessageResetsTheCountOfRefusals) {
    auto s = session();
    for (int round = 0; round < 4; ++round) {
        EXPECT_EQ(exchange(*s, "XX\r"), "96\r");
        EXPECT_EQ(exchange(*s, "9900302.00AY1AZ0000\r"), "96\r");
        EXPECT_EQ(ask(*s, frame("9900302.00")).code, "98");
    }
}

TEST_F(Sip2SessionTest, RandomBytesNeverGetMoreThanTwo96sAndClose) {
    std::mt19937 random(5);  // NOLINT(cert-msc51-cpp): reproducible on purpose
    for (int run = 0; run < 50; ++run) {
        auto s = run % 2 == 0 ? session() : logged_in();
        std::size_t answers = 0;
        bool closed = false;
        for (int chunk = 0; chunk < 200 && !closed; ++chunk) {
            std::string bytes(static_cast<std::size_t>(random() % 64), '\0');
            for (char& c : bytes) c = static_cast<char>(random() % 256);
            if (random() % 3 == 0) bytes += '\r';
            const Output out = s->receive(bytes);
            for (const auto& response : out.responses) {
                // Random bytes may form a valid 97 or 99 by chance only with vanishing odds.
                EXPECT_EQ(response, "96\r");
            }
            answers += out.responses.size();
            closed = out.close;
        }
        EXPECT_TRUE(closed) << "run " << run;
        EXPECT_LE(answers, 2U) << "run " << run;
    }
}

TEST_F(Sip2SessionTest, OversizedMessageClosesTheConnection) {
    settings_.max_message_bytes = 100;
    {
        auto s = logged_in();
        // Exactly at the limit: answered (an unknown field is ignored).
        std::string body = "9900302.00XX";
        body += std::string(100 - body.size(), 'x');
        EXPECT_EQ(ask(*s, body + "\r").code, "98");
        // One byte over, even before its CR arrives.
        const Output out = s->receive(body + "x");
        EXPECT_TRUE(out.responses.empty());
        EXPECT_TRUE(out.close);
    }
    {
        auto s = session();
        const Output out = s->receive(std::string(150, '9') + "\r");
        EXPECT_TRUE(out.responses.empty());
        EXPECT_TRUE(out.close);
    }
    {
        // Messages before the oversized one are answered first.
        auto s = session();
        const Output out = s->receive(frame(login_body()) + std::string(101, 'x'));
        EXPECT_EQ(out.responses, std::vector<std::string>{"941\r"});
        EXPECT_TRUE(out.close);
    }
}

TEST_F(Sip2SessionTest, UnservedMessagesAreNotAnsweredAndCountTowardsClosing) {
    auto s = logged_in();
    const std::string checkout = frame("11YN20261124    10150020261124    101500AOLIB|AA|AB|AC|");
    const std::string renew_all = frame("65AOLIB|AA|");
    for (const std::string& message : {checkout, renew_all}) {
        const Output out = s->receive(message);
        EXPECT_TRUE(out.responses.empty());
        EXPECT_FALSE(out.close);
    }
    const Output third = s->receive(checkout);
    EXPECT_TRUE(third.responses.empty());
    EXPECT_TRUE(third.close);
}

// --- Failures ----------------------------------------------------------------------------------

TEST_F(Sip2SessionTest, StorageFailureClosesTheConnectionWithoutAnAnswer) {
    patron_with_pin(2);
    lend(add_adult(3), "B-1");
    const std::vector<std::string> messages{
        frame(patron_status_body(card_for(2), kPin.data())),
        frame(patron_information_body(card_for(2), kPin.data(), "  Y")),
        frame(item_information_body("B-1")),
        frame(login_body()),
    };
    for (const std::string& message : messages) {
        auto s = logged_in();
        database_switch_->fail(true);
        const Output out = s->receive(message);
        database_switch_->fail(false);
        EXPECT_TRUE(out.responses.empty()) << message.substr(0, 2);
        EXPECT_TRUE(out.close) << message.substr(0, 2);
        EXPECT_TRUE(s->receive(frame("9900302.00")).close);
    }
}

TEST_F(Sip2SessionTest, MessagesBeforeAFailureInTheSameReadAreStillAnswered) {
    auto s = session();
    database_switch_->fail(true);
    // 99 needs no database, the login does.
    const Output out = s->receive(frame("9900302.00") + frame(login_body()));
    database_switch_->fail(false);
    ASSERT_EQ(out.responses.size(), 1U);
    EXPECT_EQ(reply(out.responses[0]).code, "98");
    EXPECT_TRUE(out.close);
}

// --- Metrics -----------------------------------------------------------------------------------

TEST_F(Sip2SessionTest, CountsMessagesByCodeAndVerificationsByOutcome) {
    patron_with_pin(2);
    auto s = logged_in();
    (void)ask(*s, frame(patron_status_body(card_for(2), kPin.data())));
    (void)ask(*s, frame(patron_status_body(card_for(2), kWrongPin.data())));
    (void)ask(*s, frame(patron_information_body(card_for(2), kPin.data())));
    (void)ask(*s, frame(patron_status_body(card_for(2), nullptr)));  // no verification
    (void)ask(*s, frame("97"));
    EXPECT_EQ(exchange(*s, "XX\r"), "96\r");
    (void)s->receive(frame("65AOLIB|AA|"));

    EXPECT_EQ(metric(R"(patrond_sip2_messages_total{code="93"})"), 1);
    EXPECT_EQ(metric(R"(patrond_sip2_messages_total{code="23"})"), 3);
    EXPECT_EQ(metric(R"(patrond_sip2_messages_total{code="63"})"), 1);
    EXPECT_EQ(metric(R"(patrond_sip2_messages_total{code="97"})"), 1);
    EXPECT_EQ(metric(R"(patrond_sip2_messages_total{code="invalid"})"), 2);
    EXPECT_EQ(metric(R"(patrond_kiosk_verifications_total{transport="sip2",outcome="verified"})"),
              2);
    EXPECT_EQ(metric(R"(patrond_kiosk_verifications_total{transport="sip2",outcome="wrong_pin"})"),
              1);
}

}  // namespace
}  // namespace patron::test
