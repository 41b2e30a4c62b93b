// Holds through the Circulation service: placing (blocked patrons, duplicates, items the patron
// already has), cancelling, marking ready for pickup and expiring holds not picked up.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "db/circulation/circulation_fixture.hpp"

namespace patron::test {
namespace {

class CirculationHoldsTest : public CirculationDbTest {
protected:
    /// "status|pickup_by|closed_by" of a hold ("-" for NULL).
    [[nodiscard]] std::string hold_row(HoldId id) const {
        return sql_value(fmt::format(
            "SELECT status || '|' || coalesce(to_char(pickup_by, 'YYYY-MM-DD'), '-') || '|' || "
            "coalesce(closed_by, '-') FROM holds WHERE id = {}",
            id.value));
    }
};

TEST_F(CirculationHoldsTest, PlaceHoldRecordsAPlacedHoldAndTheItem) {
    const PatronId id = add_adult(2);
    const long before = last_audit_id();

    const auto placed = circulation().place_hold(staff(), id, item("H-1", "dvd"));

    ASSERT_TRUE(Succeeded(placed));
    EXPECT_EQ(placed->patron, id);
    EXPECT_EQ(placed->item, item("H-1", "dvd"));
    EXPECT_EQ(placed->status, HoldStatus::placed);
    EXPECT_FALSE(placed->pickup_by);
    EXPECT_TRUE(placed->placed_at == clock_.now());
    EXPECT_EQ(hold_row(placed->id), "placed|-|-");
    EXPECT_EQ(column("holds", "placed_by", placed->id.value), "staff-1");
    EXPECT_EQ(sql_value("SELECT barcode || '|' || material_type FROM items"), "H-1|dvd");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("hold.place", id, "{holds}")});
    EXPECT_EQ(audit_mentions("H-1"), 0);
}

TEST_F(CirculationHoldsTest, BlockedPatronMayNotPlaceAHold) {
    const PatronId id = add_adult(2);
    charge(id, 2000);
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    const auto placed = circulation().place_hold(staff(), id, item("H-1"));

    ASSERT_TRUE(Refused(placed, ErrorCode::borrowing_blocked, "patron"));
    EXPECT_EQ(placed.error().message, blocked_message({BorrowBlock::excessive_fees}));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationHoldsTest, SecondOpenHoldOnTheSameItemConflictsUntilTheFirstIsClosed) {
    const PatronId id = add_adult(2);
    const Hold first = hold(id, "H-1");
    const TableSnapshot stored = table_snapshot();

    EXPECT_TRUE(Refused(circulation().place_hold(staff(), id, item("H-1")), ErrorCode::conflict,
                        "barcode"));
    EXPECT_EQ(table_snapshot(), stored);

    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), first.id)));
    EXPECT_TRUE(Succeeded(circulation().place_hold(staff(), id, item("H-1"))));
    EXPECT_EQ(rows("holds"), 2);
}

TEST_F(CirculationHoldsTest, HoldOnAnItemThePatronHasOnLoanConflicts) {
    const PatronId borrower = add_adult(2);
    const PatronId other = add_adult(3);
    lend(borrower, "H-1");
    const TableSnapshot stored = table_snapshot();

    EXPECT_TRUE(Refused(circulation().place_hold(staff(), borrower, item("H-1")),
                        ErrorCode::conflict, "barcode"));
    EXPECT_EQ(table_snapshot(), stored);
    // Anyone else queues for it.
    EXPECT_TRUE(Succeeded(circulation().place_hold(staff(), other, item("H-1"))));
}

TEST_F(CirculationHoldsTest, CancelHoldClosesItAndASecondCancelConflicts) {
    const PatronId id = add_adult(2);
    const Hold placed = hold(id, "H-1");
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), placed.id)));
    EXPECT_EQ(hold_row(placed.id), "cancelled|-|staff-1");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("hold.cancel", id, "{holds}")});

    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();
    EXPECT_TRUE(
        Refused(circulation().cancel_hold(staff(), placed.id), ErrorCode::conflict, "hold"));
    EXPECT_TRUE(
        Refused(circulation().cancel_hold(staff(), HoldId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationHoldsTest, AReadyHoldCanBeCancelled) {
    const PatronId id = add_adult(2);
    const Hold ready = ready_hold(id, "H-1");
    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), ready.id)));
    EXPECT_EQ(hold_row(ready.id), fmt::format("cancelled|{}|staff-1", to_iso(days_from_today(7))));
}

