// The circulation storage itself (CirculationRepository on PostgreSQL): what the circulation
// service relies on the database to guarantee — one current loan per item, one open hold per
// patron and item, items kept by barcode, a returned loan left linked to nobody unless the
// patron consented to loan history, loan rules by specificity, invoices grouping exactly the
// uninvoiced unpaid fees, and one-statement summaries. Checked through the repository and, where
// it is about what is stored, with SQL.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <type_traits>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"
#include "patron/exception.hpp"
#include "patron/store/database.hpp"

namespace patron::test {
namespace {

constexpr std::string_view kActor = "staff-1";

class CirculationRepositoryTest : public RegisterDbTest {
protected:
    static Item item(std::string_view barcode, std::string_view title = "A test title",
                     std::string_view material_type = "book") {
        return Item::make(barcode, title, material_type).value();
    }

    /// Today shifted by `offset` days.
    [[nodiscard]] Date day(int offset) const {
        return Date{std::chrono::sys_days{clock_.today()} + std::chrono::days{offset}};
    }

    /// Runs `work` on the circulation repository of a new transaction, then commits.
    template <class Work>
    auto committed(Work work) {
        auto tx = database_->begin();
        if constexpr (std::is_void_v<decltype(work(tx->circulation()))>) {
            work(tx->circulation());
            tx->commit();
        } else {
            auto result = work(tx->circulation());
            tx->commit();
            return result;
        }
    }

    Loan lend(PatronId patron, const Item& lent, int due_in_days = 28) {
        return committed([&](store::CirculationRepository& c) {
                   return c.insert_loan(patron, lent, clock_.now(), kActor, day(due_in_days));
               })
            .value();
    }

    Fee charge(PatronId patron, std::int64_t cents,
               const std::optional<std::string>& barcode = std::nullopt) {
        return committed([&](store::CirculationRepository& c) {
                   return c.insert_fee(patron, FeeKind::other, cents, "", barcode, clock_.now(),
                                       kActor);
               })
            .value();
    }

    void grant_history_consent(PatronId patron) {
        sql(
            fmt::format("INSERT INTO loan_history_consents (patron_id, granted_at, granted_by, "
                        "method) VALUES ({}, now(), 'staff-1', 'written')",
                        patron.value));
    }

    /// Rows that tie `patron` to a loaned item: current loans, holds, fees, notices about a loan,
    /// loan history.
    [[nodiscard]] long item_links(PatronId patron) const {
        return count(fmt::format(
            "SELECT (SELECT count(*) FROM loans WHERE patron_id = {0}) + "
            "(SELECT count(*) FROM holds WHERE patron_id = {0}) + "
            "(SELECT count(*) FROM fees WHERE patron_id = {0} AND item_id IS NOT NULL) + "
            "(SELECT count(*) FROM messages WHERE patron_id = {0} AND loan_id IS NOT NULL) + "
            "(SELECT count(*) FROM loan_history WHERE patron_id = {0})",
            patron.value));
    }
};

std::vector<std::int64_t> fee_ids(const std::vector<FeeId>& fees) {
    std::vector<std::int64_t> out;
    for (const auto& f : fees) out.push_back(f.value);
    return out;
}

// Items.

TEST_F(CirculationRepositoryTest, ItemIsKeptByBarcodeAndCheckoutsBringItUpToDate) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    const Loan first = lend(a, item("B-100", "Old title", "book"));
    EXPECT_EQ(first.item, item("B-100", "Old title", "book"));
    committed([&](store::CirculationRepository& c) {
        EXPECT_FALSE(c.return_loan(first.id, clock_.now(), kActor));
    });

    const Loan second = lend(b, item("B-100", "New title", "dvd"));
    EXPECT_EQ(second.item, item("B-100", "New title", "dvd"));
    // A hold, which a patron may place, records an unknown item but never renames a known one.
    const auto hold = committed([&](store::CirculationRepository& c) {
        return c.insert_hold(a, item("B-100", "Hold title", "reference"), clock_.now(), kActor);
    });
    ASSERT_TRUE(hold);
    EXPECT_EQ(hold->item, item("B-100", "New title", "dvd"));
    const auto unknown = committed([&](store::CirculationRepository& c) {
        return c.insert_hold(a, item("B-200", "Hold title", "dvd"), clock_.now(), kActor);
    });
    ASSERT_TRUE(unknown);

