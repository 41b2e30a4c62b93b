// patronctl pin set / pin verify and keys rotate: PINs come only from stdin and are never printed;
// a kiosk (or an admin) verifies a card and its PIN and learns whether the patron may borrow, a
// name only when asked; wrong PINs lock the card; a new PIN pepper leaves existing PINs usable.
//
// The demo gives DEMO0001 (the adult) and DEMO0002 (the child, with guardian consent) the PIN
// 2580 (service/patronctl/demo_command.cpp).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

constexpr const char* kDemoPin = "2580";
constexpr const char* kWrongPin = "7319";
constexpr const char* kAdultCard = "DEMO0001";
constexpr const char* kChildCard = "DEMO0002";

class PatronctlPin : public PatronctlTest {
protected:
    void SetUp() override { ASSERT_EQ(patronctl({"demo"}).exit_code, 0); }

    /// `pin verify --card CARD [extra...]` as kiosk "kiosk-1", the PIN on stdin.
    ProcessResult verify(const std::string& card, const std::string& pin,
                         const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--role", "kiosk",  "--actor", "kiosk-1",
                                      "pin",    "verify", "--card",  card};
        args.insert(args.end(), extra.begin(), extra.end());
        return patronctl(args, pin + "\n");
    }

    /// `pin set --card CARD` as circulation staff, the PIN on stdin.
    ProcessResult set_pin(const std::string& card, const std::string& pin) {
        return patronctl(
            {"--role", "circulation", "--actor", "desk-1", "pin", "set", "--card", card},
            pin + "\n");
    }
};

TEST_F(PatronctlPin, DemoPinVerifiesAndThePatronMayBorrowWithoutAName) {
    const auto result = verify(kAdultCard, kDemoPin);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "verified"));
    EXPECT_TRUE(has(result.out, "may borrow  yes"));
    EXPECT_FALSE(has(result.out, "name"));
    EXPECT_FALSE(has(result.out, "Aino"));
    EXPECT_FALSE(has(result.out + result.err, kDemoPin));
}

TEST_F(PatronctlPin, ShowNameGivesOnlyTheShortDisplayName) {
    const auto result = verify(kAdultCard, kDemoPin, {"--show-name"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "Aino E."));
    // The short form only: neither the second given name nor the surname.
    EXPECT_FALSE(has(result.out, "Maria"));
    EXPECT_FALSE(has(result.out, "Esimerkki"));
}

TEST_F(PatronctlPin, TheChildWithGuardianConsentMayBorrow) {
    const auto result = verify(kChildCard, kDemoPin);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "verified"));
    EXPECT_TRUE(has(result.out, "may borrow  yes"));
}

TEST_F(PatronctlPin, AnAdminMayVerifyToo) {
    const auto result =
        patronctl({"--role", "admin", "pin", "verify", "--card", kAdultCard}, "2580\n");
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "verified"));
}

TEST_F(PatronctlPin, AWrongPinExitsOneAndSaysNothingAboutThePatron) {
    const auto result = verify(kAdultCard, kWrongPin, {"--show-name"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.out, "wrong_pin"));
    EXPECT_FALSE(has(result.out, "may borrow"));
    EXPECT_FALSE(has(result.out, "Aino"));
    EXPECT_FALSE(has(result.out + result.err, kWrongPin));
    EXPECT_FALSE(has(result.out + result.err, kDemoPin));
}

TEST_F(PatronctlPin, AnUnknownCardExitsOne) {
    const auto result = verify("NOSUCH01", kDemoPin);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.out, "unknown_card"));
}

TEST_F(PatronctlPin, FiveWrongPinsLockTheCardEvenAgainstTheRightPin) {
    for (int attempt = 1; attempt <= 4; ++attempt) {
        const auto result = verify(kAdultCard, kWrongPin);
        EXPECT_EQ(result.exit_code, 1);
        EXPECT_TRUE(has(result.out, "wrong_pin"));
        EXPECT_FALSE(has(result.out, "locked"));
    }
    const auto fifth = verify(kAdultCard, kWrongPin);
    EXPECT_EQ(fifth.exit_code, 1);
    EXPECT_TRUE(has(fifth.out, "locked until"));

    const auto right = verify(kAdultCard, kDemoPin);
    EXPECT_EQ(right.exit_code, 1);
    EXPECT_TRUE(has(right.out, "outcome     locked"));
    EXPECT_TRUE(has(right.out, "locked until"));
    EXPECT_FALSE(has(right.out, "verified"));
    EXPECT_FALSE(has(right.out, "may borrow"));

    // Another card is not affected.
    EXPECT_EQ(verify(kChildCard, kDemoPin).exit_code, 0);
}

