// Patron messages of the SIP2 session: 23 Patron Status and 63 Patron Information through the
// kiosk verifier (BL, CQ, the patron status bitmap, screen messages that tell a locked card from
// a wrong PIN, no personal data before the PIN is verified), counts, amounts and item lists with
// BP/BQ, the patron's name in code page 850, and 35 End Patron Session.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>

#include "db/sip2/session_fixture.hpp"

namespace patron::test {
namespace {

constexpr std::string_view kNoBlocks = "              ";
constexpr std::string_view kBlocked = "YY Y          ";
constexpr std::string_view kBlockedForFees = "YY Y      YY  ";
constexpr std::string_view kNoCounts = "                        ";

// Every field that would tell the kiosk something about the patron beyond BL/CQ.
constexpr std::array<std::string_view, 12> kPersonalFields{"AE", "AS", "AT", "AU", "AV", "BU",
                                                           "CD", "BV", "CC", "BD", "BE", "BF"};

class Sip2PatronTest : public Sip2SessionTest {
protected:
    /// 24's patron status bitmap, and 64's.
    static std::string bitmap(const Reply& r) { return r.fixed.substr(0, 14); }
    /// 64's six counts, 24 characters.
    static std::string counts(const Reply& r) { return r.fixed.substr(35, 24); }

    static std::string value(const Reply& r, std::string_view id) {
        const std::string* v = r.field(id);
        return v == nullptr ? "<absent>" : *v;
    }

    /// A 23 for patron `n` with `pin` on `s`.
    Reply status(sip2::Session& s, int n, const char* pin) {
        return ask(s, frame(patron_status_body(card_for(n), pin)));
    }
    /// A 63 for patron `n` with `pin` on `s`.
    Reply information(sip2::Session& s, int n, const char* pin,
                      std::string_view summary = "          ", std::string_view extra = "") {
        return ask(s, frame(patron_information_body(card_for(n), pin, summary, extra)));
    }

    /// True when a response says nothing personal: no personal field, and none of the texts
    /// (barcodes, titles, name) appears anywhere in it.
    static ::testing::AssertionResult Anonymous(const std::string& raw,
                                                const std::vector<std::string>& texts) {
        const Reply r = reply(raw);
        for (const std::string_view id : kPersonalFields) {
            if (r.has(id)) return ::testing::AssertionFailure() << "has field " << id;
        }
        for (std::size_t i = 0; i < texts.size(); ++i) {
            if (raw.find(texts[i]) != std::string::npos) {
                return ::testing::AssertionFailure() << "contains protected text #" << i;
            }
        }
        if (r.code == "64" && counts(r) != kNoCounts) {
            return ::testing::AssertionFailure() << "counts are not blank";
        }
        return ::testing::AssertionSuccess();
    }

    /// A person with kPin and these names.
    PatronId named_patron(int n, std::string given, std::string surname) {
        PatronForm form = person_form(card_for(n), hetu_for(kAdultBirth, n));
        form.given_names = std::move(given);
        form.surname = std::move(surname);
        const PatronId id = add(form);
        set_pin(id, kPin);
        return id;
    }