    EXPECT_EQ(sql("SELECT barcode, title, material_type FROM items ORDER BY barcode"),
              (std::vector<std::vector<std::string>>{{"B-100", "New title", "dvd"},
                                                     {"B-200", "Hold title", "dvd"}}));
    EXPECT_EQ(count("SELECT count(DISTINCT item_id) FROM loans"), 1);
}

// Loans.

TEST_F(CirculationRepositoryTest, AnItemOnLoanCannotBeLentAgainButItsRecordIsUpdated) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    const Loan loan = lend(a, item("B-1", "First"));
    EXPECT_EQ(loan.patron, a);
    EXPECT_EQ(loan.renewals, 0);
    EXPECT_EQ(loan.due_on, day(28));
    EXPECT_EQ(loan.checked_out_at, clock_.now());

    const auto again = committed([&](store::CirculationRepository& c) {
        return c.insert_loan(b, item("B-1", "Second"), clock_.now(), kActor, day(14));
    });
    EXPECT_FALSE(again);
    EXPECT_EQ(count("SELECT count(*) FROM loans"), 1);
    EXPECT_EQ(sql_value("SELECT title FROM items"), "Second");
    EXPECT_EQ(sql_value("SELECT patron_id FROM loans"), std::to_string(a.value));
}

TEST_F(CirculationRepositoryTest, LockedLoanIsTheCurrentLoanAsInserted) {
    const PatronId a = add_adult(2);
    const Loan loan = lend(a, item("B-1"));
    auto tx = database_->begin();
    auto& c = tx->circulation();
    for (const auto& locked : {c.lock_loan(loan.id), c.lock_loan_of_item("B-1")}) {
        ASSERT_TRUE(locked);
        EXPECT_EQ(locked->id, loan.id);
        EXPECT_EQ(locked->patron, a);
        EXPECT_EQ(locked->item, loan.item);
        EXPECT_EQ(locked->checked_out_at, loan.checked_out_at);
        EXPECT_EQ(locked->due_on, loan.due_on);
    }
    EXPECT_FALSE(c.lock_loan_of_item("B-2"));
    EXPECT_FALSE(c.lock_loan(LoanId{loan.id.value + 1}));

    EXPECT_FALSE(c.return_loan(loan.id, clock_.now(), kActor));
    EXPECT_FALSE(c.lock_loan(loan.id)) << "a returned loan is not current";
    EXPECT_FALSE(c.lock_loan_of_item("B-1"));
    EXPECT_TRUE(c.loans(a).empty());
}

TEST_F(CirculationRepositoryTest, LoansComeByDueDateAndRenewalCountsAndMovesTheDueDate) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    const Loan late = lend(a, item("B-1"), 20);
    const Loan early = lend(a, item("B-2"), 5);
    lend(b, item("B-3"), 1);

    committed([&](store::CirculationRepository& c) {
        const auto loans = c.loans(a);
        ASSERT_EQ(loans.size(), 2U);
        EXPECT_EQ(loans[0].id, early.id);
        EXPECT_EQ(loans[1].id, late.id);

        c.renew_loan(early.id, day(30));
        c.renew_loan(early.id, day(40));
        const auto renewed = c.lock_loan(early.id);
        ASSERT_TRUE(renewed);
        EXPECT_EQ(renewed->renewals, 2);
        EXPECT_EQ(renewed->due_on, day(40));
        EXPECT_EQ(c.loans(a)[0].id, late.id) << "now due first";
    });
}

