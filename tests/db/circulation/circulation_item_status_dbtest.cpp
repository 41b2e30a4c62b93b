// Circulation::item_status (SIP2 Item Information): the item as the register knows it, its current
// loan's due date and its open holds, for the roles that may check out; never who has or holds
// it, and no audit entry (no patron is named).

#include <gtest/gtest.h>

#include "db/circulation/circulation_fixture.hpp"

namespace patron::test {
namespace {

class CirculationItemStatusTest : public CirculationDbTest {
protected:
    Result<ItemStatus> status_of(std::string_view barcode, const Caller& caller = kiosk_caller()) {
        return circulation().item_status(caller, barcode);
    }
};

TEST_F(CirculationItemStatusTest, ItemOnLoanHasItsDueDate) {
    const PatronId borrower = add_adult(2);
    const Loan loan = lend(borrower, "B-1");

    const auto status = status_of("B-1");
    ASSERT_TRUE(Succeeded(status));
    EXPECT_EQ(status->item, item("B-1"));
    ASSERT_TRUE(status->due_on);
    EXPECT_EQ(*status->due_on, loan.due_on);
    EXPECT_EQ(status->holds, 0);
    EXPECT_FALSE(status->on_hold_shelf);
}

TEST_F(CirculationItemStatusTest, ReturnedItemIsNotOnLoan) {
    lend(add_adult(2), "B-1");
    take_back("B-1");

    const auto status = status_of("B-1");
    ASSERT_TRUE(Succeeded(status));
    EXPECT_EQ(status->item.title(), "Title B-1");
    EXPECT_FALSE(status->due_on);
    EXPECT_EQ(status->holds, 0);
    EXPECT_FALSE(status->on_hold_shelf);
}

TEST_F(CirculationItemStatusTest, CountsOpenHoldsOnly) {
    const PatronId borrower = add_adult(2);
    lend(borrower, "B-1");
    hold(add_adult(3), "B-1");
    const Hold cancelled = hold(add_adult(4), "B-1");
    hold(add_adult(5), "B-1");
    ASSERT_TRUE(Succeeded(circulation().cancel_hold(staff(), cancelled.id)));
    // Another item's holds are not this one's.
    hold(add_adult(6), "B-2");

    const auto status = status_of("B-1");
    ASSERT_TRUE(Succeeded(status));
    EXPECT_TRUE(status->due_on);
    EXPECT_EQ(status->holds, 2);
    EXPECT_FALSE(status->on_hold_shelf);
}

TEST_F(CirculationItemStatusTest, ReadyHoldPutsTheItemOnTheHoldShelf) {
    ready_hold(add_adult(2), "B-1");
    hold(add_adult(3), "B-1");

    const auto status = status_of("B-1");
    ASSERT_TRUE(Succeeded(status));
    EXPECT_FALSE(status->due_on);
    EXPECT_EQ(status->holds, 2);
    EXPECT_TRUE(status->on_hold_shelf);
}

TEST_F(CirculationItemStatusTest, UnknownItemIsNotFound) {
    lend(add_adult(2), "B-1");
    EXPECT_TRUE(Refused(status_of("B-9"), ErrorCode::not_found, "barcode"));
}

TEST_F(CirculationItemStatusTest, MalformedBarcodeIsInvalid) {
    EXPECT_TRUE(Refused(status_of(""), ErrorCode::invalid_input, "barcode"));
    EXPECT_TRUE(Refused(status_of("B 1"), ErrorCode::invalid_input, "barcode"));
    EXPECT_TRUE(Refused(status_of(std::string(33, 'B')), ErrorCode::invalid_input, "barcode"));
}

TEST_F(CirculationItemStatusTest, OnlyRolesThatCheckOutMaySeeIt) {
    const PatronId borrower = add_adult(2);
    lend(borrower, "B-1");
    for (const Role role : {Role::circulation, Role::home_service, Role::admin}) {
        EXPECT_TRUE(Succeeded(status_of("B-1", staff(role)))) << to_string(role);
    }
    EXPECT_TRUE(Succeeded(status_of("B-1", kiosk_caller())));
    for (const Role role : {Role::billing, Role::dpo}) {
        EXPECT_TRUE(Refused(status_of("B-1", staff(role)), ErrorCode::permission_denied, ""))
            << to_string(role);
    }
    // Not even a patron for their own loan: item status is a desk's and a kiosk's view.
    EXPECT_TRUE(
        Refused(status_of("B-1", self_service(borrower)), ErrorCode::permission_denied, ""));
}

TEST_F(CirculationItemStatusTest, ChangesAndAuditsNothing) {
    lend(add_adult(2), "B-1");
    const TableSnapshot before = table_snapshot();
    ASSERT_TRUE(Succeeded(status_of("B-1")));
    (void)status_of("B-9");
    (void)status_of("B 1");
    EXPECT_EQ(table_snapshot(), before);
}

}  // namespace
}  // namespace patron::test
