// patrond's SIP2 endpoint over a real socket: login with a demo kiosk's credentials, status,
// patron status and information with card and PIN, error detection (AY/AZ) and resend, CR and
// CRLF terminators, and what garbage, oversized and premature messages get.
//
// Responses echo the card number (AA): they are compared with EXPECT_TRUE, never printed.

#include <gtest/gtest.h>

#include <cctype>

#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

constexpr Millis kAnswerTimeout{10'000};

class PatrondSip2 : public PatrondTest {
protected:
    static std::string login_message(const DemoClient& kiosk) {
        return "9300CN" + kiosk.name + "|CO" + kiosk.token + "|CPkiosk-test|";
    }
    static std::string login_message(const std::string& name, const std::string& token) {
        return "9300CN" + name + "|CO" + token + "|CPkiosk-test|";
    }
    // 63: language, transaction date, summary (10 positions, "Y" at the list wanted).
    static std::string patron_information(std::string_view card, std::string_view pin,
                                          std::string_view summary = "          ") {
        return "63001" + sip2_now() + std::string(summary) + "AOtest-library|AA" +
               std::string(card) + "|AC|AD" + std::string(pin) + "|";
    }
    static std::string patron_status(std::string_view card, std::string_view pin) {
        return "23001" + sip2_now() + "AOtest-library|AA" + std::string(card) + "|AC|AD" +
               std::string(pin) + "|";
    }
    static constexpr std::string_view kStatus = "9900302.00";

    /// Sends `message` with `terminator` and returns the response without its CR; empty when
    /// the connection closed or nothing came in time.
    static std::string ask(Connection& connection, const std::string& message,
                           std::string_view terminator = "\r") {
        if (!connection.send(message + std::string(terminator))) return {};
        Received received = connection.read_until("\r", kAnswerTimeout);
        if (received.end != ReadEnd::complete) return {};
        received.data.pop_back();
        return received.data;
    }

    /// A connection logged in as the demo kiosk.
    Connection kiosk() {
        Connection connection = daemon().sip2();
        EXPECT_EQ(ask(connection, login_message(daemon().client("kiosk"))), "941");
        return connection;
    }
};

// The variable fields of a response after its fixed part of `fixed` characters.
std::vector<std::string> fields(std::string_view response, std::size_t fixed) {
    std::vector<std::string> out;
    if (response.size() <= fixed) return out;
    std::string_view rest = response.substr(fixed);
    while (!rest.empty()) {
        const std::size_t bar = rest.find('|');
        out.emplace_back(rest.substr(0, bar));
        rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
    return out;
}

bool has_field(const std::vector<std::string>& all, std::string_view field) {
    return std::find(all.begin(), all.end(), field) != all.end();
}

bool has_field_id(const std::vector<std::string>& all, std::string_view id) {
    return std::any_of(all.begin(), all.end(),
                       [&](const std::string& f) { return f.starts_with(id); });
}

// A response that carries "AY<sequence>AZ<checksum>" at its end, the checksum right.
bool carries_error_detection(const std::string& response, int sequence) {
    const std::size_t ay = response.rfind("AY");
    if (ay == std::string::npos || response.size() != ay + 9) return false;
    return response.substr(ay) == sip2_error_detection(response.substr(0, ay), sequence);
}

// 64: code 2, patron status 14, language 3, date 18, six counts of 4.
constexpr std::size_t k64Fixed = 2 + 14 + 3 + 18 + 6 * 4;
// 24: code 2, patron status 14, language 3, date 18.
constexpr std::size_t k24Fixed = 2 + 14 + 3 + 18;

TEST_F(PatrondSip2, LoginWithTheKioskCredentialsIsAccepted) {
    auto connection = daemon().sip2();
    EXPECT_EQ(ask(connection, login_message(daemon().client("kiosk"))), "941");
}

TEST_F(PatrondSip2, LoginWithWrongCredentialsIsRefused) {
    const DemoClient& kiosk = daemon().client("kiosk");
    const DemoClient& staff = daemon().client("circulation");
    auto connection = daemon().sip2();
    EXPECT_EQ(ask(connection, login_message(kiosk.name, kiosk.token + "x")), "940");
    // A live token of another role, and a kiosk's token under another name.
    EXPECT_EQ(ask(connection, login_message(staff)), "940");
    auto second = daemon().sip2();
    EXPECT_EQ(ask(second, login_message("another-kiosk", kiosk.token)), "940");
    EXPECT_EQ(ask(second, login_message(kiosk)), "941");
}

TEST_F(PatrondSip2, TheThirdFailedLoginClosesTheConnection) {
    const DemoClient& kiosk = daemon().client("kiosk");
    auto connection = daemon().sip2();
    EXPECT_EQ(ask(connection, login_message(kiosk.name, "pt_wrong1")), "940");
    EXPECT_EQ(ask(connection, login_message(kiosk.name, "pt_wrong2")), "940");
    EXPECT_EQ(ask(connection, login_message(kiosk.name, "pt_wrong3")), "940");
    EXPECT_TRUE(connection.closed_by_peer(kAnswerTimeout));
}

TEST_F(PatrondSip2, StatusIsAnsweredBeforeAndAfterLogin) {
    auto connection = daemon().sip2();
    const std::string before = ask(connection, std::string(kStatus));
    EXPECT_TRUE(before.starts_with("98Y")) << "not an on-line 98";
    EXPECT_EQ(ask(connection, login_message(daemon().client("kiosk"))), "941");
    const std::string after = ask(connection, std::string(kStatus));
    ASSERT_TRUE(after.starts_with("98Y"));
    // 98: code 2, six flags, timeout 3, retries 3, date 18, version 4.
    EXPECT_EQ(after.substr(32, 4), "2.00");
    EXPECT_TRUE(has_field_id(fields(after, 36), "BX"));
}

TEST_F(PatrondSip2, PatronInformationWithTheRightPinIsValid) {
    auto connection = kiosk();
    const std::string response = ask(connection, patron_information(kAdultCard, kDemoPin));
    ASSERT_TRUE(response.starts_with("64"));
    const auto all = fields(response, k64Fixed);
    EXPECT_TRUE(has_field(all, "BLY"));
    EXPECT_TRUE(has_field(all, "CQY"));
    EXPECT_TRUE(has_field(all, "BHEUR"));
    // The demo adult has two loans (charged items count), and no name goes to this kiosk.
    EXPECT_EQ(response.substr(2 + 14 + 3 + 18 + 2 * 4, 4), "0002");
    EXPECT_FALSE(has_field_id(all, "AE"));
    EXPECT_TRUE(has_field_id(all, "BV"));
}

TEST_F(PatrondSip2, PatronInformationListsTheItemsAskedFor) {
    auto connection = kiosk();
    // Summary position 3: charged items (AU).
    const std::string response =
        ask(connection, patron_information(kAdultCard, kDemoPin, "  Y       "));
    ASSERT_TRUE(response.starts_with("64"));
    const auto all = fields(response, k64Fixed);
    EXPECT_EQ(std::count_if(all.begin(), all.end(),
                            [](const std::string& f) { return f.starts_with("AU"); }),
              2);
}

TEST_F(PatrondSip2, PatronInformationWithAWrongPinDisclosesNothing) {
    auto connection = kiosk();
    const std::string response = ask(connection, patron_information(kChildCard, "0000"));
    ASSERT_TRUE(response.starts_with("64"));
    const auto all = fields(response, k64Fixed);
    EXPECT_TRUE(has_field(all, "BLY"));
    EXPECT_TRUE(has_field(all, "CQN"));
    // No counts, amounts or items before a verified PIN.
    EXPECT_EQ(response.substr(2 + 14 + 3 + 18, 24), std::string(24, ' '));
    EXPECT_FALSE(has_field_id(all, "BV"));
    EXPECT_FALSE(has_field_id(all, "AE"));
    EXPECT_TRUE(has_field_id(all, "AF"));

    const std::string unknown = ask(connection, patron_information("NOSUCHCARD1", "0000"));
    ASSERT_TRUE(unknown.starts_with("64"));
    EXPECT_TRUE(has_field(fields(unknown, k64Fixed), "BLN"));
    EXPECT_TRUE(has_field(fields(unknown, k64Fixed), "CQN"));
}

TEST_F(PatrondSip2, PatronStatusVerifiesCardAndPin) {
    auto connection = kiosk();
    const std::string ok = ask(connection, patron_status(kAdultCard, kDemoPin));
    ASSERT_TRUE(ok.starts_with("24"));
    EXPECT_TRUE(has_field(fields(ok, k24Fixed), "BLY"));
    EXPECT_TRUE(has_field(fields(ok, k24Fixed), "CQY"));
    const std::string wrong = ask(connection, patron_status(kChildCard, "0000"));
    ASSERT_TRUE(wrong.starts_with("24"));
    EXPECT_TRUE(has_field(fields(wrong, k24Fixed), "CQN"));
}

TEST_F(PatrondSip2, ErrorDetectionIsEchoedWithARightChecksum) {
    auto connection = daemon().sip2();
    const std::string login = login_message(daemon().client("kiosk"));
    const std::string accepted = ask(connection, login + sip2_error_detection(login, 1));
    EXPECT_TRUE(accepted.starts_with("941"));
    EXPECT_TRUE(carries_error_detection(accepted, 1));

    const std::string request = patron_information(kAdultCard, kDemoPin);
    const std::string response = ask(connection, request + sip2_error_detection(request, 3));
    ASSERT_TRUE(response.starts_with("64"));
    EXPECT_TRUE(carries_error_detection(response, 3));
    EXPECT_TRUE(has_field(fields(response, k64Fixed), "CQY"));

    // Without AY/AZ the answer has none either.
    const std::string plain = ask(connection, std::string(kStatus));
    ASSERT_TRUE(plain.starts_with("98"));
    EXPECT_FALSE(has(plain, "|AY"));

    // Hex digits of the checksum in lower case are accepted too.
    std::string lower = sip2_error_detection(kStatus, 5);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lower.replace(0, 5, "AY5AZ");
    const std::string status = ask(connection, std::string(kStatus) + lower);
    EXPECT_TRUE(status.starts_with("98"));
    EXPECT_TRUE(carries_error_detection(status, 5));
}

TEST_F(PatrondSip2, ABadChecksumAsksForAResend) {
    auto connection = kiosk();
    std::string suffix = sip2_error_detection(kStatus, 2);
    suffix.back() = suffix.back() == '0' ? '1' : '0';
    EXPECT_EQ(ask(connection, std::string(kStatus) + suffix), "96");
    // The session goes on.
    EXPECT_TRUE(ask(connection, std::string(kStatus)).starts_with("98"));
}

TEST_F(PatrondSip2, ResendRepeatsThePreviousResponse) {
    auto connection = kiosk();
    const std::string status = ask(connection, std::string(kStatus));
    ASSERT_TRUE(status.starts_with("98"));
    EXPECT_TRUE(ask(connection, "97") == status) << "97 did not repeat the 98";
    const std::string information = ask(connection, patron_information(kAdultCard, kDemoPin));
    ASSERT_TRUE(information.starts_with("64"));
    EXPECT_TRUE(ask(connection, "97") == information) << "97 did not repeat the 64";
}

TEST_F(PatrondSip2, CrLfAndSplitMessagesAreAccepted) {
    auto connection = daemon().sip2();
    // Two messages in one write, each ended by CRLF.
    ASSERT_TRUE(connection.send(login_message(daemon().client("kiosk")) + "\r\n" +
                                std::string(kStatus) + "\r\n"));
    const Received login = connection.read_until("\r", kAnswerTimeout);
    ASSERT_EQ(login.end, ReadEnd::complete);
    EXPECT_EQ(login.data, "941\r");
    const Received status = connection.read_until("\r", kAnswerTimeout);
    ASSERT_EQ(status.end, ReadEnd::complete);
    EXPECT_TRUE(status.data.starts_with("98Y"));
    // One message in three writes, the terminator split.
    ASSERT_TRUE(connection.send("9900"));
    ASSERT_TRUE(connection.send("302.00\r"));
    ASSERT_TRUE(connection.send("\n"));
    const Received split = connection.read_until("\r", kAnswerTimeout);
    ASSERT_EQ(split.end, ReadEnd::complete);
    EXPECT_TRUE(split.data.starts_with("98Y"));
}

TEST_F(PatrondSip2, EndSessionAndItemInformationAreAnswered) {
    auto connection = kiosk();
    const std::string end =
        ask(connection, "35" + sip2_now() + "AOtest-library|AA" + std::string(kAdultCard) + "|");
    EXPECT_TRUE(end.starts_with("36Y"));
    // The demo adult has DEMO-1001 on loan: charged (04).
    const std::string item = ask(connection, "17" + sip2_now() + "AOtest-library|ABDEMO-1001|");
    EXPECT_TRUE(item.starts_with("1804"));
    const std::string unknown = ask(connection, "17" + sip2_now() + "AOtest-library|ABNOSUCH|");
    EXPECT_TRUE(unknown.starts_with("1801"));
}

TEST_F(PatrondSip2, PatronMessagesBeforeLoginCloseTheConnectionUnanswered) {
    auto connection = daemon().sip2();
    ASSERT_TRUE(connection.send(patron_information(kAdultCard, kDemoPin) + "\r"));
    const Received received = connection.read_until_closed(kAnswerTimeout);
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_TRUE(received.data.empty()) << "an answer before login";
}

// Garbage gets at most a couple of 96 answers, then the connection is closed; the daemon
// serves the next kiosk.
TEST_F(PatrondSip2, GarbageClosesTheConnectionAndTheDaemonServesOn) {
    const std::string binary("\x00\x01\x02\xff\xfe\x80\x1b[0m\x7f", 12);
    const std::vector<std::string> inputs{
        binary + "\r" + binary + "\r" + binary + "\r" + binary + "\r",
        "hello\r\nhello\r\nhello\r\nhello\r\n", "GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
        std::string(5000, '\x01'),  // no terminator, over max_message_bytes
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        SCOPED_TRACE(i);
        auto connection = daemon().sip2();
        ASSERT_TRUE(connection.send(inputs[i]));
        const Received received = connection.read_until_closed(kAnswerTimeout);
        EXPECT_EQ(received.end, ReadEnd::closed);
        // Only "96" answers, if any.
        std::string rest = received.data;
        while (rest.starts_with("96\r")) rest.erase(0, 3);
        EXPECT_TRUE(rest.empty()) << "an answer other than 96 to garbage";

        auto next = daemon().sip2();
        EXPECT_TRUE(ask(next, std::string(kStatus)).starts_with("98"));
    }
}

TEST_F(PatrondSip2, AnOversizedMessageClosesTheConnection) {
    auto connection = kiosk();
    // Over the default max_message_bytes (4096), properly terminated.
    ASSERT_TRUE(connection.send(std::string(kStatus) + "AO" + std::string(5000, 'x') + "|\r"));
    const Received received = connection.read_until_closed(kAnswerTimeout);
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_TRUE(received.data.empty());

    auto next = kiosk();
    EXPECT_TRUE(ask(next, std::string(kStatus)).starts_with("98"));
}

}  // namespace
}  // namespace patron::test
