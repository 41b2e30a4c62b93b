// Loan bans through the Circulation service: the reason and the dates are validated, a ban stops
// borrowing only while in force (from its first to its last day, until lifted), and lifting is
// done once.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/circulation/circulation_fixture.hpp"

namespace patron::test {
namespace {

class CirculationBansTest : public CirculationDbTest {
protected:
    LoanBan ban(PatronId patron, Date starts_on, std::optional<Date> ends_on = std::nullopt) {
        auto set =
            circulation().set_loan_ban(staff(), patron, "Items not returned", starts_on, ends_on);
        EXPECT_TRUE(Succeeded(set));
        return set.value();
    }

    bool may_borrow(PatronId patron) {
        const auto summary = circulation().summary(staff(), patron);
        EXPECT_TRUE(Succeeded(summary));
        return summary && summary->may_borrow;
    }
};

TEST_F(CirculationBansTest, SetLoanBanStoresTheBanAndStopsCheckout) {
    const PatronId id = add_adult(2);
    const long before = last_audit_id();

    const auto set = circulation().set_loan_ban(staff(), id, "  Items not returned  ",
                                                clock_.today(), days_from_today(30));

    ASSERT_TRUE(Succeeded(set));
    EXPECT_EQ(set->patron, id);
    EXPECT_EQ(set->reason, "Items not returned");
    EXPECT_EQ(to_iso(set->starts_on), to_iso(clock_.today()));
    ASSERT_TRUE(set->ends_on);
    EXPECT_EQ(to_iso(*set->ends_on), to_iso(days_from_today(30)));
    EXPECT_FALSE(set->lifted_at);
    EXPECT_EQ(sql_value(fmt::format("SELECT patron_id || '|' || reason || '|' || "
                                    "to_char(starts_on, 'YYYY-MM-DD') || '|' || "
                                    "to_char(ends_on, 'YYYY-MM-DD') || '|' || set_by || '|' || "
                                    "(lifted_at IS NULL) FROM loan_bans WHERE id = {}",
                                    set->id.value)),
              fmt::format("{}|Items not returned|{}|{}|staff-1|true", id.value,
                          to_iso(clock_.today()), to_iso(days_from_today(30))));
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan_ban.handle", id, "{loan_bans}")});
    EXPECT_EQ(audit_mentions("Items not returned"), 0);

    const auto loan = circulation().checkout(staff(), id, item("B-1"));
    ASSERT_TRUE(Refused(loan, ErrorCode::borrowing_blocked, "patron"));
    EXPECT_EQ(loan.error().message, blocked_message({BorrowBlock::loan_ban}));
}

TEST_F(CirculationBansTest, BanIsInForceFromItsFirstToItsLastDayOnly) {
    const PatronId id = add_adult(2);
    ban(id, days_from_today(1), days_from_today(2));
    EXPECT_TRUE(may_borrow(id)) << "a ban starting tomorrow does not stop borrowing yet";
    EXPECT_TRUE(Succeeded(circulation().checkout(staff(), id, item("B-1"))));

    clock_.set_today(days_from_today(1));
    EXPECT_FALSE(may_borrow(id));
    EXPECT_TRUE(Refused(circulation().place_hold(staff(), id, item("B-2")),
                        ErrorCode::borrowing_blocked, "patron"));
    clock_.set_today(days_from_today(1));
    EXPECT_FALSE(may_borrow(id)) << "the last day is still within the ban";
    clock_.set_today(days_from_today(1));
    EXPECT_TRUE(may_borrow(id));
    EXPECT_TRUE(Succeeded(circulation().place_hold(staff(), id, item("B-2"))));
}

TEST_F(CirculationBansTest, ReasonMustBe1To500BytesOfPrintableText) {
    const PatronId id = add_adult(2);
    const long audits = audit_count();
    for (const std::string& bad : {std::string(), std::string("   "), std::string(501, 'x'),
                                   std::string("Late\x01returns"), std::string("Late \xff")}) {
        EXPECT_TRUE(
            Refused(circulation().set_loan_ban(staff(), id, bad, clock_.today(), std::nullopt),
                    ErrorCode::invalid_input, "reason"));
    }
    EXPECT_EQ(rows("loan_bans"), 0);
    EXPECT_EQ(audit_count(), audits);

    EXPECT_TRUE(Succeeded(circulation().set_loan_ban(staff(), id, std::string(500, 'x'),
                                                     clock_.today(), std::nullopt)));
}

TEST_F(CirculationBansTest, BanEndingBeforeItStartsIsRefusedOnEndsOn) {
    const PatronId id = add_adult(2);
    const long audits = audit_count();

    EXPECT_TRUE(Refused(circulation().set_loan_ban(staff(), id, "Late returns", clock_.today(),
                                                   days_from_today(-1)),
                        ErrorCode::invalid_input, "ends_on"));
    EXPECT_EQ(rows("loan_bans"), 0);
    EXPECT_EQ(audit_count(), audits);

    // One day is a ban of its own.
    EXPECT_TRUE(Succeeded(
        circulation().set_loan_ban(staff(), id, "Late returns", clock_.today(), clock_.today())));
    EXPECT_FALSE(may_borrow(id));
}

TEST_F(CirculationBansTest, BanOfAnUnknownPatronIsNotFound) {
    const long audits = audit_count();
    EXPECT_TRUE(Refused(circulation().set_loan_ban(staff(), PatronId{999999}, "Late returns",
                                                   clock_.today(), std::nullopt),
                        ErrorCode::not_found, ""));
    EXPECT_EQ(rows("loan_bans"), 0);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationBansTest, LiftingABanRestoresBorrowingAndASecondLiftConflicts) {
    const PatronId id = add_adult(2);
    const LoanBan set = ban(id, clock_.today());
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().lift_loan_ban(staff(), set.id)));

    EXPECT_EQ(column("loan_bans", "lifted_by || '|' || (lifted_at IS NOT NULL)", set.id.value),
              "staff-1|true");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("loan_ban.handle", id, "{loan_bans}")});
    EXPECT_TRUE(Succeeded(circulation().checkout(staff(), id, item("B-1"))));

    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    EXPECT_TRUE(
        Refused(circulation().lift_loan_ban(staff(), set.id), ErrorCode::conflict, "loan_ban"));
    EXPECT_TRUE(
        Refused(circulation().lift_loan_ban(staff(), LoanBanId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationBansTest, LiftingOneOfTwoBansLeavesTheOtherInForce) {
    const PatronId id = add_adult(2);
    const LoanBan first = ban(id, days_from_today(-5));
    ban(id, clock_.today(), days_from_today(3));
    ASSERT_TRUE(Succeeded(circulation().lift_loan_ban(staff(), first.id)));
    EXPECT_FALSE(may_borrow(id));
}

}  // namespace
}  // namespace patron::test