TEST_F(CirculationHoldsTest, ReadyHoldWaitsTheConfiguredPickupDays) {
    const PatronId id = add_adult(2);
    const Hold placed = hold(id, "H-1");
    const long before = last_audit_id();

    const auto ready =
        circulation(CirculationSettings{.hold_pickup_days = 3}).hold_ready(staff(), placed.id);

    ASSERT_TRUE(Succeeded(ready));
    EXPECT_EQ(ready->status, HoldStatus::ready);
    ASSERT_TRUE(ready->pickup_by);
    EXPECT_EQ(to_iso(*ready->pickup_by), to_iso(days_from_today(3)));
    EXPECT_EQ(hold_row(placed.id), fmt::format("ready|{}|-", to_iso(days_from_today(3))));
    EXPECT_EQ(column("holds", "ready_at IS NOT NULL", placed.id.value), "true");
    EXPECT_EQ(audit_after(before),
              std::vector<std::string>{audit_line("hold.handle", id, "{holds}")});
}

TEST_F(CirculationHoldsTest, OnlyAPlacedHoldBecomesReady) {
    const PatronId id = add_adult(2);
    const Hold ready = ready_hold(id, "H-1");
    const Hold cancelled = hold(id, "H-2");
    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), cancelled.id)));
    const TableSnapshot stored = table_snapshot();
    const long audits = audit_count();

    EXPECT_TRUE(Refused(circulation().hold_ready(staff(), ready.id), ErrorCode::conflict, "hold"));
    EXPECT_TRUE(
        Refused(circulation().hold_ready(staff(), cancelled.id), ErrorCode::conflict, "hold"));
    EXPECT_TRUE(
        Refused(circulation().hold_ready(staff(), HoldId{999999}), ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), stored);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(CirculationHoldsTest, ReadyHoldsExpireOnlyAfterTheLastPickupDay) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const Hold a = ready_hold(first, "H-1");
    const Hold b = ready_hold(second, "H-2");
    const Hold waiting = hold(first, "H-3");

    clock_.set_today(days_from_today(7));  // the last pickup day itself
    const auto none = circulation().expire_holds(staff());
    ASSERT_TRUE(Succeeded(none));
    EXPECT_EQ(*none, 0U);
    EXPECT_EQ(hold_row(a.id).substr(0, 6), "ready|");

    clock_.set_today(days_from_today(1));
    const long before = last_audit_id();
    const auto expired = circulation().expire_holds(staff());
    ASSERT_TRUE(Succeeded(expired));
    EXPECT_EQ(*expired, 2U);
    EXPECT_EQ(hold_row(a.id), fmt::format("expired|{}|staff-1", to_iso(days_from_today(-1))));
    EXPECT_EQ(hold_row(b.id), fmt::format("expired|{}|staff-1", to_iso(days_from_today(-1))));
    EXPECT_EQ(hold_row(waiting.id), "placed|-|-") << "a placed hold has no pickup day";
    auto audited = audit_after(before);
    std::sort(audited.begin(), audited.end());
    std::vector<std::string> expected{audit_line("hold.handle", first, "{holds}"),
                                      audit_line("hold.handle", second, "{holds}")};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(audited, expected);

    // Nothing left to expire: a second run changes nothing.
    const TableSnapshot stored = table_snapshot();
    const auto again = circulation().expire_holds(staff());
    ASSERT_TRUE(Succeeded(again));
    EXPECT_EQ(*again, 0U);
    EXPECT_EQ(table_snapshot(), stored);
}

TEST_F(CirculationHoldsTest, AnExpiredHoldNoLongerKeepsTheItemFromOthers) {
    const PatronId holder = add_adult(2);
    const PatronId other = add_adult(3);
    ready_hold(holder, "H-1");
    EXPECT_TRUE(Refused(circulation().checkout(staff(), other, item("H-1")), ErrorCode::conflict,
                        "barcode"));

    clock_.set_today(days_from_today(8));
    ASSERT_TRUE(Succeeded(circulation().expire_holds(staff())));
    EXPECT_TRUE(Succeeded(circulation().checkout(staff(), other, item("H-1"))));
}

}  // namespace
}  // namespace patron::test