TEST_F(CirculationRepositoryTest, ReturnKeepsThePatronOnlyAsTheItemsLastBorrower) {
    const PatronId a = add_adult(2);
    const Loan loan = lend(a, item("B-1"));
    clock_.advance(std::chrono::hours{1});
    const bool history = committed([&](store::CirculationRepository& c) {
        return c.return_loan(loan.id, clock_.now(), "staff-2");
    });
    EXPECT_FALSE(history);

    EXPECT_EQ(sql(fmt::format("SELECT patron_id, returned_by, returned_at = '{}'::timestamptz "
                              "FROM loans WHERE id = {}",
                              to_iso(clock_.now()), loan.id.value)),
              (std::vector<std::vector<std::string>>{{std::to_string(a.value), "staff-2", "t"}}))
        << "linked as the item's last borrower (damage claims) until retention detaches it";
    EXPECT_EQ(item_links(a), 1);
    EXPECT_EQ(count("SELECT count(*) FROM loan_history"), 0);

    // The next borrower's return detaches the earlier one: one returned loan per item names
    // anyone.
    const PatronId b = add_adult(3);
    const Loan next = lend(b, item("B-1"));
    EXPECT_EQ(item_links(a), 1) << "still the last to return it while the next has it";
    EXPECT_FALSE(committed([&](store::CirculationRepository& c) {
        return c.return_loan(next.id, clock_.now(), "staff-2");
    }));
    EXPECT_EQ(item_links(a), 0);
    EXPECT_EQ(item_links(b), 1);

    // Returning again changes nothing.
    EXPECT_FALSE(committed([&](store::CirculationRepository& c) {
        return c.return_loan(loan.id, clock_.now(), "staff-3");
    }));
    EXPECT_EQ(sql_value(fmt::format("SELECT returned_by FROM loans WHERE id = {}", loan.id.value)),
              "staff-2");
}

TEST_F(CirculationRepositoryTest, ReturnWritesLoanHistoryOnlyUnderAConsent) {
    const PatronId consenting = add_adult(2);
    const PatronId other = add_adult(3);
    grant_history_consent(consenting);
    const Loan kept = lend(consenting, item("B-1", "Kept title", "audiobook"));
    const Loan not_kept = lend(other, item("B-2"));
    clock_.advance(std::chrono::hours{2});

    EXPECT_TRUE(committed([&](store::CirculationRepository& c) {
        return c.return_loan(kept.id, clock_.now(), kActor);
    }));
    EXPECT_FALSE(committed([&](store::CirculationRepository& c) {
        return c.return_loan(not_kept.id, clock_.now(), kActor);
    }));

    EXPECT_EQ(sql(fmt::format("SELECT patron_id, barcode, title, material_type, "
                              "checked_out_at = '{}'::timestamptz, returned_at = '{}'::timestamptz "
                              "FROM loan_history",
                              to_iso(kept.checked_out_at), to_iso(clock_.now()))),
              (std::vector<std::vector<std::string>>{
                  {std::to_string(consenting.value), "B-1", "Kept title", "audiobook", "t", "t"}}));
    EXPECT_EQ(count("SELECT count(*) FROM loans WHERE patron_id IS NOT NULL"), 2)
        << "each returned loan names only its item's last borrower";
    EXPECT_EQ(item_links(other), 1);
}

TEST_F(CirculationRepositoryTest, ReturnDropsPendingNoticesOfTheLoanAndUnlinksSentOnes) {
    const PatronId a = add_adult(2);
    const Loan loan = lend(a, item("B-1"));
    const Loan other = lend(a, item("B-2"));
    sql(fmt::format(
        "INSERT INTO messages (patron_id, kind, channel, loan_id, created_at, status, sent_at) "
        "VALUES ({0}, 'due_date_reminder', 'email', {1}, now(), 'sent', now()), "
        "({0}, 'overdue_notice', 'email', {1}, now(), 'pending', NULL), "
        "({0}, 'overdue_notice', 'sms', {2}, now(), 'pending', NULL)",
        a.value, loan.id.value, other.id.value));

    committed([&](store::CirculationRepository& c) {
        EXPECT_FALSE(c.return_loan(loan.id, clock_.now(), kActor));
    });

    EXPECT_EQ(sql("SELECT kind, status, coalesce(loan_id::text, '-') FROM messages ORDER BY id"),
              (std::vector<std::vector<std::string>>{
                  {"due_date_reminder", "sent", "-"},
                  {"overdue_notice", "pending", std::to_string(other.id.value)}}));
}