    /// circulation.read entries after `after_id` (how often a record was read).
    [[nodiscard]] long record_reads_after(long after_id) const {
        return count(fmt::format(
            "SELECT count(*) FROM audit_log WHERE id > {} AND action = 'circulation.read'",
            after_id));
    }
};

// --- 23 Patron Status --------------------------------------------------------------------------

TEST_F(Sip2PatronTest, VerifiedPatronIsValidAndGetsNoNameByDefault) {
    patron_with_pin(2);
    auto s = logged_in();
    EXPECT_EQ(
        exchange(*s, frame(patron_status_body(card_for(2), kPin.data()))),
        fmt::format("24{}000{}AOLIB|AA{}|BLY|CQY|BHEUR|\r", kNoBlocks, now_field(), card_for(2)));
}

TEST_F(Sip2PatronTest, NameOnlyWhenConfiguredAndThePinIsRight) {
    settings_.disclose_name = true;
    patron_with_pin(2);
    auto s = logged_in();
    const Reply verified = status(*s, 2, kPin.data());
    EXPECT_EQ(verified.ids(), "AO AA AE BL CQ BH");
    EXPECT_EQ(value(verified, "AE"), "Testi T.");
    EXPECT_FALSE(status(*s, 2, kWrongPin.data()).has("AE"));
    EXPECT_FALSE(status(*s, 2, nullptr).has("AE"));
}

TEST_F(Sip2PatronTest, NameIsSentInCodePage850OrUtf8AsConfigured) {
    settings_.disclose_name = true;
    named_patron(2, "Päivi Annikki", "Öberg");
    {
        auto s = logged_in();
        EXPECT_EQ(value(status(*s, 2, kPin.data()), "AE"), "P\x84ivi \x99.");
    }
    settings_.encoding = Sip2Encoding::utf8;
    {
        auto s = logged_in();
        EXPECT_EQ(value(status(*s, 2, kPin.data()), "AE"), "Päivi Ö.");
    }
}

TEST_F(Sip2PatronTest, WrongPinIsToldAndCounted) {
    const PatronId id = patron_with_pin(2);
    auto s = logged_in();
    const Reply r = status(*s, 2, kWrongPin.data());
    EXPECT_EQ(bitmap(r), kNoBlocks);
    EXPECT_EQ(r.ids(), "AO AA BL CQ BH AF");
    EXPECT_EQ(value(r, "BL"), "Y");
    EXPECT_EQ(value(r, "CQ"), "N");
    EXPECT_EQ(value(r, "AF"), "Wrong PIN");
    EXPECT_EQ(failed_attempts(id), 1);
}

TEST_F(Sip2PatronTest, LockedCardIsToldApartFromAWrongPin) {
    patron_with_pin(2);
    auto s = logged_in();
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(value(status(*s, 2, kWrongPin.data()), "AF"), "Wrong PIN");
    // The wrong PIN that locks the card already says so.
    const Reply locking = status(*s, 2, kWrongPin.data());
    EXPECT_EQ(value(locking, "AF"), "Card locked: try again later");
    EXPECT_EQ(bitmap(locking), kBlocked);
    // Even the right PIN now.
    const Reply locked = status(*s, 2, kPin.data());
    EXPECT_EQ(value(locked, "AF"), "Card locked: try again later");
    EXPECT_EQ(value(locked, "BL"), "Y");
    EXPECT_EQ(value(locked, "CQ"), "N");
    EXPECT_EQ(bitmap(locked), kBlocked);
    EXPECT_FALSE(locked.has("AE"));
}

TEST_F(Sip2PatronTest, UnknownOrMalformedCardIsNotAValidPatron) {
    patron_with_pin(2);
    auto s = logged_in();
    long before = last_audit_id();
    const Reply unknown = status(*s, 901, kPin.data());
    EXPECT_EQ(unknown.ids(), "AO AA BL CQ BH AF");
    EXPECT_EQ(value(unknown, "BL"), "N");
    EXPECT_EQ(value(unknown, "CQ"), "N");
    EXPECT_EQ(value(unknown, "AF"), "Card not recognised");
    EXPECT_EQ(bitmap(unknown), kNoBlocks);
    EXPECT_EQ(verifications_after(before), 1);

    // Not a card number at all: the same answer, without a verification.
    before = last_audit_id();
    for (const char* card : {"CARD-0002", "", "C"}) {
        const Reply malformed = ask(*s, frame(patron_status_body(card, kPin.data())));
        EXPECT_EQ(value(malformed, "BL"), "N");
        EXPECT_EQ(value(malformed, "CQ"), "N");
        EXPECT_EQ(value(malformed, "AF"), "Card not recognised");
    }
    // Without AA at all.
    const Reply no_card = ask(*s, frame(fmt::format("23000{}AOLIB|AD{}|", kRequestDate, kPin)));
    EXPECT_EQ(value(no_card, "BL"), "N");
    EXPECT_EQ(verifications_after(before), 0);
}

TEST_F(Sip2PatronTest, MissingOrEmptyPinIsNotAWrongPin) {
    const PatronId id = patron_with_pin(2);
    auto s = logged_in();
    const long before = last_audit_id();
    for (const char* pin : {static_cast<const char*>(nullptr), ""}) {
        const Reply r = status(*s, 2, pin);
        EXPECT_EQ(r.ids(), "AO AA BH AF");
        EXPECT_EQ(value(r, "AF"), "Please enter your PIN");
        EXPECT_EQ(bitmap(r), kNoBlocks);
        const Reply info = information(*s, 2, pin, "  Y");
        EXPECT_EQ(info.ids(), "AO AA BH AF");
        EXPECT_EQ(counts(info), kNoCounts);
    }
    EXPECT_EQ(failed_attempts(id), 0);
    EXPECT_EQ(last_audit_id(), before);
}

TEST_F(Sip2PatronTest, PatronWithoutAPinIsToldToAskTheStaff) {
    add_adult(3);
    auto s = logged_in();
    const Reply r = status(*s, 3, kPin.data());
    EXPECT_EQ(value(r, "BL"), "Y");
    EXPECT_EQ(value(r, "CQ"), "N");
    EXPECT_EQ(value(r, "AF"), "No PIN set: please ask the staff");
}

TEST_F(Sip2PatronTest, ThrottledKioskIsToldToTryLaterAndLearnsNothing) {
    config_.kiosk.failure_limit = 2;
    start_services();
    settings_.disclose_name = true;
    patron_with_pin(2);
    auto s = logged_in();
    (void)status(*s, 901, kPin.data());
    (void)status(*s, 902, kPin.data());
    const Reply r = status(*s, 2, kPin.data());
    EXPECT_EQ(r.ids(), "AO AA BH AF");
    EXPECT_EQ(value(r, "AF"), "Too many attempts at this kiosk: try again later");
    EXPECT_EQ(bitmap(r), kNoBlocks);
    const std::string raw =
        exchange(*s, frame(patron_information_body(card_for(2), kPin.data(), "  Y")));
    EXPECT_TRUE(Anonymous(raw, {"Testi"}));
    EXPECT_EQ(value(reply(raw), "AF"), "Too many attempts at this kiosk: try again later");
}

// --- The patron status bitmap ------------------------------------------------------------------

struct BlockCase {
    const char* name;
    std::string_view bitmap;
};

class Sip2BlockTest : public Sip2PatronTest, public ::testing::WithParamInterface<BlockCase> {
protected:
    /// Patron 2 (with kPin) under the block the parameter names.
    void make_blocked() {
        const std::string_view block = GetParam().name;
        if (block == "card_expired") {
            PatronForm form = person_form(card_for(2), hetu_for(kAdultBirth, 2));
            form.card_expires_on = to_iso(days_from_today(-1));
            set_pin(add(form), kPin);
            return;
        }
        if (block == "guardian_consent_missing") {
            const PatronId guardian = add_adult(3);
            set_pin(add_ward(born_years_ago(10), 2, guardian, false), kPin);
            return;
        }
        const PatronId id = patron_with_pin(2);
        if (block == "loan_ban") add_loan_ban(id, days_from_today(-1));
        if (block == "excessive_fees") add_fee(id, 1001);
        if (block == "processing_restricted") restrict_processing(id);
        if (block == "all") {
            add_loan_ban(id, days_from_today(-1));
            add_fee(id, 5000);
            restrict_processing(id);
        }
    }
};

TEST_P(Sip2BlockTest, BlockSetsItsPositionsOnceThePinIsVerified) {
    make_blocked();
    auto s = logged_in();
    const Reply r = status(*s, 2, kPin.data());
    EXPECT_EQ(bitmap(r), GetParam().bitmap);
    EXPECT_EQ(value(r, "BL"), "Y");
    EXPECT_EQ(value(r, "CQ"), "Y");
    EXPECT_EQ(value(r, "AF"), "Borrowing not possible: please ask the staff");
    const Reply info = information(*s, 2, kPin.data());
    EXPECT_EQ(bitmap(info), GetParam().bitmap);
    EXPECT_EQ(value(info, "AF"), "Borrowing not possible: please ask the staff");
    // Before the PIN: nothing of it.
    EXPECT_EQ(bitmap(status(*s, 2, nullptr)), kNoBlocks);
    EXPECT_EQ(bitmap(status(*s, 2, kWrongPin.data())), kNoBlocks);
}

INSTANTIATE_TEST_SUITE_P(Blocks, Sip2BlockTest,
                         ::testing::Values(BlockCase{"loan_ban", kBlocked},
                                           BlockCase{"excessive_fees", kBlockedForFees},
                                           BlockCase{"processing_restricted", kBlocked},
                                           BlockCase{"guardian_consent_missing", kBlocked},
                                           BlockCase{"card_expired", kBlocked},
                                           BlockCase{"all", kBlockedForFees}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- 63 Patron Information ---------------------------------------------------------------------

class Sip2PatronInformationTest : public Sip2PatronTest {
protected:
    /// Patron 2 with kPin: loans B-1 (overdue) and B-2, a ready hold on H-1, placed holds on H-2
    /// and H-3, fees of 2.50 (for B-1) and 5.00 EUR.
    PatronId busy_patron() {
        const PatronId id = patron_with_pin(2);
        lend(id, "B-1");
        clock_.set_today(days_from_today(30));
        lend(id, "B-2");
        ready_hold(id, "H-1");
        hold(id, "H-2");
        hold(id, "H-3");
        EXPECT_TRUE(Succeeded(
            circulation().charge_fee(staff(), id, FeeKind::overdue, 250, "", std::string("B-1"))));
        charge(id, 500);
        return id;
    }
};

TEST_F(Sip2PatronInformationTest, VerifiedPatronGetsCountsAndAmounts) {
    busy_patron();
    auto s = logged_in();
    const Reply r = information(*s, 2, kPin.data());
    EXPECT_EQ(bitmap(r), kNoBlocks);
    EXPECT_EQ(r.fixed.substr(14, 3), "000");
    EXPECT_EQ(r.fixed.substr(17, 18), now_field());
    // Hold items (ready), overdue, charged, fine items, recall, unavailable holds.
    EXPECT_EQ(counts(r), "000100010002000200000002");
    EXPECT_EQ(r.ids(), "AO AA BL CQ BH BV CC");
    EXPECT_EQ(value(r, "BV"), "7.50");
    EXPECT_EQ(value(r, "CC"), "10.00");
    EXPECT_EQ(value(r, "BH"), "EUR");
}

TEST_F(Sip2PatronInformationTest, FeeLimitIsTheConfiguredOne) {
    config_.circulation.fee_limit_cents = 2505;
    start_services();
    busy_patron();
    auto s = logged_in();
    EXPECT_EQ(value(information(*s, 2, kPin.data()), "CC"), "25.05");
}

TEST_F(Sip2PatronInformationTest, ListsTheItemsTheSummaryAsksFor) {
    busy_patron();
    auto s = logged_in();
    const auto list = [&](std::string_view summary, std::string_view id) {
        return information(*s, 2, kPin.data(), summary).all(id);
    };
    using Items = std::vector<std::string>;
    EXPECT_EQ(list("Y", "AS"), Items{"H-1"});
    EXPECT_EQ(list(" Y", "AT"), Items{"B-1"});
    EXPECT_EQ(list("  Y", "AU"), (Items{"B-1", "B-2"}));
    EXPECT_EQ(list("   Y", "AV"), (Items{"B-1 2.50 EUR overdue", "5.00 EUR test fee"}));
    EXPECT_EQ(list("     Y", "CD"), (Items{"H-2", "H-3"}));
    // Lower case is accepted; only the first Y counts.
    EXPECT_EQ(list(" y", "AT"), Items{"B-1"});
    const Reply first = information(*s, 2, kPin.data(), "  YY");
    EXPECT_EQ(first.ids(), "AO AA BL CQ BH BV CC AU AU");
    // Recalls do not exist; a blank summary asks for none.
    EXPECT_EQ(information(*s, 2, kPin.data(), "    Y").ids(), "AO AA BL CQ BH BV CC");
    EXPECT_EQ(information(*s, 2, kPin.data(), "NNNNNN    ").ids(), "AO AA BL CQ BH BV CC");
}

TEST_F(Sip2PatronInformationTest, FeeTextIsSentInCodePage850) {
    const PatronId id = patron_with_pin(2);
    ASSERT_TRUE(
        Succeeded(circulation().charge_fee(staff(), id, FeeKind::damaged, 1999, "Kansi märkä")));
    auto s = logged_in();
    EXPECT_EQ(information(*s, 2, kPin.data(), "   Y").all("AV"),
              std::vector<std::string>{"19.99 EUR Kansi m\x84rk\x84"});
}

TEST_F(Sip2PatronInformationTest, StartAndEndItemSelectPartOfTheList) {
    const PatronId id = patron_with_pin(2);
    for (int i = 1; i <= 5; ++i) lend(id, fmt::format("L-{}", i));
    auto s = logged_in();
    const auto window = [&](std::string_view extra) {
        return information(*s, 2, kPin.data(), "  Y", extra).all("AU");
    };
    using Items = std::vector<std::string>;
    const Items all{"L-1", "L-2", "L-3", "L-4", "L-5"};
    EXPECT_EQ(window("BP2|BQ3|"), (Items{"L-2", "L-3"}));
    EXPECT_EQ(window("BP4|"), (Items{"L-4", "L-5"}));
    EXPECT_EQ(window("BQ2|"), (Items{"L-1", "L-2"}));
    EXPECT_EQ(window("BP5|BQ5|"), Items{"L-5"});
    EXPECT_EQ(window("BP1|BQ99|"), all);
    EXPECT_EQ(window("BP6|"), Items{});
    EXPECT_EQ(window("BP3|BQ2|"), Items{});
    // Unusable values are ignored.
    EXPECT_EQ(window("BPx|BQ0|"), all);
    EXPECT_EQ(window("BP|BQ-1|"), all);
    EXPECT_EQ(window("BP99999999999999999999|"), all);
}

TEST_F(Sip2PatronInformationTest, ListIsCutAtFiftyItems) {
    const PatronId id = patron_with_pin(2);
    for (int i = 1; i <= 52; ++i) lend(id, fmt::format("L-{:02}", i));
    auto s = logged_in();
    const auto items = information(*s, 2, kPin.data(), "  Y").all("AU");
    ASSERT_EQ(items.size(), 50U);
    EXPECT_EQ(items.front(), "L-01");
    EXPECT_EQ(items.back(), "L-50");
    EXPECT_EQ(information(*s, 2, kPin.data(), "  Y", "BP51|").all("AU"),
              (std::vector<std::string>{"L-51", "L-52"}));
    // The counts are not cut.
    EXPECT_EQ(counts(information(*s, 2, kPin.data())).substr(8, 4), "0052");
}

TEST_F(Sip2PatronInformationTest, NothingPersonalBeforeThePinIsVerified) {
    settings_.disclose_name = true;
    busy_patron();
    const std::vector<std::string> secrets{"B-1", "B-2", "H-1", "H-2", "Title", "Testi", "7.50"};
    auto s = logged_in();
    const long before = last_audit_id();
    // Each check verifies three times: two wrong PINs stay below the lockout.
    const auto check = [&](int card, const char* pin, std::string_view af) {
        for (const char* summary : {"Y  Y", "  Y  Y"}) {
            const std::string raw =
                exchange(*s, frame(patron_information_body(card_for(card), pin, summary)));
            EXPECT_TRUE(Anonymous(raw, secrets)) << af << " / " << summary;
            EXPECT_EQ(value(reply(raw), "AF"), af);
        }
        EXPECT_TRUE(
            Anonymous(exchange(*s, frame(patron_status_body(card_for(card), pin))), secrets))
            << af;
    };
    check(2, nullptr, "Please enter your PIN");
    check(2, "", "Please enter your PIN");
    check(901, kPin.data(), "Card not recognised");
    check(2, kWrongPin.data(), "Wrong PIN");
    for (int i = 0; i < 5; ++i) (void)status(*s, 2, kWrongPin.data());
    check(2, kPin.data(), "Card locked: try again later");
    EXPECT_EQ(record_reads_after(before), 0);
}

TEST_F(Sip2PatronInformationTest, RecordIsReadOnThePatronsBehalfAndAudited) {
    const PatronId id = busy_patron();
    auto s = logged_in();
    const long before = last_audit_id();
    (void)information(*s, 2, kPin.data(), "  Y");
    const auto lines = audit_after(before);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0].substr(0, lines[0].find('|')), "kiosk.verify");
    EXPECT_EQ(lines[1].substr(0, lines[1].find('|', lines[1].find('|') + 1)),
              fmt::format("circulation.read|{}", id.value));
    EXPECT_TRUE(lines[1].ends_with("|k1|patron|self-service at kiosk"));
}

TEST_F(Sip2PatronInformationTest, RestrictedPatronsRecordIsNotRead) {
    const PatronId id = busy_patron();
    restrict_processing(id);
    auto s = logged_in();
    const long before = last_audit_id();
    const std::string raw =
        exchange(*s, frame(patron_information_body(card_for(2), kPin.data(), "  Y")));
    EXPECT_TRUE(Anonymous(raw, {"B-1", "B-2", "Title"}));
    EXPECT_EQ(value(reply(raw), "CQ"), "Y");
    EXPECT_EQ(bitmap(reply(raw)), kBlocked);
    EXPECT_EQ(record_reads_after(before), 0);
}

TEST_F(Sip2PatronInformationTest, NeverSendsAddressEmailOrPhone) {
    settings_.disclose_name = true;
    busy_patron();
    auto s = logged_in();
    const std::string raw =
        exchange(*s, frame(patron_information_body(card_for(2), kPin.data(), "  Y")));
    const Reply r = reply(raw);
    EXPECT_TRUE(r.has("AE"));
    for (const char* id : {"BD", "BE", "BF"}) EXPECT_FALSE(r.has(id)) << id;
    for (const char* text : {"Testikatu", "example.fi", "040"}) {
        EXPECT_EQ(raw.find(text), std::string::npos);
    }
}

// --- 35 End Patron Session ---------------------------------------------------------------------

TEST_F(Sip2PatronTest, EndSessionIsConfirmedAndReplacesTheLastResponse) {
    patron_with_pin(2);
    auto s = logged_in();
    (void)information(*s, 2, kPin.data(), "  Y");
    const std::string end = exchange(
        *s, frame(fmt::format("35{}AOLIB|AA{}|AC|AD{}|", kRequestDate, card_for(2), kPin)));
    EXPECT_EQ(end, fmt::format("36Y{}AOLIB|AA{}|\r", now_field(), card_for(2)));
    // A resend gives the 36, not the patron's 64.
    EXPECT_EQ(exchange(*s, frame("97")), end);
    // Without AO and AA, they are echoed empty.
    const std::string head = fmt::format("36Y{}AO|AA|AY2AZ", now_field());
    EXPECT_EQ(exchange(*s, frame(fmt::format("35{}", kRequestDate), 2)),
              head + sip2::checksum(head) + "\r");
}

}  // namespace
}  // namespace patron::test
