#pragma once
// Shared fixture of the circulation, loan-history, message-outbox and permission database tests:
// the Circulation service on this test's context, items, loans, holds, fees, loan rules, wards and
// locked cards made by staff, and raw-SQL views of what storage holds (counts, fingerprints and
// the audit trail, so a failure message never shows personal data).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pin/pin_fixture.hpp"
#include "patron/access/permissions.hpp"
#include "patron/circulation/circulation.hpp"
#include "patron/domain/date.hpp"

namespace patron::test {

/// Each table as "rows:md5 of its rows" and the invoice number sequence as
/// "last_value:is_called", by name. Equal before and after a call: the call changed nothing
/// (audit log included).
using TableSnapshot = std::map<std::string, std::string>;

/// Every table a register or circulation call may write.
inline constexpr std::array<std::string_view, 17> kSnapshotTables{"patrons",
                                                                  "guardianships",
                                                                  "organisation_contacts",
                                                                  "patron_pins",
                                                                  "kiosk_failures",
                                                                  "items",
                                                                  "loans",
                                                                  "holds",
                                                                  "fees",
                                                                  "invoices",
                                                                  "loan_bans",
                                                                  "messages",
                                                                  "loan_history_consents",
                                                                  "loan_history",
                                                                  "audit_log",
                                                                  "api_clients",
                                                                  "web_sessions"};

/// The blocks a borrowing_blocked refusal names, in BorrowBlock order.
inline std::string blocked_message(const std::vector<BorrowBlock>& blocks) {
    std::string message = "may not borrow: ";
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i > 0) message += ", ";
        message += to_string(blocks[i]);
    }
    return message;
}

template <class T>
std::optional<Error> error_of(const Result<T>& result) {
    if (result) return std::nullopt;
    return result.error();
}

/// A refusal as the test output shows it: code, field and reason (never values).
inline std::string describe(const std::optional<Error>& error) {
    if (!error) return "succeeded";
    return fmt::format("refused as {} on field '{}': {}", to_string(error->code), error->field,
                       error->message);
}

/// What a cell of a permission-matrix test acts on, made fresh right before its call.
struct MatrixTarget {
    int n = 0;          // unique per cell: items, registrations, clients
    PatronId patron;    // the patron the operation is on
    std::string card;   // their card number
    PatronId guardian;  // add_guardian: a new adult; guardian_consent: the ward's guardian
    LoanId loan;        // renew, return_item: a loan of barcode() to `patron`
    HoldId hold;        // cancel_hold, handle_holds: a placed hold of `patron`
    FeeId fee;          // settle_fee, handle_invoices: an unpaid fee of `patron`

    /// The cell's item.
    [[nodiscard]] std::string barcode() const { return fmt::format("ITEM{:04}", n); }
};

class CirculationDbTest : public PinDbTest {
protected:
    /// The service with settings_ on this test's context.
    Circulation circulation() { return circulation(settings_); }

    /// The service with these settings on this test's context.
    Circulation circulation(const CirculationSettings& settings) {
        return Circulation(context(), settings);
    }

    /// An item "Title <barcode>" of `material_type`.
    static Item item(const std::string& barcode, const std::string& material_type = "book") {
        auto made = Item::make(barcode, "Title " + barcode, material_type);
        EXPECT_TRUE(Succeeded(made));
        return made.value();
    }

    /// Lends `barcode` to `patron` as circulation staff; the test fails on a refusal.
    Loan lend(PatronId patron, const std::string& barcode,
              const std::string& material_type = "book") {
        auto loan = circulation().checkout(staff(), patron, item(barcode, material_type));
        EXPECT_TRUE(Succeeded(loan));
        return loan.value();
    }

    /// Takes `barcode` back as circulation staff.
    void take_back(const std::string& barcode) {
        EXPECT_TRUE(Succeeded(circulation().return_item(staff(), barcode)));
    }

    /// Places a hold of `patron` on `barcode` as circulation staff.
    Hold hold(PatronId patron, const std::string& barcode) {
        auto placed = circulation().place_hold(staff(), patron, item(barcode));
        EXPECT_TRUE(Succeeded(placed));
        return placed.value();
    }

    /// Places a hold of `patron` on `barcode` and marks it ready for pickup today.
    Hold ready_hold(PatronId patron, const std::string& barcode) {
        const Hold placed = hold(patron, barcode);
        auto ready = circulation().hold_ready(staff(), placed.id);
        EXPECT_TRUE(Succeeded(ready));
        return ready.value();
    }

    /// Charges an "other" fee of `cents` as circulation staff.
    Fee charge(PatronId patron, std::int64_t cents) {
        auto fee = circulation().charge_fee(staff(), patron, FeeKind::other, cents, "test fee");
        EXPECT_TRUE(Succeeded(fee));
        return fee.value();
    }

    /// A loan rule for `material_type` × `category` ("*" for any).
    void add_rule(std::string_view material_type, std::string_view category, int loan_days,
                  int max_renewals = 5) {
        sql(fmt::format("INSERT INTO loan_rules VALUES ('{}', '{}', {}, {})", material_type,
                        category, loan_days, max_renewals));
    }

