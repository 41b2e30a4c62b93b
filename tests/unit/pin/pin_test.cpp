// Pin: the policy a chosen PIN must meet (digits only, length, no repeated digit, no run, not the
// birth date), in that order, with reasons that never repeat the PIN; and entered PINs unchecked.

#include "patron/pin/pin.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace patron {
namespace {

using std::chrono::year;

constexpr PinPolicy kDefault{};

bool same_bytes(const Pin& pin, std::string_view text) {
    return std::ranges::equal(pin.bytes(), text, [](std::uint8_t b, char c) {
        return b == static_cast<unsigned char>(c);
    });
}

// The reason `text` is refused, or "(accepted)". Every refusal must be invalid_input on "pin"
// with a reason that does not contain the PIN. Test PINs are not personal data, so traces may
// show them.
std::string refusal(std::string_view text, const PinPolicy& policy = kDefault,
                    std::optional<Date> birth = std::nullopt) {
    const Result<Pin> pin = Pin::choose(text, policy, birth);
    if (pin) {
        EXPECT_TRUE(same_bytes(*pin, text)) << "the accepted PIN holds other bytes";
        return "(accepted)";
    }
    EXPECT_EQ(pin.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(pin.error().field, "pin");
    if (!text.empty()) {
        EXPECT_EQ(pin.error().message.find(text), std::string::npos) << "the reason quotes the PIN";
    }
    return pin.error().message;
}

void expect_refused(const std::vector<std::string>& pins, std::string_view reason,
                    const PinPolicy& policy = kDefault, std::optional<Date> birth = std::nullopt) {
    for (const std::string& text : pins) {
        SCOPED_TRACE("PIN '" + text + "'");
        EXPECT_EQ(refusal(text, policy, birth), reason);
    }
}

void expect_accepted(const std::vector<std::string>& pins, const PinPolicy& policy = kDefault,
                     std::optional<Date> birth = std::nullopt) {
    for (const std::string& text : pins) {
        SCOPED_TRACE("PIN '" + text + "'");
        EXPECT_EQ(refusal(text, policy, birth), "(accepted)");
    }
}

// --- each rule ---------------------------------------------------------------------------------

TEST(PinChoose, AcceptsOrdinaryPins) {
    expect_accepted({"4821", "1357", "2468", "7890", "8901", "0987", "1243", "5550", "90210",
                     "273645", "1029384", "31415926"});
}

TEST(PinChoose, RefusesAnythingButAsciiDigits) {
    expect_refused(
        {"12a4", "abcd", "12 34", " 1234", "1234 ", "+1234", "-123", "12.4", "12,4", "4821\n",
         std::string("48\0"
                     "21",
                     5),
         "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4", "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"},
        pin::kNotDigits);
}

TEST(PinChoose, RefusesPinsOutsideTheDefaultLengthOf4To8) {
    expect_refused({"", "4", "48", "482", "482193574", "4821935746"}, pin::kBadLength);
    expect_accepted({"4821", "48219357"});
}

TEST(PinChoose, UsesTheConfiguredLengthBounds) {
    const PinPolicy six{6, 6};
    expect_refused({"48219", "4821935", "4821"}, pin::kBadLength, six);
    expect_accepted({"482193"}, six);
    const PinPolicy five_to_ten{5, 10};
    expect_refused({"4821", "48219357461"}, pin::kBadLength, five_to_ten);
    expect_accepted({"48219", "4821935746"}, five_to_ten);
}

TEST(PinChoose, RefusesOneDigitRepeated) {
    expect_refused({"0000", "1111", "7777777", "99999999"}, pin::kRepeated);
    expect_accepted({"1112", "2111", "1211"});
}

TEST(PinChoose, RefusesAscendingAndDescendingRuns) {
    expect_refused({"0123", "1234", "6789", "3210", "9876", "45678", "23456789", "98765432",
                    "01234567", "76543210"},
                   pin::kRun);
}

TEST(PinChoose, DoesNotCountWrapAroundOrStepsOfTwoAsRuns) {
    expect_accepted(
        {"7890", "8901", "9012", "3109", "1098", "1357", "9753", "2468", "1235", "1233"},
        PinPolicy{4, 8});
}

// --- birth date ----------------------------------------------------------------------------------

constexpr Date kBirth{year{1980} / 3 / 7};

TEST(PinChoose, RefusesTheBirthDateInEveryForm) {
    // DDMM, MMDD, DDMMYY, DDMMYYYY, YYYY of 7 March 1980.
    expect_refused({"0703", "0307", "070380", "07031980", "1980"}, pin::kBirthDate, kDefault,
                   kBirth);
}

TEST(PinChoose, AcceptsOtherDatesAndOtherArrangements) {
    expect_accepted({"0803", "0704", "0308", "1981", "070381", "07031981", "0380", "198003",
                     "19800307", "800307", "7031980"},
                    kDefault, kBirth);
}

TEST(PinChoose, AcceptsTheBirthDateFormsWhenNoBirthDateIsKnown) {
    expect_accepted({"0703", "0307", "070380", "07031980", "1980"});
}

TEST(PinChoose, ChecksOnlyTheBirthDateFormsOfAnAllowedLength) {
    const PinPolicy six{6, 6};
    expect_refused({"070380"}, pin::kBirthDate, six, kBirth);
    expect_refused({"0703", "1980", "07031980"}, pin::kBadLength, six, kBirth);
    const PinPolicy eight{8, 8};
    expect_refused({"07031980"}, pin::kBirthDate, eight, kBirth);
}

TEST(PinChoose, PadsDayMonthAndCenturyYear) {
    const Date birth{year{2005} / 1 / 9};
    expect_refused({"0901", "0109", "090105", "09012005", "2005"}, pin::kBirthDate, kDefault,
                   birth);
    expect_accepted({"9105", "91205"}, kDefault, birth);
}

TEST(PinChoose, RefusesTheBirthDateOfADayAndMonthWithTwoDigits) {
    const Date birth{year{1964} / 12 / 24};
    expect_refused({"2412", "1224", "241264", "24121964", "1964"}, pin::kBirthDate, kDefault,
                   birth);
}

// --- order of the rules --------------------------------------------------------------------------

TEST(PinChoose, ChecksDigitsBeforeLength) {
    expect_refused({"x", "abcdefghij", "1234567890x"}, pin::kNotDigits);
}

TEST(PinChoose, ChecksLengthBeforeRepetitionAndRuns) {
    expect_refused({"111", "123", "111111111", "123456789"}, pin::kBadLength);
}

TEST(PinChoose, ChecksRepetitionBeforeTheBirthDate) {
    // Born 11 November 1911: "1111" is both DDMM and one digit repeated.
    expect_refused({"1111"}, pin::kRepeated, kDefault, Date{year{1911} / 11 / 11});
}

TEST(PinChoose, ChecksRunsBeforeTheBirthDate) {
    // Born 23 January: "0123" is both MMDD and a run.
    expect_refused({"0123"}, pin::kRun, kDefault, Date{year{1990} / 1 / 23});
}

// --- reasons -------------------------------------------------------------------------------------

TEST(PinChoose, ReasonsAreTheDocumentedConstantsAndNeverQuoteThePin) {
    struct Case {
        std::string pin;
        std::string_view reason;
    };
    for (const Case& c :
         {Case{"12a4", pin::kNotDigits}, Case{"482", pin::kBadLength}, Case{"4444", pin::kRepeated},
          Case{"3456", pin::kRun}, Case{"0703", pin::kBirthDate}, Case{"1980", pin::kBirthDate}}) {
        SCOPED_TRACE("PIN '" + c.pin + "'");
        const Result<Pin> pin = Pin::choose(c.pin, kDefault, kBirth);
        ASSERT_FALSE(pin.has_value());
        EXPECT_EQ(pin.error(), (Error{ErrorCode::invalid_input, "pin", std::string(c.reason)}));
        EXPECT_EQ(pin.error().message.find(c.pin), std::string::npos);
        for (const char digit : c.pin) {
            if (digit >= '0' && digit <= '9') {
                EXPECT_EQ(pin.error().message.find(digit), std::string::npos)
                    << "the reason contains a digit";
            }
        }
    }
}

// --- entered -------------------------------------------------------------------------------------

TEST(PinEntered, AcceptsAnythingUnchecked) {
    for (const std::string& text : {std::string(), std::string("abc"), std::string("1111"),
                                    std::string("1234"), std::string("12 34"), std::string("0703"),
                                    std::string(100, '9'), std::string("a\0b", 3)}) {
        SCOPED_TRACE("input of " + std::to_string(text.size()) + " bytes");
        const Pin pin = Pin::entered(text);
        EXPECT_EQ(pin.bytes().size(), text.size());
        EXPECT_TRUE(same_bytes(pin, text));
    }
}

TEST(PinEntered, KeepsTheBytesAfterAMove) {
    Pin first = Pin::entered("4821");
    const Pin second = std::move(first);
    EXPECT_TRUE(same_bytes(second, "4821"));
}

}  // namespace
}  // namespace patron
