#pragma once
// Shared fixture of the retention database tests: a policy built rule by rule (or the shipped
// sample), the engine on this test's context, records made through the services and then aged
// with raw SQL (the services stamp everything "now"), one record of every class for a patron, and
// raw-SQL views of what is left of a patron (counts only, so a failure shows no personal data).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/circulation/circulation_fixture.hpp"
#include "patron/circulation/loan_history.hpp"
#include "patron/circulation/message_outbox.hpp"
#include "patron/clients/web_sessions.hpp"
#include "patron/retention/retention.hpp"

namespace patron {

// Readable names in gtest's messages instead of enum numbers.
inline void PrintTo(RecordClass record, std::ostream* os) { *os << info(record).name; }
inline void PrintTo(LegalHold hold, std::ostream* os) { *os << info(hold).name; }

}  // namespace patron

namespace patron::test {

/// What populate() made for one patron: one record of every class, ids as plain numbers.
struct PopulatedRecords {
    PatronId patron;
    PatronId ward;                   ///< a ward under 15 on the day populated, 15+ seven years on
    std::int64_t returned_loan = 0;  ///< returned at the desk, linked as the last borrower
    std::int64_t closed_hold = 0;    ///< cancelled
    std::int64_t paid_fee = 0;       ///< paid on its own
    std::int64_t invoiced_fee = 0;   ///< paid with paid_invoice
    std::int64_t paid_invoice = 0;   ///< paid: its fee still refers to it
    std::int64_t cancelled_invoice = 0;  ///< cancelled, its fee cancelled and no longer on it
    std::int64_t lifted_ban = 0;
    std::int64_t sent_message = 0;
    std::int64_t history_entry = 0;  ///< of returned_loan
};

class RetentionDbTest : public CirculationDbTest {
protected:
    /// The day populate() is meant to run on: seven years before the fixture's default day, so
    /// that everything made then is past every period of the tests' policies.
    static constexpr Date kThen{std::chrono::year{2019} / 11 / 24};
    static constexpr Date kNow{std::chrono::year{2026} / 11 / 24};

    /// The administrator's nightly job.
    static Caller job() { return Caller{"retention-job", Role::admin, "nightly retention", {}}; }

    /// A policy of `rules` (TOML `[rules.*]` tables), with every other personal-data table kept.
    /// The engine refuses a policy that leaves a table uncovered, so the tests list them all.
    static RetentionPolicy policy(std::string_view rules, std::string_view settings = "") {
        std::string text = fmt::format("[settings]\n{}\n{}\n[kept]\n", settings, rules);
        for (const auto& c : record_classes()) {
            if (rules.find(fmt::format("[rules.{}]", c.name)) == std::string_view::npos) {
                text += fmt::format("{} = \"not under test\"\n", c.table);
            }
        }
        text +=
            "patron_pins = \"with the patron\"\n"
            "loan_history_consents = \"with the patron\"\n"
            "organisation_contacts = \"with the organisation\"\n"
            "api_clients = \"staff ids\"\n";
        return parse_retention_policy(text, "test");
    }

    /// One rule: `[rules.<record>]` with the class's trigger.
    static std::string rule(RecordClass record, std::string_view period,
                            std::string_view action = "erase") {
        return fmt::format("[rules.{}]\ntrigger = \"{}\"\nperiod = \"{}\"\naction = \"{}\"\n",
                           info(record).name, info(record).trigger, period, action);
    }

    /// Every rule with `period`, returned loans with `loans_action`, the rest erasing.
    static std::string every_rule(std::string_view period,
                                  std::string_view loans_action = "detach") {
        std::string rules;
        for (const auto& c : record_classes()) {
            rules += rule(c.record, period,
                          c.record == RecordClass::returned_loans ? loans_action : "erase");
        }
        return rules;
    }

    /// A policy of one harmless rule: expired web sessions.
    static RetentionPolicy sessions_policy() {
        return policy(rule(RecordClass::expired_web_sessions, "1 day"));
    }

    /// The text of the sample policy shipped with patronctl
    /// (service/patronctl/retention-policy.toml, found from this file).
    static std::string sample_policy_text() {
        const auto file = std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." /
                          "service" / "patronctl" / "retention-policy.toml";
        std::ifstream in(file, std::ios::binary);
        EXPECT_TRUE(in) << "cannot read " << file;
        std::ostringstream text;
        text << in.rdbuf();
        return std::move(text).str();
    }
    static RetentionPolicy sample_policy() {
        return parse_retention_policy(sample_policy_text(), "retention-policy.toml");
    }

    Result<RetentionReport> run(const RetentionPolicy& p, const RetentionControl& control = {}) {
        return Retention(context(), p).run(job(), control);
    }
    Result<RetentionReport> plan(const RetentionPolicy& p) {
        return Retention(context(), p).plan(job());
    }

