// Items as the register keeps them, the stable names of circulation states, and whether a
// borrower's state lets them borrow: pure rules, no database.

#include "patron/circulation/circulation_types.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "circulation/borrowing.hpp"
#include "patron/domain/date.hpp"

namespace patron {
namespace {

using namespace std::chrono;

constexpr Date kToday{year{2026}, November, day{24}};

TEST(Item, KeepsTrimmedValues) {
    const auto item = Item::make("  31234000567890 ", " Seitsemän veljestä ", "book");
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->barcode(), "31234000567890");
    EXPECT_EQ(item->title(), "Seitsemän veljestä");
    EXPECT_EQ(item->material_type(), "book");
}

TEST(Item, RefusesBadBarcodesNamingTheField) {
    for (const std::string& barcode : std::vector<std::string>{
             "", "   ", "has space", "semi;colon", "ä123", std::string(33, '1'), "a/b"}) {
        SCOPED_TRACE(barcode);
        const auto item = Item::make(barcode, "Title", "book");
        ASSERT_FALSE(item.has_value());
        EXPECT_EQ(item.error().code, ErrorCode::invalid_input);
        EXPECT_EQ(item.error().field, "barcode");
    }
    EXPECT_TRUE(Item::make(std::string(32, '1'), "Title", "book").has_value());
    EXPECT_TRUE(Item::make("A-1.b_2", "Title", "book").has_value());
}

TEST(Item, RefusesBadTitlesNamingTheField) {
    for (const std::string& title :
         {std::string(), std::string("   "), std::string(501, 'x'), std::string("tab\there"),
          std::string("bad \xff utf-8"), std::string("c1 \xc2\x9b escape")}) {
        const auto item = Item::make("1", title, "book");
        ASSERT_FALSE(item.has_value());
        EXPECT_EQ(item.error().field, "title");
    }
    EXPECT_TRUE(Item::make("1", std::string(500, 'x'), "book").has_value());
}

TEST(Item, RefusesMaterialTypesOutsideTheCodeForm) {
    for (const std::string& type : std::vector<std::string>{"", "Book", "1book", "_book", "e-book",
                                                            "book!", std::string(33, 'a'), "*"}) {
        SCOPED_TRACE(type);
        const auto item = Item::make("1", "Title", type);
        ASSERT_FALSE(item.has_value());
        EXPECT_EQ(item.error().field, "material_type");
    }
    EXPECT_TRUE(Item::make("1", "Title", "dvd_kids2").has_value());
}

template <class Enum>
void expect_round_trip(std::initializer_list<Enum> values,
                       std::optional<Enum> (*parse)(std::string_view) noexcept) {
    for (const Enum value : values) {
        const std::string_view name = to_string(value);
        EXPECT_FALSE(name.empty());
        EXPECT_EQ(parse(name), value) << name;
    }
    EXPECT_FALSE(parse("").has_value());
    EXPECT_FALSE(parse("Placed").has_value());
}

TEST(CirculationNames, RoundTrip) {
    expect_round_trip({HoldStatus::placed, HoldStatus::ready, HoldStatus::fulfilled,
                       HoldStatus::cancelled, HoldStatus::expired},
                      parse_hold_status);
    expect_round_trip({FeeKind::overdue, FeeKind::lost, FeeKind::damaged,
                       FeeKind::hold_not_picked_up, FeeKind::other},
                      parse_fee_kind);
    expect_round_trip({InvoiceStatus::open, InvoiceStatus::paid, InvoiceStatus::cancelled},
                      parse_invoice_status);
    expect_round_trip(
        {MessageKind::due_date_reminder, MessageKind::overdue_notice, MessageKind::hold_ready},
        parse_message_kind);
    expect_round_trip({MessageStatus::pending, MessageStatus::sent, MessageStatus::failed},
                      parse_message_status);
    expect_round_trip({ConsentMethod::written, ConsentMethod::verbal, ConsentMethod::electronic},
                      parse_consent_method);
}

TEST(AddDays, CrossesMonthsYearsAndLeapDays) {
    EXPECT_EQ(add_days(kToday, 28), (Date{year{2026}, December, day{22}}));
    EXPECT_EQ(add_days(Date{year{2026}, December, day{20}}, 14),
              (Date{year{2027}, January, day{3}}));
    EXPECT_EQ(add_days(Date{year{2028}, February, day{28}}, 1),
              (Date{year{2028}, February, day{29}}));
    EXPECT_EQ(add_days(kToday, -24), (Date{year{2026}, October, day{31}}));
}

// A borrower with nothing against them: an adult with a card valid until further notice.
store::BorrowerState clean_adult() {
    store::BorrowerState b;
    b.kind = PatronKind::person;
    b.birth_date = Date{year{1980}, May, day{1}};
    return b;
}

std::vector<BorrowBlock> blocks(const store::BorrowerState& b, CirculationSettings settings = {}) {
    const TimePoint now = sys_days{kToday} + hours{12};
    return detail::borrow_blocks(b, settings, now, kToday);
}

TEST(BorrowBlocks, NoneForACleanAdult) { EXPECT_TRUE(blocks(clean_adult()).empty()); }

TEST(BorrowBlocks, EachReasonAlone) {
    auto banned = clean_adult();
    banned.loan_ban = true;
    EXPECT_EQ(blocks(banned), std::vector{BorrowBlock::loan_ban});

    auto fees = clean_adult();
    fees.unpaid_fees_cents = 1000;
    EXPECT_TRUE(blocks(fees).empty()) << "the limit itself is allowed";
    fees.unpaid_fees_cents = 1001;
    EXPECT_EQ(blocks(fees), std::vector{BorrowBlock::excessive_fees});
    EXPECT_TRUE(blocks(fees, CirculationSettings{.fee_limit_cents = 1001}).empty());

    auto locked = clean_adult();
    locked.pin = store::PinRecord{};
    locked.pin->locked_until = sys_days{kToday} + hours{13};
    EXPECT_EQ(blocks(locked), std::vector{BorrowBlock::card_locked});
    locked.pin->locked_until = sys_days{kToday} + hours{11};
    EXPECT_TRUE(blocks(locked).empty()) << "an expired lock no longer blocks";

    auto restricted = clean_adult();
    restricted.processing_restricted = true;
    EXPECT_EQ(blocks(restricted), std::vector{BorrowBlock::processing_restricted});

    auto ward = clean_adult();
    ward.birth_date = Date{year{2015}, January, day{1}};
    EXPECT_EQ(blocks(ward), std::vector{BorrowBlock::guardian_consent_missing});
    ward.guardian_consent = true;
    EXPECT_TRUE(blocks(ward).empty());

    auto expired = clean_adult();
    expired.card_expires_on = kToday;
    EXPECT_TRUE(blocks(expired).empty()) << "valid through its last day";
    expired.card_expires_on = add_days(kToday, -1);
    EXPECT_EQ(blocks(expired), std::vector{BorrowBlock::card_expired});
}

TEST(BorrowBlocks, AnOrganisationNeedsNoGuardian) {
    store::BorrowerState school;
    school.kind = PatronKind::organisation;
    EXPECT_TRUE(blocks(school).empty());
}

TEST(BorrowBlocks, RefusalNamesEveryReasonInOrder) {
    auto b = clean_adult();
    b.loan_ban = true;
    b.card_expires_on = add_days(kToday, -1);
    const auto reasons = blocks(b);
    const Error error = detail::borrowing_blocked(reasons).value();
    EXPECT_EQ(error.code, ErrorCode::borrowing_blocked);
    EXPECT_EQ(error.field, "patron");
    EXPECT_EQ(error.message, "may not borrow: loan_ban, card_expired");
}

}  // namespace
}  // namespace patron
