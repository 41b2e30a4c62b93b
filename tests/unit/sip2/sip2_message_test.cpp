// SIP2 messages without a transport: parsing the requests patrond serves, error detection
// (AY/AZ), framing on CR and CRLF, hostile input, building responses, code page 850.

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sip2/message.hpp"

namespace patron::sip2 {

// Failure messages name the kind rather than its number.
void PrintTo(ParseErrorKind kind, std::ostream* out) { *out << to_string(kind); }

namespace {

using namespace std::literals;

// The SIP2 checksum by its definition, independent of the codec: two's complement of the 16-bit
// sum of the bytes, as 4 upper-case hex digits.
std::string spec_checksum(std::string_view text) {
    unsigned sum = 0;
    for (const char c : text) sum += static_cast<unsigned char>(c);
    const unsigned value = (0x10000U - (sum & 0xFFFFU)) & 0xFFFFU;
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xFU]);
    return out;
}

// `message` + "AY<n>AZ" + its checksum.
std::string with_error_detection(std::string message, int sequence) {
    message += "AY" + std::to_string(sequence) + "AZ";
    return message + spec_checksum(message);
}

Request parsed(std::string_view message) {
    auto request = parse(message);
    EXPECT_TRUE(request.has_value())
        << to_string(request.error().kind) << ": " << request.error().message;
    return request ? *request : Request{};
}

ParseErrorKind refusal(std::string_view message) {
    auto request = parse(message);
    EXPECT_FALSE(request.has_value()) << "accepted";
    return request ? ParseErrorKind::empty : request.error().kind;
}

std::vector<Field> fields(std::initializer_list<std::pair<const char*, const char*>> list) {
    std::vector<Field> out;
    for (const auto& [id, value] : list) out.push_back(Field{id, value});
    return out;
}

// --- each supported message ----------------------------------------------------------------------

TEST(Sip2Parse, Login) {
    const Request request = parsed("9300CNkiosk1|COsecret|CPlib|");
    EXPECT_EQ(request.code, "93");
    EXPECT_EQ(request.fixed, "00");
    EXPECT_EQ(request.fields, fields({{"CN", "kiosk1"}, {"CO", "secret"}, {"CP", "lib"}}));
    EXPECT_FALSE(request.sequence);
    EXPECT_FALSE(request.checksummed);
    ASSERT_NE(request.field("CO"), nullptr);
    EXPECT_EQ(*request.field("CO"), "secret");
    EXPECT_EQ(request.field("AO"), nullptr);
}

TEST(Sip2Parse, ScStatus) {
    const Request request = parsed("9900302.00");
    EXPECT_EQ(request.code, "99");
    EXPECT_EQ(request.fixed, "00302.00");
    EXPECT_TRUE(request.fields.empty());
}

TEST(Sip2Parse, PatronStatusWithEmptyPasswords) {
    const Request request = parsed("2300120261124    101500AOlib|AA123456|AC|AD1234|");
    EXPECT_EQ(request.code, "23");
    EXPECT_EQ(request.fixed, "00120261124    101500");
    EXPECT_EQ(request.fields,
              fields({{"AO", "lib"}, {"AA", "123456"}, {"AC", ""}, {"AD", "1234"}}));
    EXPECT_EQ(request.field_or_empty("AC"), "");
    EXPECT_EQ(request.field_or_empty("AD"), "1234");
}

TEST(Sip2Parse, MissingPasswordFieldsReadAsEmpty) {
    const Request request = parsed("2300020261124    101500AOlib|AA123456|");
    EXPECT_EQ(request.field("AC"), nullptr);
    EXPECT_EQ(request.field_or_empty("AC"), "");
    EXPECT_EQ(request.field_or_empty("AD"), "");
}

TEST(Sip2Parse, PatronInformationWithSummary) {
    const Request request =
        parsed("6300120261124    101500 Y        AOlib|AA123456|AD1234|BP1|BQ5|");
    EXPECT_EQ(request.code, "63");
    EXPECT_EQ(request.fixed, "00120261124    101500 Y        ");
    EXPECT_EQ(request.fixed.substr(21).find('Y'), 1U) << "summary asks for overdue items";
    EXPECT_EQ(request.fields,
              fields({{"AO", "lib"}, {"AA", "123456"}, {"AD", "1234"}, {"BP", "1"}, {"BQ", "5"}}));
}