TEST_F(CirculationRepositoryTest, LoanRuleIsTheMostSpecificMatch) {
    sql("INSERT INTO loan_rules VALUES ('dvd', 'child', 7, 0), ('dvd', '*', 14, 1), "
        "('*', 'child', 21, 2), ('*', 'home_service', 35, 3)");
    const auto rule = [&](std::string_view type, std::string_view category) {
        const store::LoanRule r =
            committed([&](store::CirculationRepository& c) { return c.loan_rule(type, category); });
        return std::pair{r.loan_days, r.max_renewals};
    };
    EXPECT_EQ(rule("dvd", "child"), std::pair(7, 0));
    EXPECT_EQ(rule("dvd", "adult"), std::pair(14, 1));
    EXPECT_EQ(rule("book", "child"), std::pair(21, 2));
    EXPECT_EQ(rule("book", "adult"), std::pair(28, 5)) << "the catch-all of the migration";
    EXPECT_EQ(rule("dvd", "home_service"), std::pair(14, 1)) << "the type before the category";

    sql("DELETE FROM loan_rules WHERE material_type = '*' AND patron_category = '*'");
    EXPECT_EQ(rule("dvd", "adult"), std::pair(14, 1));
    EXPECT_THROW((void)rule("book", "adult"), DatabaseError);
}

// Holds.

TEST_F(CirculationRepositoryTest, OnePatronHasOneOpenHoldPerItem) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    auto tx = database_->begin();
    auto& c = tx->circulation();
    const auto first = c.insert_hold(a, item("B-1"), clock_.now(), kActor);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, HoldStatus::placed);
    EXPECT_FALSE(first->pickup_by);
    clock_.advance(std::chrono::minutes{1});
    EXPECT_FALSE(c.insert_hold(a, item("B-1"), clock_.now(), kActor)) << "already placed";
    const auto by_b = c.insert_hold(b, item("B-1"), clock_.now(), kActor);
    ASSERT_TRUE(by_b);

    c.set_hold_ready(first->id, clock_.now(), day(7));
    EXPECT_FALSE(c.insert_hold(a, item("B-1"), clock_.now(), kActor)) << "ready is open too";

    const auto on_item = c.open_holds_on_item("B-1");
    ASSERT_EQ(on_item.size(), 2U);
    EXPECT_EQ(on_item[0].id, first->id) << "oldest first";
    EXPECT_EQ(on_item[1].id, by_b->id);

    c.close_hold(first->id, HoldStatus::cancelled, clock_.now(), kActor);
    const auto again = c.insert_hold(a, item("B-1"), clock_.now(), kActor);
    ASSERT_TRUE(again) << "a closed hold does not count";
    ASSERT_EQ(c.holds(a).size(), 1U);
    EXPECT_EQ(c.holds(a)[0].id, again->id);
}

TEST_F(CirculationRepositoryTest, HoldGoesReadyAndClosesOnce) {
    const PatronId a = add_adult(2);
    auto tx = database_->begin();
    auto& c = tx->circulation();
    const Hold hold = c.insert_hold(a, item("B-1"), clock_.now(), kActor).value();

    c.set_hold_ready(hold.id, clock_.now(), day(7));
    auto locked = c.lock_hold(hold.id);
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->status, HoldStatus::ready);
    EXPECT_EQ(locked->pickup_by, day(7));
    EXPECT_EQ(locked->item, item("B-1"));
    EXPECT_EQ(locked->placed_at, hold.placed_at);

    c.close_hold(hold.id, HoldStatus::fulfilled, clock_.now(), kActor);
    c.close_hold(hold.id, HoldStatus::cancelled, clock_.now(), kActor);  // closed: no change
    c.set_hold_ready(hold.id, clock_.now(), day(9));                     // not placed: no change
    locked = c.lock_hold(hold.id);
    ASSERT_TRUE(locked) << "a hold is found in any status";
    EXPECT_EQ(locked->status, HoldStatus::fulfilled);
    EXPECT_TRUE(c.holds(a).empty());
    EXPECT_TRUE(c.open_holds_on_item("B-1").empty());
    EXPECT_FALSE(c.lock_hold(HoldId{hold.id.value + 1}));
}

