// 17 Item Information of the SIP2 session: circulation status, due date, hold queue, barcode and
// title from what the register knows of the item (titles in code page 850 or UTF-8), nothing of
// who has borrowed or holds it, and an unknown or malformed barcode answered as an unknown item.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/sip2/session_fixture.hpp"

namespace patron::test {
namespace {

class Sip2ItemTest : public Sip2SessionTest {
protected:
    /// 18's circulation status.
    static std::string circulation_status(const Reply& r) { return r.fixed.substr(0, 2); }

    std::string item_information(sip2::Session& s, std::string_view barcode) {
        return exchange(s, frame(item_information_body(barcode)));
    }
};

TEST_F(Sip2ItemTest, AvailableItem) {
    lend(add_adult(2), "B-1");
    take_back("B-1");
    auto s = logged_in();
    EXPECT_EQ(item_information(*s, "B-1"),
              fmt::format("18030001{}CF0|ABB-1|AJTitle B-1|\r", now_field()));
}

TEST_F(Sip2ItemTest, ChargedItemHasItsDueDateAndNoBorrower) {
    settings_.disclose_name = true;
    const Loan loan = lend(add_adult_with_pin(2), "B-1");
    auto s = logged_in();
    const std::string raw = item_information(*s, "B-1");
    EXPECT_EQ(raw, fmt::format("18040001{}CF0|AH{}|ABB-1|AJTitle B-1|\r", now_field(),
                               sip2::due_date(loan.due_on)));
    EXPECT_EQ(raw.find(card_for(2)), std::string::npos);
    EXPECT_EQ(raw.find("Testi"), std::string::npos);
}

TEST_F(Sip2ItemTest, HoldsAreCountedAndAReadyOneIsOnTheHoldShelf) {
    hold(add_adult(2), "H-1");
    hold(add_adult(3), "H-1");
    auto s = logged_in();
    Reply r = reply(item_information(*s, "H-1"));
    EXPECT_EQ(circulation_status(r), "03");
    EXPECT_EQ(*r.field("CF"), "2");

    ready_hold(add_adult(4), "H-2");
    r = reply(item_information(*s, "H-2"));
    EXPECT_EQ(circulation_status(r), "08");
    EXPECT_EQ(*r.field("CF"), "1");
    EXPECT_EQ(r.ids(), "CF AB AJ");
}

TEST_F(Sip2ItemTest, UnknownOrMalformedBarcodeIsAnUnknownItem) {
    lend(add_adult(2), "B-1");
    auto s = logged_in();
    EXPECT_EQ(item_information(*s, "B-9"),
              fmt::format("18010001{}ABB-9|AJ|AFItem not known|\r", now_field()));
    EXPECT_EQ(item_information(*s, "B 1"),
              fmt::format("18010001{}ABB 1|AJ|AFItem not known|\r", now_field()));
    EXPECT_EQ(
        item_information(*s, std::string(40, 'B')),
        fmt::format("18010001{}AB{}|AJ|AFItem not known|\r", now_field(), std::string(40, 'B')));
    // No AB at all.
    EXPECT_EQ(exchange(*s, frame(fmt::format("17{}AOLIB|", kRequestDate))),
              fmt::format("18010001{}AB|AJ|AFItem not known|\r", now_field()));
}

TEST_F(Sip2ItemTest, TitleIsSentInCodePage850OrUtf8AsConfigured) {
    const auto item = Item::make("B-1", "Kärpänen ja öinen jää", "book");
    ASSERT_TRUE(Succeeded(item));
    ASSERT_TRUE(Succeeded(circulation().checkout(staff(), add_adult(2), *item)));
    {
        auto s = logged_in();
        EXPECT_EQ(*reply(item_information(*s, "B-1")).field("AJ"),
                  "K\x84rp\x84nen ja \x94inen j\x84\x84");
    }
    settings_.encoding = Sip2Encoding::utf8;
    {
        auto s = logged_in();
        EXPECT_EQ(*reply(item_information(*s, "B-1")).field("AJ"), "Kärpänen ja öinen jää");
    }
}

TEST_F(Sip2ItemTest, ItemInformationIsNotAudited) {
    lend(add_adult(2), "B-1");
    auto s = logged_in();
    const long before = last_audit_id();
    (void)item_information(*s, "B-1");
    (void)item_information(*s, "B-9");
    EXPECT_EQ(last_audit_id(), before);
}

}  // namespace
}  // namespace patron::test