TEST(Sip2Parse, EndPatronSession) {
    const Request request = parsed("3520261124    101500AOlib|AA123456|");
    EXPECT_EQ(request.code, "35");
    EXPECT_EQ(request.fixed, "20261124    101500");
    EXPECT_EQ(request.fields, fields({{"AO", "lib"}, {"AA", "123456"}}));
}

TEST(Sip2Parse, ItemInformation) {
    const Request request = parsed("1720261124    101500AOlib|AB0123456789|AC|");
    EXPECT_EQ(request.code, "17");
    EXPECT_EQ(request.fields, fields({{"AO", "lib"}, {"AB", "0123456789"}, {"AC", ""}}));
}

TEST(Sip2Parse, RequestAcsResend) {
    const Request request = parsed("97");
    EXPECT_EQ(request.code, "97");
    EXPECT_EQ(request.fixed, "");
    EXPECT_TRUE(request.fields.empty());
    EXPECT_FALSE(request.checksummed);
}

TEST(Sip2Parse, DateZoneMayBeUtcOrZeros) {
    EXPECT_EQ(parsed("3520261124   Z101500AOlib|").fixed, "20261124   Z101500");
    EXPECT_EQ(parsed("35202611240000101500AOlib|").fixed, "202611240000101500");
}

TEST(Sip2Parse, UnknownFieldsKeptInOrder) {
    const Request request = parsed("2300120261124    101500AOlib|XYextra|AA123456|ZZ|");
    EXPECT_EQ(request.fields,
              fields({{"AO", "lib"}, {"XY", "extra"}, {"AA", "123456"}, {"ZZ", ""}}));
}

TEST(Sip2Parse, FirstOccurrenceOfARepeatedField) {
    const Request request = parsed("9300CNfirst|CNsecond|");
    ASSERT_NE(request.field("CN"), nullptr);
    EXPECT_EQ(*request.field("CN"), "first");
    EXPECT_EQ(request.fields.size(), 2U);
}

TEST(Sip2Parse, FinalFieldWithoutDelimiterAccepted) {
    EXPECT_EQ(parsed("9300CNkiosk1|COsecret").fields, fields({{"CN", "kiosk1"}, {"CO", "secret"}}));
}

TEST(Sip2Parse, UnknownCodeKeepsTheRemainderAsFixed) {
    const Request request = parsed("11YN20261124    101500                  AOlib|AA1|");
    EXPECT_EQ(request.code, "11");
    EXPECT_EQ(request.fixed, "YN20261124    101500                  AOlib|AA1|");
    EXPECT_TRUE(request.fields.empty());
}

TEST(Sip2Parse, NonAsciiBytesInValuesKept) {
    // "Päivi" in code page 850: ä is 0x84.
    const Request request = parsed("9300CNP\x84ivi|CO|");
    EXPECT_EQ(*request.field("CN"), "P\x84ivi");
}

// --- error detection -----------------------------------------------------------------------------

TEST(Sip2ErrorDetection, KnownExamples) {
    // The widely used SC Status example and the one from the 3M SIP2 Developers Guide (p. 26).
    EXPECT_EQ(checksum("9900401.00AY1AZ"), "FCA5");
    EXPECT_EQ(checksum("990 402.00AY1AZ"), "FCB4");
    const Request request = parsed("9900401.00AY1AZFCA5");
    EXPECT_EQ(request.fixed, "00401.00");
    EXPECT_EQ(request.sequence, 1);
    EXPECT_TRUE(request.checksummed);
    EXPECT_TRUE(parsed("990 402.00AY1AZFCB4").checksummed);
}

TEST(Sip2ErrorDetection, ChecksumMatchesTheDefinition) {
    for (const std::string_view text :
         {"9300CNkiosk1|COsecret|CPlib|AY5AZ"sv, "97AY0AZ"sv, "AZ"sv, "\xff\xff\xff"sv}) {
        EXPECT_EQ(checksum(text), spec_checksum(text));
    }
    // Sum 0 → 0000; sum 1 → FFFF (two's complement in 16 bits).
    EXPECT_EQ(checksum(""), "0000");
    EXPECT_EQ(checksum("\x01"), "FFFF");
}