TEST_F(CirculationRepositoryTest, ExpiringClosesReadyHoldsWhosePickupDayHasPassed) {
    const PatronId a = add_adult(2);
    const Hold passed = committed([&](store::CirculationRepository& c) {
        const Hold h1 = c.insert_hold(a, item("B-1"), clock_.now(), kActor).value();
        const Hold last_day = c.insert_hold(a, item("B-2"), clock_.now(), kActor).value();
        (void)c.insert_hold(a, item("B-3"), clock_.now(), kActor);  // stays placed
        c.set_hold_ready(h1.id, clock_.now(), day(-1));
        c.set_hold_ready(last_day.id, clock_.now(), day(0));
        return h1;
    });

    const auto expired = committed([&](store::CirculationRepository& c) {
        return c.expire_holds(clock_.today(), clock_.now(), "expiry-job");
    });
    ASSERT_EQ(expired.size(), 1U);
    EXPECT_EQ(expired[0].id, passed.id);
    EXPECT_EQ(expired[0].status, HoldStatus::expired);
    EXPECT_EQ(expired[0].item, item("B-1"));
    EXPECT_EQ(expired[0].patron, a);

    EXPECT_EQ(sql("SELECT status, closed_by FROM holds ORDER BY id"),
              (std::vector<std::vector<std::string>>{
                  {"expired", "expiry-job"}, {"ready", "<null>"}, {"placed", "<null>"}}));
    EXPECT_TRUE(committed([&](store::CirculationRepository& c) {
                    return c.expire_holds(clock_.today(), clock_.now(), "expiry-job");
                }).empty())
        << "nothing twice";
}

// Fees.

TEST_F(CirculationRepositoryTest, FeeNamesAKnownItemOrNone) {
    const PatronId a = add_adult(2);
    lend(a, item("B-1"));
    auto tx = database_->begin();
    auto& c = tx->circulation();
    EXPECT_FALSE(
        c.insert_fee(a, FeeKind::lost, 2500, "Lost", std::string("B-9"), clock_.now(), kActor))
        << "unknown barcode";

    const auto lost =
        c.insert_fee(a, FeeKind::lost, 2500, "Lost book", std::string("B-1"), clock_.now(), kActor);
    ASSERT_TRUE(lost);
    const auto other = c.insert_fee(a, FeeKind::other, 150, "", std::nullopt, clock_.now(), kActor);
    ASSERT_TRUE(other);

    const auto locked = c.lock_fee(lost->id);
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->kind, FeeKind::lost);
    EXPECT_EQ(locked->amount_cents, 2500);
    EXPECT_EQ(locked->description, "Lost book");
    EXPECT_EQ(locked->barcode, std::optional<std::string>("B-1"));
    EXPECT_EQ(locked->created_at, lost->created_at);
    EXPECT_FALSE(locked->paid_at || locked->cancelled_at || locked->invoice);

    const auto plain = c.lock_fee(other->id);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->description, "");
    EXPECT_FALSE(plain->barcode);
    tx->commit();
    EXPECT_EQ(count("SELECT count(*) FROM fees"), 2);
}

TEST_F(CirculationRepositoryTest, PaidAndCancelledFeesCloseOnceAndLeaveTheOpenList) {
    const PatronId a = add_adult(2);
    const Fee paid = charge(a, 100);
    const Fee cancelled = charge(a, 200);
    const Fee open = charge(a, 300);
    auto tx = database_->begin();
    auto& c = tx->circulation();
    c.pay_fee(paid.id, clock_.now(), kActor);
    c.cancel_fee(cancelled.id, clock_.now(), kActor);
    c.cancel_fee(paid.id, clock_.now(), kActor);  // already paid: no change
    c.pay_fee(cancelled.id, clock_.now(), kActor);

    const auto fees = c.fees(a);
    ASSERT_EQ(fees.size(), 1U);
    EXPECT_EQ(fees[0].id, open.id);
    EXPECT_TRUE(c.lock_fee(paid.id)->paid_at);
    EXPECT_FALSE(c.lock_fee(paid.id)->cancelled_at);
    EXPECT_TRUE(c.lock_fee(cancelled.id)->cancelled_at);
    EXPECT_FALSE(c.lock_fee(cancelled.id)->paid_at);
}

// Invoices.