    /// A person of `category` (n as in add_person).
    PatronId add_in_category(int n, const std::string& category) {
        PatronForm form = person_form(card_for(n), hetu_for(kAdultBirth, n));
        form.category = category;
        return add(form);
    }

    /// A ward born on `birth` (n as in add_person) with `guardian`, who consented to borrowing
    /// when `consent` (a ward under 15 without it may not borrow).
    PatronId add_ward(Date birth, int n, PatronId guardian, bool consent = true) {
        PatronForm form = person_form(card_for(n), hetu_for(birth, n));
        form.guardian = guardian;
        form.guardian_consent = consent;
        return add(form);
    }

    /// Locks the card of patron `n` (who has kPin) with five wrong PINs at a kiosk.
    void lock_card(int n) {
        for (int i = 0; i < 5; ++i) verify(card_for(n), kWrongPin);
    }

    /// The patron a matrix cell acts on when nothing else is asked: an adult, or for the guardian
    /// operations a ward under 15 whose guardian has not yet consented to borrowing.
    MatrixTarget matrix_subject(Operation op, int n) {
        MatrixTarget t;
        t.n = n;
        if (op == Operation::add_guardian || op == Operation::guardian_consent) {
            t.guardian = add_adult(100 + n);
            t.patron = add_ward(born_years_ago(9), 200 + n, t.guardian, false);
        } else {
            t.patron = add_adult(n);
        }
        return t;
    }

    /// Staff make what `op` needs on `t.patron`, so that an allowed call can only succeed.
    MatrixTarget matrix_prepare(Operation op, MatrixTarget t) {
        t.card = card_of(t.patron);
        switch (op) {
            case Operation::add_guardian:
                t.guardian = add_adult(400 + t.n);
                break;
            case Operation::change_pin:
            case Operation::verify_pin:
                set_pin(t.patron, kPin);
                break;
            case Operation::renew:
            case Operation::return_item:
                t.loan = lend(t.patron, t.barcode()).id;
                break;
            case Operation::cancel_hold:
            case Operation::handle_holds:
                t.hold = hold(t.patron, t.barcode()).id;
                break;
            case Operation::settle_fee:
            case Operation::handle_invoices:
                t.fee = charge(t.patron, 100).id;
                break;
            case Operation::send_messages:
                // A ready hold: there is a notice to generate (on the form's letter channel).
                ready_hold(t.patron, t.barcode());
                break;
            default:
                break;
        }
        return t;
    }

    /// A loan-history consent in force (the consent workflow is LoanHistory's, not tested here).
    void grant_loan_history(PatronId patron) {
        sql(
            fmt::format("INSERT INTO loan_history_consents (patron_id, granted_at, granted_by, "
                        "method) VALUES ({}, now(), 'home-1', 'written')",
                        patron.value));
    }

    [[nodiscard]] std::string card_of(PatronId patron) const {
        return sql_value(
            fmt::format("SELECT card_number FROM patrons WHERE id = {}", patron.value));
    }

    [[nodiscard]] long rows(std::string_view table) const {
        return count(fmt::format("SELECT count(*) FROM {}", table));
    }

    /// A value of one row by id, as text ("<null>" for NULL).
    [[nodiscard]] std::string column(std::string_view table, std::string_view name,
                                     std::int64_t id) const {
        return sql_value(fmt::format("SELECT {}::text FROM {} WHERE id = {}", name, table, id));
    }

    [[nodiscard]] TableSnapshot table_snapshot() const {
        std::string statement;
        for (const std::string_view table : kSnapshotTables) {
            // Rows ordered by their text: some tables have no id column.
            statement += fmt::format(
                "SELECT '{0}', count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY "
                "t::text)), '') FROM {0} t UNION ALL ",
                table);
        }
        // The invoice numbers too: a refused invoice must leave no gap.
        statement +=
            "SELECT 'invoice_numbers', last_value || ':' || is_called FROM invoice_numbers";
        TableSnapshot snapshot;
        for (const auto& row : sql(statement)) snapshot[row[0]] = row[1];
        EXPECT_EQ(snapshot.size(), kSnapshotTables.size() + 1);
        return snapshot;
    }

    /// Actions of the audit entries after `after_id`, by id.
    [[nodiscard]] std::vector<std::string> actions_after(long after_id) const {
        std::vector<std::string> out;
        for (const auto& row :
             sql(fmt::format("SELECT action FROM audit_log WHERE id > {} ORDER BY id", after_id))) {
            out.push_back(row[0]);
        }
        return out;
    }

    /// Audit entries whose text contains `text` (an item's barcode or title must never be there).
    [[nodiscard]] long audit_mentions(std::string_view text) const {
        return count(
            fmt::format("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%{}%'", text));
    }

    static bool contains(const std::vector<std::string>& values, std::string_view value) {
        return std::find(values.begin(), values.end(), value) != values.end();
    }

    CirculationSettings settings_;
};

}  // namespace patron::test