TEST(Sip2ErrorDetection, EveryMessageWithSequenceAndChecksum) {
    const std::vector<std::string> messages = {
        "9300CNkiosk1|COsecret|CPlib|",
        "9900302.00",
        "2300120261124    101500AOlib|AA123456|AC|AD1234|",
        "6300120261124    101500Y         AOlib|AA123456|",
        "3520261124    101500AOlib|AA123456|",
        "1720261124    101500AOlib|AB0123456789|",
        "97",
    };
    for (const std::string& plain : messages) {
        SCOPED_TRACE(plain);
        const Request reference = parsed(plain);
        const Request request = parsed(with_error_detection(plain, 7));
        EXPECT_TRUE(request.checksummed);
        EXPECT_EQ(request.sequence, 7);
        EXPECT_EQ(request.code, reference.code);
        EXPECT_EQ(request.fixed, reference.fixed);
        EXPECT_EQ(request.fields, reference.fields);
    }
}

TEST(Sip2ErrorDetection, SequenceWithoutChecksumAccepted) {
    const Request request = parsed("9300CNkiosk1|COsecret|CPlib|AY3");
    EXPECT_EQ(request.sequence, 3);
    EXPECT_FALSE(request.checksummed);
    EXPECT_EQ(request.fields.size(), 3U);
}

TEST(Sip2ErrorDetection, LowerCaseHexAccepted) {
    std::string lower = with_error_detection("9300CNkiosk1|COsecret|CPlib|", 2);
    for (std::size_t i = lower.size() - 4; i < lower.size(); ++i) {
        if (lower[i] >= 'A' && lower[i] <= 'F') lower[i] = static_cast<char>(lower[i] - 'A' + 'a');
    }
    EXPECT_TRUE(parsed(lower).checksummed);
    EXPECT_TRUE(parsed("9900401.00AY1AZfca5").checksummed);
}

TEST(Sip2ErrorDetection, WrongChecksumRefused) {
    EXPECT_EQ(refusal("9900401.00AY1AZFCA6"), ParseErrorKind::bad_checksum);
    // A changed byte (the sequence digit) with the old checksum.
    EXPECT_EQ(refusal("9900401.00AY2AZFCA5"), ParseErrorKind::bad_checksum);
    // Not hex.
    EXPECT_EQ(refusal("9900401.00AY1AZFCAG"), ParseErrorKind::bad_checksum);
    const std::string good = with_error_detection("2300120261124    101500AOlib|AA123456|", 4);
    std::string corrupted = good;
    corrupted[30] = static_cast<char>(corrupted[30] + 1);
    EXPECT_EQ(refusal(corrupted), ParseErrorKind::bad_checksum);
}

TEST(Sip2ErrorDetection, ErrorMessagesNeverQuoteValues) {
    const std::string message =
        with_error_detection("2300120261124    101500AOlib|AA98765432|AD4321|", 1);
    std::string corrupted = message;
    corrupted[corrupted.size() - 1] = corrupted.back() == '0' ? '1' : '0';
    for (const std::string& bad :
         {corrupted, "2300120261124    101500AOlib|AA98765432|AD4321|\x01"s,
          "2300120261124    101500AOlib|98765432|AD4321|"s}) {
        const auto request = parse(bad);
        ASSERT_FALSE(request.has_value());
        EXPECT_EQ(request.error().message.find("98765432"), std::string::npos);
        EXPECT_EQ(request.error().message.find("4321"), std::string::npos);
    }
}

TEST(Sip2ErrorDetection, MultiDigitSequenceRefused) {
    std::string message = "9900401.00AY12AZ";
    message += spec_checksum(message);
    EXPECT_EQ(refusal(message), ParseErrorKind::bad_sequence);
    message = "9900401.00AYxAZ";
    message += spec_checksum(message);
    EXPECT_EQ(refusal(message), ParseErrorKind::bad_sequence);
}

// --- malformed and hostile input -----------------------------------------------------------------

TEST(Sip2Parse, RefusesMalformedMessages) {
    EXPECT_EQ(refusal(""), ParseErrorKind::empty);
    EXPECT_EQ(refusal("9"), ParseErrorKind::truncated);
    EXPECT_EQ(refusal("X3"), ParseErrorKind::bad_code);
    EXPECT_EQ(refusal("9A00CN|"), ParseErrorKind::bad_code);
    EXPECT_EQ(refusal("93"), ParseErrorKind::truncated);
    EXPECT_EQ(refusal("9900302"), ParseErrorKind::truncated);
    EXPECT_EQ(refusal("2300120261124    10"), ParseErrorKind::truncated);
    EXPECT_EQ(refusal("6300120261124    101500"), ParseErrorKind::truncated);
    EXPECT_EQ(refusal("35"), ParseErrorKind::truncated);
    EXPECT_EQ(refusal("9X0CNa|"), ParseErrorKind::bad_code);
}