TEST_F(CirculationRepositoryTest, InvoiceGroupsTheUninvoicedUnpaidFeesAndIsNumberedByYear) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    const auto invoice = [&](PatronId p, Date issued) {
        return committed([&](store::CirculationRepository& c) {
            const Date due{std::chrono::sys_days{issued} + std::chrono::days{14}};
            return c.insert_invoice(p, issued, due, clock_.now(), kActor);
        });
    };
    EXPECT_FALSE(invoice(a, day(0))) << "no fees";
    EXPECT_EQ(count("SELECT count(*) FROM invoices"), 0);

    const Fee f1 = charge(a, 100);
    const Fee f2 = charge(a, 250);
    const Fee paid = charge(a, 1000);
    const Fee cancelled = charge(a, 2000);
    charge(b, 5000);
    committed([&](store::CirculationRepository& c) {
        c.pay_fee(paid.id, clock_.now(), kActor);
        c.cancel_fee(cancelled.id, clock_.now(), kActor);
    });

    const auto first = invoice(a, day(0));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->number, "2026-000001") << "no number spent on the empty attempt";
    EXPECT_EQ(first->total_cents, 350);
    EXPECT_EQ(first->status, InvoiceStatus::open);
    EXPECT_EQ(fee_ids(first->fees), (std::vector{f1.id.value, f2.id.value}));
    EXPECT_FALSE(invoice(a, day(0))) << "every fee is invoiced already";

    const Fee f3 = charge(a, 75);
    const auto next_year = invoice(a, Date{std::chrono::year{2027} / 1 / 2});
    ASSERT_TRUE(next_year);
    EXPECT_EQ(next_year->number, "2027-000002");
    EXPECT_EQ(fee_ids(next_year->fees), std::vector{f3.id.value});

    const auto locked =
        committed([&](store::CirculationRepository& c) { return c.lock_invoice(first->id); });
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->number, first->number);
    EXPECT_EQ(locked->patron, a);
    EXPECT_EQ(locked->issued_on, day(0));
    EXPECT_EQ(locked->due_on, day(14));
    EXPECT_EQ(locked->total_cents, 350);
    EXPECT_EQ(fee_ids(locked->fees), fee_ids(first->fees));
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM fees WHERE invoice_id IS NOT NULL AND "
                                "patron_id = {}",
                                b.value)),
              0);
}

TEST_F(CirculationRepositoryTest, PayingAnInvoicePaysItsFees) {
    const PatronId a = add_adult(2);
    charge(a, 100);
    charge(a, 200);
    auto tx = database_->begin();
    auto& c = tx->circulation();
    const Invoice invoice = c.insert_invoice(a, day(0), day(14), clock_.now(), kActor).value();
    ASSERT_EQ(c.invoices(a).size(), 1U);

    c.pay_invoice(invoice.id, clock_.now(), "billing-1");
    c.cancel_invoice(invoice.id, clock_.now(), kActor);  // closed: no change
    EXPECT_EQ(c.lock_invoice(invoice.id)->status, InvoiceStatus::paid);
    EXPECT_TRUE(c.invoices(a).empty());
    EXPECT_TRUE(c.fees(a).empty());
    tx->commit();
    EXPECT_EQ(
        sql("SELECT DISTINCT paid_by, invoice_id FROM fees"),
        (std::vector<std::vector<std::string>>{{"billing-1", std::to_string(invoice.id.value)}}));
    EXPECT_EQ(sql_value("SELECT closed_by FROM invoices"), "billing-1");
}

TEST_F(CirculationRepositoryTest, CancellingAnInvoiceReleasesItsFeesForTheNextOne) {
    const PatronId a = add_adult(2);
    const Fee f1 = charge(a, 100);
    const Fee f2 = charge(a, 200);
    auto tx = database_->begin();
    auto& c = tx->circulation();
    const Invoice first = c.insert_invoice(a, day(0), day(14), clock_.now(), kActor).value();
    c.cancel_invoice(first.id, clock_.now(), kActor);
    c.pay_invoice(first.id, clock_.now(), kActor);  // closed: no change

    const auto cancelled = c.lock_invoice(first.id);
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->status, InvoiceStatus::cancelled);
    EXPECT_TRUE(cancelled->fees.empty());
    const auto fees = c.fees(a);
    ASSERT_EQ(fees.size(), 2U);
    EXPECT_FALSE(fees[0].invoice || fees[0].paid_at || fees[1].invoice || fees[1].paid_at);

    const auto second = c.insert_invoice(a, day(1), day(15), clock_.now(), kActor);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->number, "2026-000002");
    EXPECT_EQ(fee_ids(second->fees), (std::vector{f1.id.value, f2.id.value}));
    EXPECT_EQ(second->total_cents, 300);
}