    /// A run that must succeed (the test fails, and gets an empty report, when refused).
    RetentionReport run_ok(const RetentionPolicy& p, const RetentionControl& control = {}) {
        auto report = run(p, control);
        EXPECT_TRUE(Succeeded(report));
        return report.value_or(RetentionReport{});
    }
    RetentionReport plan_ok(const RetentionPolicy& p) {
        auto report = plan(p);
        EXPECT_TRUE(Succeeded(report));
        return report.value_or(RetentionReport{});
    }

    /// The report's outcome of `record`'s rule; an empty one (and a failure) when it has none.
    static RuleOutcome outcome(const RetentionReport& report, RecordClass record) {
        for (const auto& rule : report.rules) {
            if (rule.rule.record == record) return rule;
        }
        ADD_FAILURE() << "the report has no rule " << info(record).name;
        return RuleOutcome{};
    }

    /// Records of `record`'s rule in the report (purged by a run, due in a plan).
    static std::int64_t records(const RetentionReport& report, RecordClass record) {
        return outcome(report, record).records;
    }

    /// A timestamptz expression `before` before the clock's now.
    [[nodiscard]] std::string ago(std::chrono::minutes before) const {
        return fmt::format("('{}'::timestamptz - interval '{} minutes')", to_iso(clock_.now()),
                           before.count());
    }

    /// Sets `column` of row `id` of `table` to `before` before the clock's now.
    void age(std::string_view table, std::string_view column, std::int64_t id,
             std::chrono::minutes before) {
        sql(fmt::format("UPDATE {} SET {} = {} WHERE id = {}", table, column, ago(before), id));
    }

    /// Makes patron `id` look untouched for `days` days: registered, changed, card used and last
    /// checkout or return then. Loans made afterwards count as activity again.
    void make_inactive(PatronId id, int days) {
        sql(fmt::format(
            "UPDATE patrons SET created_at = '{0}'::timestamptz - interval '{1} days', "
            "modified_at = '{0}'::timestamptz - interval '{1} days', last_card_activity = "
            "('{0}'::timestamptz - interval '{1} days')::date, last_loan_on = "
            "('{0}'::timestamptz - interval '{1} days')::date WHERE id = {2}",
            to_iso(clock_.now()), days, id.value));
    }

    /// Lends `barcode` to `patron` `out` ago and takes it back at the desk `back` ago (the clock
    /// goes back for both, then returns to now): the loan stays linked as the item's last
    /// borrower, the item's earlier returned loans lose their borrower, and the return is the
    /// patron's last loan activity. The loan's id.
    std::int64_t returned_loan(PatronId patron, const std::string& barcode,
                               std::chrono::minutes out, std::chrono::minutes back) {
        clock_.advance(-out);
        const Loan loan = lend(patron, barcode);
        clock_.advance(out - back);
        take_back(barcode);
        clock_.advance(back);
        return loan.id.value;
    }

    /// Patron `id` used their card today: active, so the inactive_patrons rule keeps them.
    void use_card(PatronId id) {
        EXPECT_TRUE(
            Succeeded(Register(context()).record_card_activity(staff(), id, clock_.today())));
    }