TEST(Sip2Parse, RefusesMalformedFixedFields) {
    EXPECT_EQ(refusal("93A0CNkiosk1|"), ParseErrorKind::bad_fixed_field);
    EXPECT_EQ(refusal("9900302x00"), ParseErrorKind::bad_fixed_field);
    EXPECT_EQ(refusal("23ABC20261124    101500AOlib|"), ParseErrorKind::bad_fixed_field);
    EXPECT_EQ(refusal("2300120261324    101500AOlib|"), ParseErrorKind::bad_fixed_field)
        << "month 13";
    EXPECT_EQ(refusal("2300120261100    101500AOlib|"), ParseErrorKind::bad_fixed_field) << "day 0";
    EXPECT_EQ(refusal("2300120261124    251500AOlib|"), ParseErrorKind::bad_fixed_field)
        << "hour 25";
    EXPECT_EQ(refusal("23001202611    24101500AOlib|"), ParseErrorKind::bad_fixed_field);
    EXPECT_EQ(refusal("3520261124 ## 101500AOlib|"), ParseErrorKind::bad_fixed_field);
    EXPECT_EQ(refusal("6300120261124    101500 X        AOlib|"), ParseErrorKind::bad_fixed_field);
}

TEST(Sip2Parse, RefusesFieldsWithoutId) {
    EXPECT_EQ(refusal("9300CNkiosk1||"), ParseErrorKind::bad_field);
    EXPECT_EQ(refusal("9300|CNkiosk1|"), ParseErrorKind::bad_field);
    EXPECT_EQ(refusal("9300CNkiosk1|C"), ParseErrorKind::bad_field);
    EXPECT_EQ(refusal("9300cnkiosk1|"), ParseErrorKind::bad_field);
    EXPECT_EQ(refusal("2300120261124    101500123456|"), ParseErrorKind::bad_field);
}

TEST(Sip2Parse, RefusesControlCharacters) {
    EXPECT_EQ(refusal("9300CNkio\0sk1|"s), ParseErrorKind::bad_character);
    EXPECT_EQ(refusal("9300CNkiosk1|\n"), ParseErrorKind::bad_character);
    EXPECT_EQ(refusal("9300CNkiosk1|\r"), ParseErrorKind::bad_character);
    EXPECT_EQ(refusal("9300CN\tkiosk1|"), ParseErrorKind::bad_character);
    EXPECT_EQ(refusal("9300CN\x7Fkiosk1|"), ParseErrorKind::bad_character);
    EXPECT_EQ(refusal("\0"s), ParseErrorKind::bad_character);
}

TEST(Sip2Parse, RefusesOverLongMessages) {
    const std::string huge = "9300CN" + std::string(1'000'000, 'x') + "|";
    EXPECT_EQ(refusal(huge), ParseErrorKind::too_long);
    EXPECT_EQ(parse("9300CNkiosk1|", 12).error().kind, ParseErrorKind::too_long);
    EXPECT_TRUE(parse("9300CNkiosk1|", 13).has_value());
}

