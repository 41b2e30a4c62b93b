// Erasing an inactive patron removes everything linked to them (PIN, sessions, holds, messages,
// bans, settled fees, closed invoices, consent and history, guardianships as ward and as guardian
// of a ward of 15 or more) and unlinks their returned loans; no row is left naming them; each
// erased patron leaves one audit entry naming the rule and the patron id, and no personal data.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/retention/retention_fixture.hpp"

namespace patron::test {
namespace {

using std::chrono::days;
using std::chrono::minutes;

class RetentionErase : public RetentionDbTest {
protected:
    /// Only the inactive_patrons rule: every record is still there when its patron is erased.
    static RetentionPolicy patrons_only() {
        return policy(rule(RecordClass::inactive_patrons, "1 year"));
    }

    /// Retention audit entries after `after_id` naming `patron`, as
    /// "action|outcome|fields|purpose".
    [[nodiscard]] std::vector<std::string> entries_of(PatronId patron, long after_id) const {
        std::vector<std::string> out;
        for (const auto& row : sql(fmt::format(
                 "SELECT action || '|' || coalesce(outcome, '') || '|' || fields::text || '|' || "
                 "purpose FROM audit_log WHERE id > {} AND patron_id = {} ORDER BY id",
                 after_id, patron.value))) {
            out.push_back(row[0]);
        }
        return out;
    }

    /// Rows in any table (the audit log aside) whose patron reference names no patron: columns
    /// found in the catalogue, so a table added later is checked too.
    [[nodiscard]] std::vector<std::string> orphans() const {
        std::vector<std::string> out;
        for (const auto& row :
             sql("SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = "
                 "a.attrelid WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind "
                 "= 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attname IN ('patron_id', "
                 "'ward_id', 'guardian_id', 'person_id', 'organisation_id') AND c.relname <> "
                 "'audit_log' ORDER BY 1, 2")) {
            const long n = rows_where(
                row[0], fmt::format("{0} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM patrons p "
                                    "WHERE p.id = {0})",
                                    row[1]));
            if (n != 0) out.push_back(fmt::format("{}.{}: {}", row[0], row[1], n));
        }
        return out;
    }
};

TEST_F(RetentionErase, RemovesEverythingLinkedAndUnlinksReturnedLoans) {
    clock_.set_today(kThen);
    const PopulatedRecords erased = populate(2);
    // A ward of 14 then, 21 now, whose guardian stays: erased as a ward.
    const PatronId guardian = add_adult(3);
    const PatronId grown_ward = add_ward(born_years_ago(14, -100), 4, guardian);
    clock_.set_today(kNow);
    use_card(guardian);
    use_card(erased.ward);
    const long items = rows("items");
    ASSERT_EQ(rows_naming(erased.patron).at("guardianships.guardian_id"), 1);
    ASSERT_EQ(rows_naming(grown_ward).at("guardianships.ward_id"), 1);

    const auto report = run_ok(patrons_only());

    EXPECT_EQ(records(report, RecordClass::inactive_patrons), 2);
    EXPECT_EQ(rows_naming(erased.patron), nothing_left(erased.patron));
    EXPECT_EQ(rows_naming(grown_ward), nothing_left(grown_ward));
    EXPECT_TRUE(orphans().empty()) << fmt::format("{}", fmt::join(orphans(), ", "));
    // Returned loans stay for statistics, unlinked; the items stay.
    EXPECT_TRUE(row_exists("loans", erased.returned_loan));
    EXPECT_EQ(column("loans", "patron_id", erased.returned_loan), "<null>");
    EXPECT_EQ(rows("items"), items);
    // The guardian and the ward of the erased patron are others' records: they stay.
    EXPECT_TRUE(exists(guardian));
    EXPECT_TRUE(exists(erased.ward));
    EXPECT_EQ(rows("guardianships"), 0);
}

TEST_F(RetentionErase, EachErasedPatronLeavesOneAuditEntryNamingTheRuleAndNoPersonalData) {
    const PatronId a = add_adult_with_pin(2);
    const PatronId b = add_adult(3);
    const PatronId kept = add_adult(4);
    // A loan returned at the desk long ago: a's last activity, still linked until the erasure.
    const auto loan = returned_loan(a, "ITEM0001", days{401}, days{400});
    make_inactive(a, 400);
    make_inactive(b, 400);
    ASSERT_EQ(column("loans", "patron_id", loan), std::to_string(a.value));
    const long last = last_audit_id();

    const auto report = run_ok(patrons_only());
    ASSERT_TRUE(report.run_id);
    const std::string entry = fmt::format(
        "retention.run|erased|{{}}|nightly retention (retention run {}, rule inactive_patrons)",
        *report.run_id);
    EXPECT_EQ(entries_of(a, last), std::vector<std::string>{entry});
    EXPECT_EQ(entries_of(b, last), std::vector<std::string>{entry});
    EXPECT_TRUE(entries_of(kept, last).empty());
    EXPECT_EQ(column("loans", "patron_id", loan), "<null>");
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM audit_log WHERE id > {} AND actor = "
                                "'retention-job' AND role = 'admin'",
                                last)),
              3)
        << "two erasures and the rule's summary";
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM audit_log WHERE id > {} AND patron_id IS "
                                "NULL AND action = 'retention.run' AND outcome = 'erase 2'",
                                last)),
              1);

    // Nothing the patrons were registered with is in the run's entries.
    const PatronForm form = person_form(card_for(2), hetu_for(kAdultBirth, 2));
    for (const std::string& value :
         {form.hetu, form.surname, form.given_names, form.street_address, form.email,
          form.phones.at(0), card_for(2), card_for(3), std::string(kPin)}) {
        EXPECT_EQ(count(fmt::format("SELECT count(*) FROM audit_log a WHERE a.id > {} AND "
                                    "a::text LIKE '%' || $${}$$ || '%'",
                                    last, value)),
                  0)
            << "a registered value (" << value.size() << " characters) is in the audit log";
    }
}

}  // namespace
}  // namespace patron::test