// Loan bans.

TEST_F(CirculationRepositoryTest, LoanBansAreInForceFromTheirStartToTheirEndUnlessLifted) {
    const PatronId a = add_adult(2);
    auto tx = database_->begin();
    auto& c = tx->circulation();
    const auto ban_of = [&](Date on) { return c.lock_borrower(a, on).value().loan_ban; };

    const LoanBan ended = c.insert_loan_ban(a, "Ended", day(-10), day(-1), clock_.now(), kActor);
    const LoanBan future = c.insert_loan_ban(a, "Future", day(3), day(5), clock_.now(), kActor);
    const LoanBan open = c.insert_loan_ban(a, "Open", day(10), std::nullopt, clock_.now(), kActor);
    EXPECT_EQ(open.reason, "Open");
    EXPECT_FALSE(open.ends_on);
    EXPECT_FALSE(ban_of(day(0)));
    EXPECT_TRUE(ban_of(day(-1))) << "the last day is included";
    EXPECT_TRUE(ban_of(day(3))) << "the first day is included";
    EXPECT_FALSE(ban_of(day(6)));
    EXPECT_TRUE(ban_of(day(400)));

    const auto listed = c.loan_bans(a, day(0));
    ASSERT_EQ(listed.size(), 2U) << "not ended before today, by start";
    EXPECT_EQ(listed[0].id, future.id);
    EXPECT_EQ(listed[1].id, open.id);
    EXPECT_EQ(c.loan_bans(a, day(-1)).size(), 3U);

    c.lift_loan_ban(open.id, clock_.now(), kActor);
    EXPECT_FALSE(ban_of(day(400)));
    ASSERT_EQ(c.loan_bans(a, day(0)).size(), 1U);
    const auto lifted = c.lock_loan_ban(open.id);
    ASSERT_TRUE(lifted);
    EXPECT_EQ(lifted->lifted_at, std::optional(clock_.now()));
    EXPECT_EQ(lifted->starts_on, day(10));
    const auto locked_ended = c.lock_loan_ban(ended.id);
    ASSERT_TRUE(locked_ended);
    EXPECT_EQ(locked_ended->ends_on, std::optional(day(-1)));
    EXPECT_FALSE(locked_ended->lifted_at);
}

// Summary and borrower state.

TEST_F(CirculationRepositoryTest, SummaryCountsWhatIsCurrentForThePatronOnly) {
    const PatronId a = add_adult(2);
    const PatronId b = add_adult(3);
    lend(a, item("B-1"), -1);  // overdue
    lend(a, item("B-2"), 0);   // due today: not overdue yet
    lend(a, item("B-3"), 10);
    const Loan returned = lend(a, item("B-4"), -5);
    lend(b, item("B-5"), -3);
    charge(a, 400);
    charge(a, 600);
    charge(b, 900);
    committed([&](store::CirculationRepository& c) {
        c.return_loan(returned.id, clock_.now(), kActor);
        (void)c.insert_hold(a, item("B-6"), clock_.now(), kActor);
        const Hold ready = c.insert_hold(a, item("B-7"), clock_.now(), kActor).value();
        const Hold closed = c.insert_hold(a, item("B-8"), clock_.now(), kActor).value();
        c.set_hold_ready(ready.id, clock_.now(), day(5));
        c.close_hold(closed.id, HoldStatus::cancelled, clock_.now(), kActor);
        (void)c.insert_hold(b, item("B-9"), clock_.now(), kActor);
        const Invoice paid = c.insert_invoice(a, day(0), day(14), clock_.now(), kActor).value();
        c.pay_invoice(paid.id, clock_.now(), kActor);
        (void)c.insert_invoice(b, day(0), day(14), clock_.now(), kActor);
        (void)c.insert_loan_ban(a, "Ban", day(0), day(0), clock_.now(), kActor);
    });
    charge(a, 150);
    charge(a, 50);
    committed([&](store::CirculationRepository& c) {
        (void)c.insert_invoice(a, day(0), day(14), clock_.now(), kActor).value();
    });
    charge(a, 25);

    auto tx = database_->begin();
    auto& c = tx->circulation();
    const auto row = c.summary(a, clock_.today());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->borrower.id, a);
    const CirculationSummary& s = row->counts;
    EXPECT_EQ(s.loans, 3);
    EXPECT_EQ(s.overdue_loans, 1);
    EXPECT_EQ(s.holds_placed, 1);
    EXPECT_EQ(s.holds_ready, 1);
    EXPECT_EQ(s.unpaid_fees_cents, 225) << "invoiced and uninvoiced, not the paid ones";
    EXPECT_EQ(row->borrower.unpaid_fees_cents, 225);
    EXPECT_EQ(s.open_invoices, 1);
    EXPECT_EQ(s.open_invoices_cents, 200);
    EXPECT_TRUE(s.loan_ban);
    EXPECT_TRUE(row->borrower.loan_ban);

    const auto tomorrow = c.summary(a, day(1));
    ASSERT_TRUE(tomorrow);
    EXPECT_EQ(tomorrow->counts.overdue_loans, 2);
    EXPECT_FALSE(tomorrow->counts.loan_ban);

    const auto empty = c.summary(add_adult(4), clock_.today());
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->counts.loans + empty->counts.holds_placed + empty->counts.open_invoices, 0);
    EXPECT_EQ(empty->counts.unpaid_fees_cents + empty->counts.open_invoices_cents, 0);
    EXPECT_FALSE(c.summary(PatronId{999999}, clock_.today()));
}