TEST(Sip2Parse, RandomBytesNeverCrash) {
    std::mt19937 random(20261124);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<std::size_t> length(0, 300);
    const std::vector<std::string> prefixes = {
        "", "93", "99", "23", "63", "35", "17", "97", "2300120261124    101500"};
    std::size_t accepted = 0;
    for (int round = 0; round < 20'000; ++round) {
        std::string message = prefixes[static_cast<std::size_t>(round) % prefixes.size()];
        const std::size_t size = length(random);
        for (std::size_t i = 0; i < size; ++i) message.push_back(static_cast<char>(byte(random)));
        if (round % 3 == 0) message = with_error_detection(message, round % 10);
        const auto request = parse(message);
        if (request) {
            ++accepted;
            EXPECT_EQ(request->code, message.substr(0, 2));
        } else {
            EXPECT_FALSE(to_string(request.error().kind).empty());
        }
    }
    // Random bytes nearly always hold a control character; the point is that parse returns.
    EXPECT_LT(accepted, 20'000U);
}

TEST(Sip2Parse, RandomPrintableMessagesNeverCrash) {
    // Printable bytes get past the control-character check and exercise the field parser.
    std::mt19937 random(850);
    const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ| .";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<std::size_t> length(0, 80);
    for (int round = 0; round < 20'000; ++round) {
        std::string message;
        const std::size_t size = length(random);
        for (std::size_t i = 0; i < size; ++i) message.push_back(alphabet[pick(random)]);
        const auto request = parse(message);
        if (request) {
            for (const Field& field : request->fields) {
                EXPECT_EQ(field.id.size(), 2U);
                EXPECT_EQ(field.value.find('|'), std::string::npos);
            }
        }
    }
}

// --- framing -------------------------------------------------------------------------------------

std::vector<std::string> drain(Framer& framer) {
    std::vector<std::string> out;
    while (auto message = framer.next()) out.push_back(std::move(*message));
    return out;
}

TEST(Sip2Framer, SplitsOnCr) {
    Framer framer;
    framer.append("9900302.00\r9300CNk|COp|\r97");
    EXPECT_EQ(drain(framer), (std::vector<std::string>{"9900302.00", "9300CNk|COp|"}));
    EXPECT_EQ(framer.buffered(), 2U) << "the unterminated 97 waits";
    framer.append("\r");
    EXPECT_EQ(drain(framer), std::vector<std::string>{"97"});
    EXPECT_EQ(framer.buffered(), 0U);
}

TEST(Sip2Framer, AcceptsCrLf) {
    Framer framer;
    framer.append("9900302.00\r\n9300CNk|COp|\r\n");
    EXPECT_EQ(drain(framer), (std::vector<std::string>{"9900302.00", "9300CNk|COp|"}));
    EXPECT_EQ(framer.buffered(), 0U);
}

TEST(Sip2Framer, CrLfSplitAcrossReads) {
    Framer framer;
    framer.append("9900302.00\r");
    EXPECT_EQ(drain(framer), std::vector<std::string>{"9900302.00"});
    framer.append("\n97\r");
    EXPECT_EQ(drain(framer), std::vector<std::string>{"97"});
}

TEST(Sip2Framer, ByteByByte) {
    const std::string stream = "9300CNkiosk1|COsecret|CPlib|\r\n2300120261124    101500AOlib|\r";
    Framer framer;
    std::vector<std::string> messages;
    for (const char c : stream) {
        framer.append(std::string_view(&c, 1));
        for (std::string& message : drain(framer)) messages.push_back(std::move(message));
    }
    EXPECT_EQ(messages, (std::vector<std::string>{"9300CNkiosk1|COsecret|CPlib|",
                                                  "2300120261124    101500AOlib|"}));
}

TEST(Sip2Framer, BlankLinesSkipped) {
    Framer framer;
    framer.append("\r\n\r\r97\r");
    EXPECT_EQ(drain(framer), std::vector<std::string>{"97"});
}

TEST(Sip2Framer, OverLongWithoutTerminator) {
    Framer framer(16);
    framer.append(std::string(16, '9'));
    EXPECT_FALSE(framer.next());
    EXPECT_FALSE(framer.too_long()) << "16 bytes may still be one message";
    framer.append("9");
    EXPECT_FALSE(framer.next());
    EXPECT_TRUE(framer.too_long());
    framer.append("\r97\r");
    EXPECT_FALSE(framer.next()) << "too_long is final";
    EXPECT_EQ(framer.buffered(), 0U);
}

TEST(Sip2Framer, OverLongEvenWhenTerminated) {
    Framer framer(16);
    framer.append("97\r" + std::string(17, '9') + "\r97\r");
    EXPECT_EQ(framer.next(), "97");
    EXPECT_FALSE(framer.next());
    EXPECT_TRUE(framer.too_long());
}

TEST(Sip2Framer, ExactlyMaxLengthAccepted) {
    Framer framer(10);
    framer.append("9900302.00\r");
    EXPECT_EQ(framer.next(), "9900302.00");
    EXPECT_FALSE(framer.too_long());
}

// --- responses -----------------------------------------------------------------------------------

TEST(Sip2Response, WithoutSequence) {
    const std::string message = Response("94").fixed("1").finish(std::nullopt);
    EXPECT_EQ(message, "941\r");
    const std::string fields = Response("24")
                                   .fixed("  Y           00120261124    101500")
                                   .field("AO", "lib")
                                   .field("AA", "123456")
                                   .field("BL", "Y")
                                   .finish(std::nullopt);
    EXPECT_EQ(fields, "24  Y           00120261124    101500AOlib|AA123456|BLY|\r");
}

TEST(Sip2Response, WithSequenceParsesBack) {
    const std::string message = Response("24")
                                    .fixed("              00120261124    101500")
                                    .field("AO", "lib")
                                    .field("AA", "123456")
                                    .field("AE", "")
                                    .field("BL", "Y")
                                    .field("CQ", "N")
                                    .finish(3);
    ASSERT_EQ(message.back(), '\r');
    const std::string body = message.substr(0, message.size() - 1);
    EXPECT_EQ(body.substr(body.size() - 9, 5), "AY3AZ");
    EXPECT_EQ(body.substr(body.size() - 4), spec_checksum(body.substr(0, body.size() - 4)));
    // The 24 layout is unknown to the request parser, so it parses generically; the checksum is
    // still verified.
    const Request back = parsed(body);
    EXPECT_TRUE(back.checksummed);
    EXPECT_EQ(back.sequence, 3);
    EXPECT_EQ(back.code, "24");
}

TEST(Sip2Response, BuiltRequestShapedMessagesRoundTrip) {
    for (int sequence = 0; sequence <= 9; ++sequence) {
        const std::string message = Response("93")
                                        .fixed("00")
                                        .field("CN", "kiosk1")
                                        .field("CO", "secret")
                                        .field("CP", "lib")
                                        .finish(sequence);
        const Request back = parsed(std::string_view(message).substr(0, message.size() - 1));
        EXPECT_TRUE(back.checksummed);
        EXPECT_EQ(back.sequence, sequence);
        EXPECT_EQ(back.fields, fields({{"CN", "kiosk1"}, {"CO", "secret"}, {"CP", "lib"}}));
    }
}

TEST(Sip2Response, DelimiterAndLineBreaksInValuesReplaced) {
    const std::string message = Response("18")
                                    .fixed("0001")
                                    .field("AJ", "Kalevala | runot\r\nosa\t1")
                                    .field("AF", "ok\0ay"s)
                                    .finish(std::nullopt);
    EXPECT_EQ(message, "180001AJKalevala / runot  osa 1|AFok ay|\r");
    EXPECT_EQ(message.find('\r'), message.size() - 1);
    Framer framer;
    framer.append(message + "\n");
    EXPECT_EQ(drain(framer).size(), 1U);
}

// --- code page 850 -------------------------------------------------------------------------------

TEST(Sip2Cp850, FinnishAndSwedishLettersRoundTrip) {
    const std::string utf8 = "äöåÄÖÅéüÉÜøØæÆ Hämeenlinna Åbo";
    const std::string cp850 = utf8_to_cp850(utf8);
    EXPECT_EQ(cp850,
              "\x84\x94\x86\x8E\x99\x8F\x82\x81\x90\x9A\x9B\x9D\x91\x92 H\x84meenlinna \x8F"
              "bo");
    EXPECT_EQ(cp850_to_utf8(cp850), utf8);
}

TEST(Sip2Cp850, EveryByteRoundTrips) {
    std::string all;
    for (int byte = 0; byte < 256; ++byte) all.push_back(static_cast<char>(byte));
    const std::string utf8 = cp850_to_utf8(all);
    EXPECT_EQ(utf8_to_cp850(utf8), all);
    // Spot checks against the code page 850 chart.
    EXPECT_EQ(cp850_to_utf8("\x9C"), "£");
    EXPECT_EQ(cp850_to_utf8("\xCF"), "¤");
    EXPECT_EQ(cp850_to_utf8("\xD5"), "ı");
    EXPECT_EQ(cp850_to_utf8("\xE1"), "ß");
    EXPECT_EQ(cp850_to_utf8("\xFF"), "\u00A0");
    EXPECT_EQ(cp850_to_utf8("\xDB"), "█");
}

TEST(Sip2Cp850, CharactersOutsideTheCodePageBecomeQuestionMarks) {
    // Northern Sami š, č, ŋ, đ, ž and the euro sign are not in code page 850.
    EXPECT_EQ(utf8_to_cp850("Čáhcesuolu šŋđž €5"), "?\xA0hcesuolu ???? ?5");
    EXPECT_EQ(utf8_to_cp850("😀"), "?");
}

TEST(Sip2Cp850, MalformedUtf8BecomesQuestionMarks) {
    EXPECT_EQ(utf8_to_cp850("a\xC3"), "a?") << "truncated sequence";
    EXPECT_EQ(utf8_to_cp850("\xC3\xA4\xA4"), "\x84?") << "stray continuation byte";
    EXPECT_EQ(utf8_to_cp850("\xC0\xAF"), "?") << "overlong";
    EXPECT_EQ(utf8_to_cp850("\xED\xA0\x80"), "?") << "surrogate";
    EXPECT_EQ(utf8_to_cp850("\xFF"), "?");
}

}  // namespace
}  // namespace patron::sip2