    /// Raw bytes (a hash) in lower-case hex.
    static std::string hex(const std::string& bytes) {
        std::string out;
        for (const char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
        return out;
    }

    [[nodiscard]] bool exists(PatronId id) const {
        return count(fmt::format("SELECT count(*) FROM patrons WHERE id = {}", id.value)) == 1;
    }

    /// Rows of `table` with `where`.
    [[nodiscard]] long rows_where(std::string_view table, std::string_view where) const {
        return count(fmt::format("SELECT count(*) FROM {} WHERE {}", table, where));
    }

    /// Whether row `id` of `table` is still there.
    [[nodiscard]] bool row_exists(std::string_view table, std::int64_t id) const {
        return rows_where(table, fmt::format("id = {}", id)) == 1;
    }

    /// Every row that names `patron`, per table and column (all zero once they are erased). The
    /// audit log is left out: its entries outlive the patron by design.
    [[nodiscard]] std::map<std::string, long> rows_naming(PatronId patron) const {
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 15> kLinks{{
            {"patrons", "id"},
            {"patron_pins", "patron_id"},
            {"web_sessions", "patron_id"},
            {"loans", "patron_id"},
            {"holds", "patron_id"},
            {"fees", "patron_id"},
            {"invoices", "patron_id"},
            {"loan_bans", "patron_id"},
            {"messages", "patron_id"},
            {"loan_history_consents", "patron_id"},
            {"loan_history", "patron_id"},
            {"guardianships", "ward_id"},
            {"guardianships", "guardian_id"},
            {"organisation_contacts", "organisation_id"},
            {"organisation_contacts", "person_id"},
        }};
        std::map<std::string, long> out;
        for (const auto& [table, column] : kLinks) {
            out[fmt::format("{}.{}", table, column)] =
                rows_where(table, fmt::format("{} = {}", column, patron.value));
        }
        return out;
    }

    /// rows_naming() of a patron of whom nothing is left.
    [[nodiscard]] std::map<std::string, long> nothing_left(PatronId patron) const {
        auto out = rows_naming(patron);
        for (auto& [link, rows] : out) rows = 0;
        return out;
    }

    /// The snapshot without `tables`.
    static TableSnapshot without(TableSnapshot snapshot,
                                 std::initializer_list<std::string_view> tables) {
        for (const auto table : tables) snapshot.erase(std::string(table));
        return snapshot;
    }

    /// retention_runs as "id|status|finished" rows, by id.
    [[nodiscard]] std::vector<std::string> runs() const {
        std::vector<std::string> out;
        for (const auto& row : sql("SELECT id || '|' || status || '|' || (finished_at IS NOT NULL) "
                                   "FROM retention_runs ORDER BY id")) {
            out.push_back(row[0]);
        }
        return out;
    }

    /// Makes one record of every class for a new adult `n` (2-99; items, wards and cards derive
    /// from it) on the clock's day: a loan returned at the desk the day before under consent
    /// (still linked, and a loan-history entry), a cancelled hold, a paid fee, a paid and a
    /// cancelled invoice, a lifted loan ban, a sent notice, a guardianship of a ward (n + 100)
    /// under 15, a PIN and a web session. Run it on kThen and move the clock to kNow: everything
    /// is then seven years old.
    PopulatedRecords populate(int n) {
        PopulatedRecords made;
        made.patron = add_adult_with_pin(n);
        const PatronId p = made.patron;
        const auto barcode = [&](int i) { return fmt::format("ITEM{:02}{:02}", n, i); };
        const Caller billing = staff(Role::billing);

        // Returned under consent: the one return is both the linked loan and the history entry.
        EXPECT_TRUE(Succeeded(LoanHistory(context()).grant_consent(staff(Role::home_service), p,
                                                                   ConsentMethod::written)));
        made.returned_loan =
            returned_loan(p, barcode(1), std::chrono::days{2}, std::chrono::days{1});
        made.history_entry = std::stoll(sql_value(
            fmt::format("SELECT max(id) FROM loan_history WHERE patron_id = {}", p.value)));

        const Hold closed = hold(p, barcode(2));
        EXPECT_TRUE(Succeeded(circulation().cancel_hold(staff(), closed.id)));
        made.closed_hold = closed.id.value;

        made.paid_fee = charge(p, 100).id.value;
        EXPECT_TRUE(Succeeded(circulation().pay_fee(staff(), FeeId{made.paid_fee})));

        made.invoiced_fee = charge(p, 200).id.value;
        auto paid = circulation().create_invoice(billing, p);
        EXPECT_TRUE(Succeeded(paid));
        made.paid_invoice = paid ? paid->id.value : 0;
        EXPECT_TRUE(Succeeded(circulation().pay_invoice(billing, InvoiceId{made.paid_invoice})));

        // Cancelling an invoice leaves its fee unpaid and uninvoiced: cancel the fee too, so
        // nothing is outstanding.
        const Fee dropped = charge(p, 300);
        auto cancelled = circulation().create_invoice(billing, p);
        EXPECT_TRUE(Succeeded(cancelled));
        made.cancelled_invoice = cancelled ? cancelled->id.value : 0;
        EXPECT_TRUE(
            Succeeded(circulation().cancel_invoice(billing, InvoiceId{made.cancelled_invoice})));
        EXPECT_TRUE(Succeeded(circulation().cancel_fee(staff(), dropped.id)));

        auto ban = circulation().set_loan_ban(staff(), p, "test", clock_.today(), std::nullopt);
        EXPECT_TRUE(Succeeded(ban));
        made.lifted_ban = ban ? ban->id.value : 0;
        EXPECT_TRUE(Succeeded(circulation().lift_loan_ban(staff(), LoanBanId{made.lifted_ban})));

        // A hold-ready notice, sent; the hold is then cancelled (a second closed hold).
        const Hold noticed = ready_hold(p, barcode(3));
        MessageOutbox outbox(context(), settings_);
        EXPECT_TRUE(Succeeded(outbox.generate(staff())));
        auto claimed = outbox.claim(staff(), 1000);
        EXPECT_TRUE(Succeeded(claimed));
        for (const auto& message : claimed.value_or(std::vector<store::OutgoingMessage>{})) {
            EXPECT_TRUE(Succeeded(outbox.mark_sent(staff(), message.id)));
            if (message.patron == p) made.sent_message = message.id.value;
        }
        EXPECT_NE(made.sent_message, 0);
        EXPECT_TRUE(Succeeded(circulation().cancel_hold(staff(), noticed.id)));

        made.ward = add_ward(born_years_ago(10), n + 100, p);

        KioskVerifier verifier(context(), kFastPins, KioskSettings{}, CirculationSettings{});
        WebSessions sessions(context(), verifier, std::chrono::minutes{15});
        auto login = sessions.login(kiosk_caller("web-front"), card_for(n), kPin);
        EXPECT_TRUE(Succeeded(login));
        EXPECT_TRUE(login && login->session);
        return made;
    }
};

}  // namespace patron::test
