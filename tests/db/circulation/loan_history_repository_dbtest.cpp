// Loan-history consents and history in storage (LoanHistoryRepository): a consent is recorded once,
// withdrawing it deletes exactly that patron's history, history is read newest return first and
// re-validated, and storage refuses history without a consent.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"
#include "patron/exception.hpp"

namespace patron::test {
namespace {

using std::chrono::hours;

class LoanHistoryRepositoryTest : public RegisterDbTest {
protected:
    bool grant(PatronId patron, ConsentMethod method, TimePoint at,
               std::string_view actor = "home-1") {
        auto tx = database_->begin();
        const bool granted = tx->loan_history().grant(patron, method, at, actor);
        tx->commit();
        return granted;
    }

    std::optional<std::size_t> withdraw(PatronId patron) {
        auto tx = database_->begin();
        const auto deleted = tx->loan_history().withdraw(patron);
        tx->commit();
        return deleted;
    }

    std::optional<LoanHistoryConsent> consent(PatronId patron) {
        auto tx = database_->begin();
        return tx->loan_history().consent(patron);
    }

    std::vector<LoanHistoryEntry> entries(PatronId patron) {
        auto tx = database_->begin();
        return tx->loan_history().entries(patron);
    }

    /// A history entry as return_loan writes it: lent `days_before` days before `returned`.
    void add_entry(PatronId patron, const std::string& barcode, TimePoint returned,
                   int days_before = 14) {
        sql(fmt::format(
            "INSERT INTO loan_history (patron_id, barcode, title, material_type, checked_out_at, "
            "returned_at) VALUES ({}, '{}', 'Title {}', 'book', '{}', '{}')",
            patron.value, barcode, barcode, to_iso(returned - hours{24 * days_before}),
            to_iso(returned)));
    }

    [[nodiscard]] long history_rows(PatronId patron) const {
        return count(
            fmt::format("SELECT count(*) FROM loan_history WHERE patron_id = {}", patron.value));
    }
};

TEST_F(LoanHistoryRepositoryTest, ConsentIsRecordedOnce) {
    const PatronId p = add_adult(2);
    const TimePoint at = clock_.now();
    EXPECT_FALSE(consent(p));

    EXPECT_TRUE(grant(p, ConsentMethod::verbal, at));
    auto recorded = consent(p);
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->granted_at, at);
    EXPECT_EQ(recorded->granted_by, "home-1");
    EXPECT_EQ(recorded->method, ConsentMethod::verbal);

    // A second grant changes nothing, not even who recorded it or how.
    EXPECT_FALSE(grant(p, ConsentMethod::written, at + hours{1}, "home-2"));
    recorded = consent(p);
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->granted_at, at);
    EXPECT_EQ(recorded->granted_by, "home-1");
    EXPECT_EQ(recorded->method, ConsentMethod::verbal);

    EXPECT_FALSE(consent(add_adult(3)));
}

TEST_F(LoanHistoryRepositoryTest, EachMethodIsStoredAsGiven) {
    for (const auto method :
         {ConsentMethod::written, ConsentMethod::verbal, ConsentMethod::electronic}) {
        const PatronId p = add_adult(10 + static_cast<int>(method));
        ASSERT_TRUE(grant(p, method, clock_.now()));
        const auto recorded = consent(p);
        ASSERT_TRUE(recorded);
        EXPECT_EQ(recorded->method, method);
        EXPECT_EQ(sql_value(fmt::format(
                      "SELECT method FROM loan_history_consents WHERE patron_id = {}", p.value)),
                  to_string(method));
    }
}

TEST_F(LoanHistoryRepositoryTest, WithdrawDeletesThatPatronsHistoryOnly) {
    const PatronId p = add_adult(2);
    const PatronId other = add_adult(3);
    const TimePoint now = clock_.now();
    ASSERT_TRUE(grant(p, ConsentMethod::written, now));
    ASSERT_TRUE(grant(other, ConsentMethod::written, now));
    add_entry(p, "P1", now - hours{72});
    add_entry(p, "P2", now - hours{48});
    add_entry(p, "P3", now - hours{24});
    add_entry(other, "O1", now - hours{48});
    add_entry(other, "O2", now - hours{24});

    EXPECT_EQ(withdraw(p), std::optional<std::size_t>{3});

    EXPECT_FALSE(consent(p));
    EXPECT_TRUE(entries(p).empty());
    EXPECT_EQ(history_rows(p), 0);
    EXPECT_TRUE(consent(other));
    EXPECT_EQ(entries(other).size(), 2U);
    EXPECT_EQ(history_rows(other), 2);
}

TEST_F(LoanHistoryRepositoryTest, WithdrawWithoutConsentIsEmpty) {
    const PatronId p = add_adult(2);
    EXPECT_EQ(withdraw(p), std::nullopt);

    ASSERT_TRUE(grant(p, ConsentMethod::electronic, clock_.now()));
    EXPECT_EQ(withdraw(p), std::optional<std::size_t>{0});  // in force, but nothing kept yet
    EXPECT_EQ(withdraw(p), std::nullopt);                   // already withdrawn

    // A new consent starts a new history.
    ASSERT_TRUE(grant(p, ConsentMethod::written, clock_.now()));
    add_entry(p, "P1", clock_.now());
    EXPECT_EQ(withdraw(p), std::optional<std::size_t>{1});
}

TEST_F(LoanHistoryRepositoryTest, EntriesNewestReturnFirst) {
    const PatronId p = add_adult(2);
    const TimePoint now = clock_.now();
    ASSERT_TRUE(grant(p, ConsentMethod::written, now - hours{24 * 30}));
    add_entry(p, "MIDDLE", now - hours{48}, 7);
    add_entry(p, "NEWEST", now - hours{1}, 21);
    add_entry(p, "OLDEST", now - hours{24 * 10}, 3);

    const auto history = entries(p);

    ASSERT_EQ(history.size(), 3U);
    EXPECT_EQ(history[0].item.barcode(), "NEWEST");
    EXPECT_EQ(history[1].item.barcode(), "MIDDLE");
    EXPECT_EQ(history[2].item.barcode(), "OLDEST");
    const auto expected = Item::make("NEWEST", "Title NEWEST", "book");
    ASSERT_TRUE(expected);
    EXPECT_EQ(history[0].item, *expected);
    EXPECT_EQ(history[0].returned_at, now - hours{1});
    EXPECT_EQ(history[0].checked_out_at, now - hours{1} - hours{24 * 21});
    EXPECT_EQ(history[2].returned_at, now - hours{24 * 10});
    EXPECT_EQ(history[2].checked_out_at, now - hours{24 * 13});

    EXPECT_TRUE(entries(add_adult(3)).empty());
}

TEST_F(LoanHistoryRepositoryTest, EntryTheRegisterWouldNotWriteIsReportedCorrupt) {
    const PatronId p = add_adult(2);
    ASSERT_TRUE(grant(p, ConsentMethod::written, clock_.now()));
    add_entry(p, "not a barcode", clock_.now());

    EXPECT_THROW((void)entries(p), DatabaseError);
}

TEST_F(LoanHistoryRepositoryTest, StorageRefusesHistoryWithoutConsent) {
    const PatronId p = add_adult(2);
    EXPECT_ANY_THROW(add_entry(p, "P1", clock_.now()));
    EXPECT_EQ(history_rows(p), 0);
}

}  // namespace
}  // namespace patron::test
