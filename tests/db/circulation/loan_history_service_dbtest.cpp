// The LoanHistory service: a home-service customer's loan-history consent (who recorded it, when
// and how), the history that returns write only while it is in force, withdrawal deleting the
// whole history in the same transaction, the audit entries, and who may see any of it: home-
// service staff and the patron alone.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "db/circulation/circulation_fixture.hpp"
#include "patron/circulation/loan_history.hpp"

namespace patron::test {
namespace {

using std::chrono::days;

class LoanHistoryServiceTest : public CirculationDbTest {
protected:
    static Caller home_service() { return staff(Role::home_service); }

    Result<void> grant(const Caller& caller, PatronId patron,
                       ConsentMethod method = ConsentMethod::written) {
        return LoanHistory(context()).grant_consent(caller, patron, method);
    }

    Result<std::size_t> withdraw(const Caller& caller, PatronId patron) {
        return LoanHistory(context()).withdraw_consent(caller, patron);
    }

    Result<LoanHistoryView> read(const Caller& caller, PatronId patron) {
        return LoanHistory(context()).read(caller, patron);
    }

    /// Lends `barcode` to the patron now and takes it back `kept` days later.
    void borrow_and_return(PatronId patron, const std::string& barcode, int kept = 3) {
        lend(patron, barcode);
        clock_.advance(days{kept});
        take_back(barcode);
    }

    [[nodiscard]] long history_rows(PatronId patron) const {
        return count(
            fmt::format("SELECT count(*) FROM loan_history WHERE patron_id = {}", patron.value));
    }

    [[nodiscard]] long consent_rows(PatronId patron) const {
        return count(fmt::format("SELECT count(*) FROM loan_history_consents WHERE patron_id = {}",
                                 patron.value));
    }