TEST_F(CirculationRepositoryTest, LockBorrowerReadsWhatTheKioskReadsAndLocksThePatron) {
    const PatronId guardian = add_adult(2);
    PatronForm form = person_form(card_for(3), hetu_for(born_years_ago(10), 3));
    form.guardian = guardian;
    form.guardian_consent = true;
    form.category = "child";
    const PatronId ward = add(form);
    const TimePoint locked_until = clock_.now() + std::chrono::minutes{15};
    {
        auto tx = database_->begin();
        tx->pins().set(ward, StoredPin{"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", 1},
                       clock_.now(), kActor);
        tx->commit();
    }
    sql(fmt::format("UPDATE patron_pins SET failed_attempts = 5, locked_until = '{}'",
                    to_iso(locked_until)));
    charge(ward, 300);

    auto tx = database_->begin();
    const auto borrower = tx->circulation().lock_borrower(ward, clock_.today());
    ASSERT_TRUE(borrower);
    EXPECT_EQ(borrower->id, ward);
    EXPECT_EQ(borrower->kind, PatronKind::person);
    EXPECT_EQ(borrower->category, "child");
    EXPECT_EQ(borrower->birth_date, std::optional(born_years_ago(10)));
    EXPECT_TRUE(borrower->guardian_consent);
    EXPECT_EQ(borrower->unpaid_fees_cents, 300);
    EXPECT_FALSE(borrower->loan_ban);
    EXPECT_FALSE(borrower->processing_restricted);
    ASSERT_TRUE(borrower->pin);
    EXPECT_EQ(borrower->pin->failed_attempts, 5);
    EXPECT_EQ(borrower->pin->locked_until, std::optional(locked_until));
    EXPECT_FALSE(borrower->given_names.empty());

    // The kiosk's verification view reads the same state, category included.
    const auto view = tx->pins().verification_view(CardNumber::parse(card_for(3)).value(),
                                                   "kiosk-1", clock_.now(), clock_.today());
    ASSERT_TRUE(view.borrower);
    EXPECT_EQ(view.borrower->category, "child");
    EXPECT_EQ(view.borrower->given_names, borrower->given_names);
    EXPECT_EQ(view.borrower->unpaid_fees_cents, 300);
    EXPECT_TRUE(view.borrower->guardian_consent);
    EXPECT_EQ(view.borrower->pin->locked_until, borrower->pin->locked_until);

    // Another transaction finds the patron's row locked until this one ends.
    const auto skipping = fmt::format(
        "SELECT count(*) FROM (SELECT id FROM patrons WHERE id = {} FOR UPDATE SKIP LOCKED) p",
        ward.value);
    EXPECT_EQ(sql_value(skipping), "0");
    EXPECT_FALSE(tx->circulation().lock_borrower(PatronId{999999}, clock_.today()));
    tx.reset();
    EXPECT_EQ(sql_value(skipping), "1");
}

}  // namespace
}  // namespace patron::test