TEST_F(PatronctlPin, JsonAnswersParse) {
    const auto ok = patronctl(
        {"--json", "--role", "kiosk", "pin", "verify", "--card", kAdultCard, "--show-name"},
        "2580\n");
    EXPECT_EQ(ok.exit_code, 0);
    const auto json = nlohmann::json::parse(ok.out);
    EXPECT_EQ(json["outcome"], "verified");
    EXPECT_EQ(json["card_known"], true);
    EXPECT_EQ(json["pin_ok"], true);
    EXPECT_EQ(json["may_borrow"], true);
    EXPECT_TRUE(json["blocks"].is_array());
    EXPECT_TRUE(json["blocks"].empty());
    EXPECT_EQ(json["display_name"], "Aino E.");

    const auto wrong =
        patronctl({"--json", "--role", "kiosk", "pin", "verify", "--card", kAdultCard}, "7319\n");
    EXPECT_EQ(wrong.exit_code, 1);
    const auto answer = nlohmann::json::parse(wrong.out);
    EXPECT_EQ(answer["outcome"], "wrong_pin");
    EXPECT_EQ(answer["card_known"], true);
    EXPECT_EQ(answer["pin_ok"], false);
    EXPECT_EQ(answer["may_borrow"], false);
    EXPECT_FALSE(answer.contains("display_name"));
}

TEST_F(PatronctlPin, PinSetRefusesObviousPinsWithoutPrintingThem) {
    for (const std::string pin : {"1111", "1234"}) {
        const auto result = set_pin(kAdultCard, pin);
        EXPECT_EQ(result.exit_code, 1);
        EXPECT_TRUE(has(result.err, "refused: pin:"));
        EXPECT_FALSE(has(result.out + result.err, pin));
    }
    // The refused choices changed nothing.
    EXPECT_EQ(verify(kAdultCard, kDemoPin).exit_code, 0);
}

TEST_F(PatronctlPin, PinSetReplacesThePin) {
    const auto result = set_pin(kAdultCard, "4826");
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_FALSE(has(result.out + result.err, "4826"));

    const auto new_pin = verify(kAdultCard, "4826");
    EXPECT_EQ(new_pin.exit_code, 0);
    EXPECT_TRUE(has(new_pin.out, "verified"));
    const auto old_pin = verify(kAdultCard, kDemoPin);
    EXPECT_EQ(old_pin.exit_code, 1);
    EXPECT_TRUE(has(old_pin.out, "wrong_pin"));
    // The child's PIN is its own.
    EXPECT_EQ(verify(kChildCard, kDemoPin).exit_code, 0);
}

TEST_F(PatronctlPin, PinSetById) {
    const auto result =
        patronctl({"--role", "circulation", "pin", "set", "--id", "2"}, std::string("4826\n"));
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(verify(kChildCard, "4826").exit_code, 0);
    EXPECT_EQ(verify(kChildCard, kDemoPin).exit_code, 1);
}

TEST_F(PatronctlPin, PinSetClearsALockout) {
    for (int attempt = 0; attempt < 5; ++attempt) (void)verify(kAdultCard, kWrongPin);
    ASSERT_EQ(verify(kAdultCard, kDemoPin).exit_code, 1);
    ASSERT_EQ(set_pin(kAdultCard, "4826").exit_code, 0);
    EXPECT_EQ(verify(kAdultCard, "4826").exit_code, 0);
}

TEST_F(PatronctlPin, CirculationStaffMayNotVerifyPins) {
    const auto result = patronctl(
        {"--role", "circulation", "--actor", "desk-1", "pin", "verify", "--card", kAdultCard},
        "2580\n");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.err, "refused"));
    EXPECT_TRUE(has(result.err, "may not"));
    EXPECT_FALSE(has(result.out, "verified"));
    EXPECT_FALSE(has(result.out + result.err, kDemoPin));
}

TEST_F(PatronctlPin, AKioskMayNotSetPins) {
    const auto result =
        patronctl({"--role", "kiosk", "pin", "set", "--card", kAdultCard}, "4826\n");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.err, "refused"));
    EXPECT_EQ(verify(kAdultCard, kDemoPin).exit_code, 0);
}

TEST_F(PatronctlPin, RotatingThePinPepperKeepsPinsWorking) {
    const auto before = key_material(read_file(key_file()));
    const auto result = patronctl({"keys", "rotate", "pin_pepper"});
    EXPECT_EQ(result.exit_code, 0);
    struct stat st {};
    ASSERT_EQ(::stat(key_file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    const auto after = key_material(read_file(key_file()));
    EXPECT_EQ(after.size(), before.size() + 1);
    for (const auto& key : after) EXPECT_FALSE(has(result.out + result.err, key));

    // Verified under the old pepper (and rehashed under the new one), then again.
    EXPECT_EQ(verify(kAdultCard, kDemoPin).exit_code, 0);
    EXPECT_EQ(verify(kAdultCard, kDemoPin).exit_code, 0);
    EXPECT_EQ(verify(kAdultCard, kWrongPin).exit_code, 1);
    EXPECT_EQ(verify(kChildCard, kDemoPin).exit_code, 0);
}

TEST_F(PatronctlPin, RotatingAnUnknownPurposeChangesNothing) {
    const std::string before = read_file(key_file());
    const auto result = patronctl({"keys", "rotate", "nonsense"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.err, "refused"));
    EXPECT_TRUE(read_file(key_file()) == before);
}

}  // namespace
}  // namespace patron::test