    [[nodiscard]] long loans_linked_to(PatronId patron) const {
        return count(fmt::format("SELECT count(*) FROM loans WHERE patron_id = {}", patron.value));
    }
};

TEST_F(LoanHistoryServiceTest, GrantRecordsWhoWhenAndHow) {
    const PatronId patron = add_adult(2);
    ASSERT_TRUE(Succeeded(grant(home_service(), patron, ConsentMethod::verbal)));
    const TimePoint granted_at = clock_.now();

    clock_.advance(days{1});
    const auto view = read(home_service(), patron);
    ASSERT_TRUE(Succeeded(view));
    ASSERT_TRUE(view->consent.has_value());
    EXPECT_EQ(view->consent->granted_by, "staff-1");
    EXPECT_EQ(view->consent->granted_at, granted_at);
    EXPECT_EQ(view->consent->method, ConsentMethod::verbal);
    EXPECT_TRUE(view->entries.empty());
    EXPECT_EQ(sql_value(fmt::format("SELECT granted_by || '|' || method FROM "
                                    "loan_history_consents WHERE patron_id = {}",
                                    patron.value)),
              "staff-1|verbal");
}

TEST_F(LoanHistoryServiceTest, PatronGrantsTheirOwnConsentOnlyElectronically) {
    const PatronId patron = add_adult(2);
    for (const ConsentMethod method : {ConsentMethod::written, ConsentMethod::verbal}) {
        SCOPED_TRACE(to_string(method));
        const TableSnapshot before = table_snapshot();
        EXPECT_TRUE(Refused(grant(self_service(patron), patron, method), ErrorCode::invalid_input,
                            "method"));
        EXPECT_EQ(table_snapshot(), before);
    }
    ASSERT_TRUE(Succeeded(grant(self_service(patron), patron, ConsentMethod::electronic)));
    const auto view = read(self_service(patron), patron);
    ASSERT_TRUE(Succeeded(view));
    ASSERT_TRUE(view->consent.has_value());
    EXPECT_EQ(view->consent->granted_by, "web");
    EXPECT_EQ(view->consent->method, ConsentMethod::electronic);
}

TEST_F(LoanHistoryServiceTest, GrantingTwiceIsAConflictAndKeepsTheFirstConsent) {
    const PatronId patron = add_adult(2);
    ASSERT_TRUE(Succeeded(grant(home_service(), patron, ConsentMethod::written)));
    clock_.advance(days{1});
    const TableSnapshot before = table_snapshot();
    EXPECT_TRUE(
        Refused(grant(home_service(), patron, ConsentMethod::verbal), ErrorCode::conflict, ""));
    EXPECT_TRUE(Refused(grant(self_service(patron), patron, ConsentMethod::electronic),
                        ErrorCode::conflict, ""));
    EXPECT_EQ(table_snapshot(), before);
}

TEST_F(LoanHistoryServiceTest, ReturnWithConsentKeepsTheLoanInTheHistory) {
    const PatronId patron = add_adult(2);
    ASSERT_TRUE(Succeeded(grant(home_service(), patron)));
    const TimePoint first_out = clock_.now();
    borrow_and_return(patron, "B-1", 3);
    const TimePoint first_back = clock_.now();
    const long audit_before = last_audit_id();
    const TimePoint second_out = clock_.now();
    borrow_and_return(patron, "B-2", 5);
    const TimePoint second_back = clock_.now();

    EXPECT_EQ(
        audit_after(audit_before),
        (std::vector<std::string>{audit_line("loan.checkout", patron, "{loans}"),
                                  audit_line("loan.return", patron, "{loans,loan_history}")}));

    const auto view = read(home_service(), patron);
    ASSERT_TRUE(Succeeded(view));
    ASSERT_EQ(view->entries.size(), 2U);
    // Newest return first.
    EXPECT_EQ(view->entries[0].item, item("B-2"));
    EXPECT_EQ(view->entries[0].checked_out_at, second_out);
    EXPECT_EQ(view->entries[0].returned_at, second_back);
    EXPECT_EQ(view->entries[1].item, item("B-1"));
    EXPECT_EQ(view->entries[1].checked_out_at, first_out);
    EXPECT_EQ(view->entries[1].returned_at, first_back);
    EXPECT_EQ(history_rows(patron), 2);
    // Each loan names the patron only as its item's last borrower, until retention detaches it.
    EXPECT_EQ(loans_linked_to(patron), 2);
}

TEST_F(LoanHistoryServiceTest, ReturnWithoutConsentWritesNoHistory) {
    const PatronId patron = add_adult(2);
    const long audit_before = last_audit_id();
    borrow_and_return(patron, "B-1");

    EXPECT_EQ(loans_linked_to(patron), 1) << "only as the item's last borrower";
    EXPECT_EQ(count("SELECT count(*) FROM loan_history"), 0);
    EXPECT_EQ(audit_after(audit_before),
              (std::vector<std::string>{audit_line("loan.checkout", patron, "{loans}"),
                                        audit_line("loan.return", patron, "{loans}")}));
    const auto view = read(home_service(), patron);
    ASSERT_TRUE(Succeeded(view));
    EXPECT_FALSE(view->consent.has_value());
    EXPECT_TRUE(view->entries.empty());
}

TEST_F(LoanHistoryServiceTest, WithdrawDeletesTheWholeHistoryInOneTransactionAndCountsIt) {
    const PatronId patron = add_adult(2);
    const PatronId other = add_adult(3);
    ASSERT_TRUE(Succeeded(grant(home_service(), patron)));
    ASSERT_TRUE(Succeeded(grant(home_service(), other)));
    borrow_and_return(patron, "B-1");
    borrow_and_return(other, "B-2");
    borrow_and_return(patron, "B-3");
    ASSERT_EQ(history_rows(patron), 2);
    const std::string others_history = sql_value(
        fmt::format("SELECT md5(string_agg(h::text, ',' ORDER BY h.id)) FROM loan_history h "
                    "WHERE patron_id = {}",
                    other.value));

    CountingDatabase counting(*database_);
    const Context counted{counting, keys_, clock_};
    const auto deleted = LoanHistory(counted).withdraw_consent(home_service(), patron);
    ASSERT_TRUE(Succeeded(deleted));
    EXPECT_EQ(*deleted, 2U);
    // One transaction took both the consent and its history: none is ever left without the other.
    EXPECT_EQ(counting.begun(), 1);
    EXPECT_EQ(consent_rows(patron), 0);
    EXPECT_EQ(history_rows(patron), 0);

    EXPECT_EQ(consent_rows(other), 1);
    EXPECT_EQ(sql_value(fmt::format("SELECT md5(string_agg(h::text, ',' ORDER BY h.id)) FROM "
                                    "loan_history h WHERE patron_id = {}",
                                    other.value)),
              others_history);

    const auto view = read(home_service(), patron);
    ASSERT_TRUE(Succeeded(view));
    EXPECT_FALSE(view->consent.has_value());
    EXPECT_TRUE(view->entries.empty());

    // Returns after the withdrawal are not kept; a new consent starts an empty history.
    borrow_and_return(patron, "B-4");
    EXPECT_EQ(history_rows(patron), 0);
    ASSERT_TRUE(Succeeded(grant(self_service(patron), patron, ConsentMethod::electronic)));
    const auto renewed = read(self_service(patron), patron);
    ASSERT_TRUE(Succeeded(renewed));
    EXPECT_TRUE(renewed->consent.has_value());
    EXPECT_TRUE(renewed->entries.empty());
}

TEST_F(LoanHistoryServiceTest, GrantWithdrawAndReadAreAudited) {
    const PatronId patron = add_adult(2);
    const long audit_before = last_audit_id();
    ASSERT_TRUE(Succeeded(grant(home_service(), patron)));
    ASSERT_TRUE(Succeeded(read(home_service(), patron)));
    ASSERT_TRUE(Succeeded(withdraw(home_service(), patron)));
    ASSERT_TRUE(Succeeded(grant(self_service(patron), patron, ConsentMethod::electronic)));
    ASSERT_TRUE(Succeeded(read(self_service(patron), patron)));
    ASSERT_TRUE(Succeeded(withdraw(self_service(patron), patron)));

    const auto staff_line = [&](std::string_view action) {
        return audit_line(action, patron, "{loan_history}", "staff-1", "home_service");
    };
    const auto self_line = [&](std::string_view action) {
        return audit_line(action, patron, "{loan_history}", "web", "patron", "self-service");
    };
    EXPECT_EQ(audit_after(audit_before),
              (std::vector<std::string>{
                  staff_line("loan_history.consent"), staff_line("loan_history.read"),
                  staff_line("loan_history.consent"), self_line("loan_history.consent"),
                  self_line("loan_history.read"), self_line("loan_history.consent")}));
}

TEST_F(LoanHistoryServiceTest, OnlyHomeServiceAndThePatronThemselvesSeeTheHistory) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(10), 3, guardian, true);
    const PatronId adult = add_adult(4);
    for (const PatronId patron : {ward, adult}) {
        ASSERT_TRUE(Succeeded(grant(home_service(), patron)));
    }
    borrow_and_return(ward, "B-1");
    borrow_and_return(adult, "B-2");

    std::vector<std::pair<std::string, Caller>> refused;
    for (const Role role :
         {Role::circulation, Role::admin, Role::dpo, Role::billing, Role::kiosk}) {
        refused.emplace_back(std::string(to_string(role)), staff(role));
    }
    refused.emplace_back("the ward's guardian", self_service(guardian));
    refused.emplace_back("another patron", self_service(adult));
    for (const auto& [who, caller] : refused) {
        SCOPED_TRACE(who);
        const TableSnapshot before = table_snapshot();
        EXPECT_TRUE(Refused(read(caller, ward), ErrorCode::permission_denied, ""));
        EXPECT_TRUE(Refused(withdraw(caller, ward), ErrorCode::permission_denied, ""));
        const ConsentMethod method =
            caller.role == Role::patron ? ConsentMethod::electronic : ConsentMethod::written;
        EXPECT_TRUE(Refused(grant(caller, ward, method), ErrorCode::permission_denied, ""));
        EXPECT_EQ(table_snapshot(), before);
    }

    for (const Caller& caller : {home_service(), self_service(ward)}) {
        SCOPED_TRACE(to_string(caller.role));
        const auto view = read(caller, ward);
        ASSERT_TRUE(Succeeded(view));
        EXPECT_TRUE(view->consent.has_value());
        ASSERT_EQ(view->entries.size(), 1U);
        EXPECT_EQ(view->entries[0].item, item("B-1"));
    }
}

TEST_F(LoanHistoryServiceTest, WithdrawWithoutConsentIsNotFound) {
    const PatronId patron = add_adult(2);
    const TableSnapshot before = table_snapshot();
    EXPECT_TRUE(Refused(withdraw(home_service(), patron), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(withdraw(self_service(patron), patron), ErrorCode::not_found, ""));
    EXPECT_EQ(table_snapshot(), before);
}

TEST_F(LoanHistoryServiceTest, UnknownPatronIsNotFoundForHomeService) {
    const PatronId known = add_adult(2);
    const PatronId unknown{known.value + 1000};
    const TableSnapshot before = table_snapshot();
    EXPECT_TRUE(Refused(grant(home_service(), unknown), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(withdraw(home_service(), unknown), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(read(home_service(), unknown), ErrorCode::not_found, ""));
    // A patron learns nothing about other ids, existing or not.
    EXPECT_TRUE(Refused(read(self_service(known), unknown), ErrorCode::permission_denied, ""));
    EXPECT_EQ(table_snapshot(), before);
}

}  // namespace
}  // namespace patron::test
