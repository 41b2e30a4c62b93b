// Circulation: a checkout and return cycle and the circulation summary through
// patron::Circulation (permission check, borrowing state under a row lock, the item's holds and
// loan rule, loan, return, audit entry per call), each compared in the same run with
// hand-written libpqxx code doing the same work against the same schema in as many round trips:
// the reference a library system would write without libpatron. The patrons carry a mix of loans
// (some overdue), holds, fees, invoices, loan bans and loan-history consents, made through
// libpatron at set-up, so the statements read tables of a live register's shape.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "patron/circulation/circulation.hpp"
#include "patron/circulation/loan_history.hpp"
#include "patron/domain/date.hpp"
#include "patron/register/register.hpp"
#include "support/bench_database.hpp"
#include "support/comparison.hpp"
#include "support/patrons.hpp"

namespace {

using namespace patron;

constexpr std::size_t kPatrons = 10000;
constexpr std::size_t kItems = 20000;  // the items the checkout cycle lends in turn

// ---- The reference: hand-written libpqxx --------------------------------------------------------

// The borrowing state as hand-written code reads it: only what the decision needs, each reason
// computed in SQL, through the same subqueries and indexes as libpatron's shared select list
// (src/pg/borrower_sql.cpp, which also reads names and the PIN record). $2 today, $3 now.
constexpr const char* kBorrowing = R"(p.category,
       p.kind = 'person' AND p.birth_date > $2::date - interval '15 years',
       coalesce(p.card_expires_on < $2::date, false),
       p.processing_restricted_at IS NOT NULL,
       EXISTS (SELECT 1 FROM loan_bans b
               WHERE b.patron_id = p.id AND b.lifted_at IS NULL AND b.starts_on <= $2::date
                 AND (b.ends_on IS NULL OR b.ends_on >= $2::date)),
       (SELECT coalesce(sum(f.amount_cents), 0) FROM fees f
        WHERE f.patron_id = p.id AND f.paid_at IS NULL AND f.cancelled_at IS NULL),
       EXISTS (SELECT 1 FROM guardianships g WHERE g.ward_id = p.id AND g.consent_at IS NOT NULL),
       coalesce(pin.locked_until > $3::timestamptz, false))";
constexpr int kBorrowingColumns = 8;

constexpr const char* kLockBorrowerSql = R"(
FROM patrons p LEFT JOIN patron_pins pin ON pin.patron_id = p.id
WHERE p.id = $1
FOR UPDATE OF p
)";

// The counts of libpatron's summary statement (src/pg/circulation_repository.cpp, kSummarySql).
constexpr const char* kSummarySql = R"(,
       l.current_loans, l.overdue, h.placed, h.ready, v.invoices, v.cents
FROM patrons p
LEFT JOIN patron_pins pin ON pin.patron_id = p.id
CROSS JOIN (SELECT count(*) AS current_loans, count(*) FILTER (WHERE due_on < $2::date) AS overdue
            FROM loans WHERE patron_id = $1 AND returned_at IS NULL) l
CROSS JOIN (SELECT count(*) FILTER (WHERE status = 'placed') AS placed,
                   count(*) FILTER (WHERE status = 'ready') AS ready
            FROM holds WHERE patron_id = $1 AND status IN ('placed', 'ready')) h
CROSS JOIN (SELECT count(*) AS invoices, coalesce(sum(total_cents), 0) AS cents
            FROM invoices WHERE patron_id = $1 AND status = 'open') v
WHERE p.id = $1
)";

constexpr const char* kOpenHoldsSql = R"(
SELECT h.id, h.patron_id, h.status FROM items i JOIN holds h ON h.item_id = i.id
WHERE i.barcode = $1 AND h.status IN ('placed', 'ready')
)";

constexpr const char* kFulfilHoldSql = R"(
UPDATE holds SET status = 'fulfilled', closed_at = $2, closed_by = $3
WHERE id = $1 AND status IN ('placed', 'ready')
)";

constexpr const char* kLoanRuleSql = R"(
SELECT loan_days FROM loan_rules
WHERE (material_type = $1 OR material_type = '*')
  AND (patron_category = $2 OR patron_category = '*')
ORDER BY material_type = '*', patron_category = '*'
LIMIT 1
)";

// libpatron's insert: the item recorded or brought up to date, and the loan unless the item is
// on loan (loans_item_on_loan), in one statement.
constexpr const char* kInsertLoanSql = R"(
WITH item AS (
    INSERT INTO items (barcode, title, material_type) VALUES ($2, $3, $4)
    ON CONFLICT (barcode) DO UPDATE SET title = EXCLUDED.title,
        material_type = EXCLUDED.material_type
    RETURNING id
)
INSERT INTO loans (patron_id, item_id, checked_out_at, checked_out_by, due_on)
SELECT $1::bigint, item.id, $5::timestamptz, $6::text, $7::date FROM item
ON CONFLICT (item_id) WHERE returned_at IS NULL DO NOTHING
RETURNING id
)";

constexpr const char* kLockLoanOfItemSql = R"(
SELECT l.id, l.patron_id FROM items i JOIN loans l ON l.item_id = i.id AND l.returned_at IS NULL
WHERE i.barcode = $1
FOR UPDATE OF l
)";

// libpatron's return: history only under a consent, the loan's notices dropped or unlinked, the
// return stamped and the patron detached, in one statement.
constexpr const char* kReturnLoanSql = R"(
WITH loan AS (
    SELECT id, patron_id, item_id, checked_out_at FROM loans
    WHERE id = $1 AND returned_at IS NULL
    FOR UPDATE
), history AS (
    INSERT INTO loan_history (patron_id, barcode, title, material_type, checked_out_at,
                              returned_at)
    SELECT loan.patron_id, i.barcode, i.title, i.material_type, loan.checked_out_at,
           $2::timestamptz
    FROM loan JOIN items i ON i.id = loan.item_id
    WHERE EXISTS (SELECT 1 FROM loan_history_consents c WHERE c.patron_id = loan.patron_id)
    RETURNING 1
), dropped AS (
    DELETE FROM messages m USING loan WHERE m.loan_id = loan.id AND m.status = 'pending'
), unlinked AS (
    UPDATE messages m SET loan_id = NULL FROM loan
    WHERE m.loan_id = loan.id AND m.status <> 'pending'
), returned AS (
    UPDATE loans l SET returned_at = $2, returned_by = $3, patron_id = NULL FROM loan
    WHERE l.id = loan.id
)
SELECT EXISTS (SELECT 1 FROM history)
)";

// The natural hand-written form of one audit entry (libpatron appends through unnest arrays, one
// statement for any number of entries).
constexpr const char* kAuditInsertSql = R"(
INSERT INTO audit_log (at, actor, role, action, patron_id, purpose, fields)
VALUES ($1, $2, $3, $4, $5, $6, $7)
)";

constexpr const char* kLockBorrower = "ref_lock_borrower";
constexpr const char* kSummary = "ref_summary";
constexpr const char* kOpenHolds = "ref_open_holds";
constexpr const char* kFulfilHold = "ref_fulfil_hold";
constexpr const char* kLoanRule = "ref_loan_rule";
constexpr const char* kInsertLoan = "ref_insert_loan";
constexpr const char* kLockLoanOfItem = "ref_lock_loan_of_item";
constexpr const char* kReturnLoan = "ref_return_loan";
constexpr const char* kAuditInsert = "ref_audit_insert";

// The borrowing state as read by kBorrowing.
struct Borrowing {
    std::string category;
    std::int64_t unpaid_fees_cents = 0;
    bool loan_ban = false;
    int blocks = 0;  // how many reasons the patron may not borrow
};

// The summary as hand-written code would hold it.
struct Summary {
    int loans = 0, overdue = 0, holds_placed = 0, holds_ready = 0, invoices = 0;
    std::int64_t invoices_cents = 0, unpaid_fees_cents = 0;
    bool loan_ban = false;
    int blocks = 0;
};

class HandWritten {
public:
    HandWritten(const std::string& url, const Clock& clock, const Caller& caller,
                std::int64_t fee_limit_cents)
        : connection_(url),
          clock_(clock),
          actor_(caller.actor),
          role_(to_string(caller.role)),
          purpose_(caller.purpose),
          fee_limit_cents_(fee_limit_cents) {
        connection_.prepare(kLockBorrower,
                            fmt::format("SELECT {}{}", kBorrowing, kLockBorrowerSql));
        connection_.prepare(kSummary, fmt::format("SELECT {}{}", kBorrowing, kSummarySql));
        connection_.prepare(kOpenHolds, kOpenHoldsSql);
        connection_.prepare(kFulfilHold, kFulfilHoldSql);
        connection_.prepare(kLoanRule, kLoanRuleSql);
        connection_.prepare(kInsertLoan, kInsertLoanSql);
        connection_.prepare(kLockLoanOfItem, kLockLoanOfItemSql);
        connection_.prepare(kReturnLoan, kReturnLoanSql);
        connection_.prepare(kAuditInsert, kAuditInsertSql);
    }

    // False when the patron may not borrow, the item is held for another patron or on loan.
    bool checkout(std::int64_t patron, const Item& item) {
        const TimePoint now = clock_.now();
        const Date today = clock_.today();
        const std::string at = to_iso(now);
        pqxx::work tx(connection_);
        const pqxx::result state = tx.exec_prepared(kLockBorrower, patron, to_iso(today), at);
        if (state.empty()) return false;
        const Borrowing borrowing = read_borrowing(state[0]);
        if (borrowing.blocks > 0) return false;
        std::optional<std::int64_t> own_hold;
        for (const pqxx::row& hold : tx.exec_prepared(kOpenHolds, item.barcode())) {
            if (hold[1].as<std::int64_t>() == patron) {
                own_hold = hold[0].as<std::int64_t>();
            } else if (std::string_view(hold[2].c_str()) == "ready") {
                return false;
            }
        }
        const int loan_days =
            tx.exec_prepared1(kLoanRule, item.material_type(), borrowing.category)[0].as<int>();
        const Date due{std::chrono::sys_days{today} + std::chrono::days{loan_days}};
        if (tx.exec_prepared(kInsertLoan, patron, item.barcode(), item.title(),
                             item.material_type(), at, actor_, to_iso(due))
                .empty()) {
            return false;
        }
        if (own_hold) tx.exec_prepared0(kFulfilHold, *own_hold, at, actor_);
        tx.exec_prepared0(kAuditInsert, at, actor_, role_, "loan.checkout", patron, purpose_,
                          own_hold ? "{loans,holds}" : "{loans}");
        tx.commit();
        return true;
    }

    // False when the item is not on loan.
    bool return_item(const std::string& barcode) {
        const std::string at = to_iso(clock_.now());
        pqxx::work tx(connection_);
        const pqxx::result loan = tx.exec_prepared(kLockLoanOfItem, barcode);
        if (loan.empty()) return false;
        const auto patron = loan[0][1].as<std::int64_t>();
        const bool history =
            tx.exec_prepared1(kReturnLoan, loan[0][0].as<std::int64_t>(), at, actor_)[0].as<bool>();
        tx.exec_prepared0(kAuditInsert, at, actor_, role_, "loan.return", patron, purpose_,
                          history ? "{loans,loan_history}" : "{loans}");
        tx.commit();
        return true;
    }

    // One statement and the audit entry, each its own statement (no BEGIN/COMMIT), as libpatron.
    std::optional<Summary> summary(std::int64_t patron) {
        const std::string at = to_iso(clock_.now());
        pqxx::nontransaction tx(connection_);
        const pqxx::result result = tx.exec_prepared(kSummary, patron, to_iso(clock_.today()), at);
        if (result.empty()) return std::nullopt;
        const pqxx::row r = result[0];
        const Borrowing borrowing = read_borrowing(r);
        constexpr int c = kBorrowingColumns;
        Summary s{.loans = r[c].as<int>(),
                  .overdue = r[c + 1].as<int>(),
                  .holds_placed = r[c + 2].as<int>(),
                  .holds_ready = r[c + 3].as<int>(),
                  .invoices = r[c + 4].as<int>(),
                  .invoices_cents = r[c + 5].as<std::int64_t>(),
                  .unpaid_fees_cents = borrowing.unpaid_fees_cents,
                  .loan_ban = borrowing.loan_ban,
                  .blocks = borrowing.blocks};
        tx.exec_prepared0(kAuditInsert, at, actor_, role_, "circulation.summary", patron, purpose_,
                          "{}");
        return s;
    }

private:
    Borrowing read_borrowing(const pqxx::row& r) const {
        Borrowing b;
        b.category = r[0].c_str();
        const bool ward = r[1].as<bool>();
        const bool card_expired = r[2].as<bool>();
        const bool restricted = r[3].as<bool>();
        b.loan_ban = r[4].as<bool>();
        b.unpaid_fees_cents = r[5].as<std::int64_t>();
        const bool guardian_consent = r[6].as<bool>();
        const bool card_locked = r[7].as<bool>();
        b.blocks = int{b.loan_ban} + int{b.unpaid_fees_cents > fee_limit_cents_} +
                   int{card_locked} + int{restricted} + int{ward && !guardian_consent} +
                   int{card_expired};
        return b;
    }

    pqxx::connection connection_;
    const Clock& clock_;
    std::string actor_, role_, purpose_;
    std::int64_t fee_limit_cents_;
};

// ---- Set-up: what the desk did before the benchmark ---------------------------------------------

// The clock of loans made weeks ago, whose due dates have passed.
class EarlierClock final : public Clock {
public:
    EarlierClock(const Clock& clock, std::chrono::days by) : clock_(clock), by_(by) {}
    [[nodiscard]] TimePoint now() const override { return clock_.now() - by_; }
    [[nodiscard]] Date today() const override {
        return Date{std::chrono::sys_days{clock_.today()} - by_};
    }

private:
    const Clock& clock_;
    std::chrono::days by_;
};

template <class T>
T require(Result<T>&& result, const char* what) {
    if (!result) throw std::runtime_error(fmt::format("set-up: {} refused", what));
    if constexpr (!std::is_void_v<T>) return std::move(*result);
}

Item make_item(const std::string& barcode, std::size_t n) {
    const char* type = n % 10 == 0 ? "dvd" : n % 10 == 1 ? "magazine" : "book";
    return require(Item::make(barcode, fmt::format("Nide {}", n), type), "item");
}

// The library's loan rules besides migration 0003's catch-all (there is no service for them:
// they are configuration).
constexpr const char* kLoanRulesSql = R"(
INSERT INTO loan_rules (material_type, patron_category, loan_days, max_renewals) VALUES
    ('book', '*', 28, 5), ('dvd', '*', 7, 2), ('magazine', '*', 14, 2),
    ('*', 'home_service', 56, 10), ('book', 'home_service', 56, 10)
)";

// The items the checkout cycle lends, already known to the register as most items at a desk
// are; recording 20 000 of them through checkouts would take minutes. The same titles and types
// as make_item() gives, so the cycle's upsert changes nothing.
constexpr const char* kCycleItemsSql = R"(
INSERT INTO items (barcode, title, material_type)
SELECT 'C' || lpad(n::text, 7, '0'), 'Nide ' || n,
       CASE n % 10 WHEN 0 THEN 'dvd' WHEN 1 THEN 'magazine' ELSE 'book' END
FROM generate_series(1, $1::integer) AS n
)";

std::string cycle_barcode(std::size_t n) { return fmt::format("C{:07}", n); }

struct Callers {
    Caller desk{"bench-desk-1", Role::circulation, "benchmark", std::nullopt};
    Caller billing{"bench-billing-1", Role::billing, "benchmark", std::nullopt};
    Caller home_service{"bench-home-1", Role::home_service, "benchmark", std::nullopt};
};

// Patron i gets: i % 4 current loans (the first one checked out 40 days ago, overdue, for every
// eighth patron); a hold for every fifth (ready for every fifteenth); a 2.50 EUR fee for every
// seventh (and a 12 EUR one, over the borrowing limit, for every 35th); an invoice of those fees
// for every 21st; a loan ban for every 97th; home-service category with loan-history consent for
// every tenth; one loan already returned for every twelfth. First the library's loan rules and
// the cycle's items. Returns the patrons who may borrow.
std::vector<PatronId> load_circulation(bench::BenchDatabase& db, Register& reg,
                                       const Callers& callers,
                                       const std::vector<bench::BenchPatron>& patrons) {
    {
        pqxx::connection connection(db.url());
        pqxx::work tx(connection);
        tx.exec0(kLoanRulesSql);
        tx.exec_params0(kCycleItemsSql, static_cast<int>(kItems));
        tx.commit();
    }
    const EarlierClock weeks_ago(db.clock(), std::chrono::days{40});
    Circulation now(db.context(), {});
    Circulation earlier(Context{db.database(), db.keys(), weeks_ago}, {});
    LoanHistory history(db.context());
    const Caller& desk = callers.desk;
    std::vector<PatronId> borrowers;
    std::size_t items = 0;
    for (std::size_t i = 0; i < patrons.size(); ++i) {
        const PatronId patron = patrons[i].id;
        if (i % 10 == 0) {
            require(reg.set_category(desk, patron, "home_service"), "category");
            require(history.grant_consent(callers.home_service, patron, ConsentMethod::written),
                    "consent");
        }
        for (std::size_t k = 0; k < i % 4; ++k) {
            ++items;
            const Item lent = make_item(fmt::format("L{:07}", items), items);
            Circulation& at = k == 0 && i % 8 == 1 ? earlier : now;
            require(at.checkout(desk, patron, lent), "checkout");
            if (k == 0 && i % 6 == 0) require(now.return_item(desk, lent.barcode()), "return");
        }
        if (i % 5 == 0) {
            const Item held = make_item(fmt::format("H{:07}", i), i);
            const Hold hold = require(now.place_hold(desk, patron, held), "hold");
            if (i % 15 == 0) require(now.hold_ready(desk, hold.id), "hold ready");
        }
        if (i % 7 == 0) {
            require(now.charge_fee(desk, patron, FeeKind::overdue, 250, "Myöhästymismaksu"), "fee");
        }
        if (i % 35 == 0) {
            require(now.charge_fee(desk, patron, FeeKind::lost, 1200, "Kadonnut nide"), "fee");
        }
        if (i % 21 == 0) require(now.create_invoice(callers.billing, patron), "invoice");
        if (i % 97 == 0) {
            require(now.set_loan_ban(desk, patron, "Aineistoa palauttamatta", db.clock().today(),
                                     std::nullopt),
                    "loan ban");
        }
        if (i % 35 != 0 && i % 97 != 0) borrowers.push_back(patron);
    }
    return borrowers;
}

// ---- The two sides, call by call ----------------------------------------------------------------

struct Workload {
    Circulation& circulation;
    HandWritten& reference;
    const Caller& desk;
    std::vector<PatronId> borrowers;  // shuffled
    std::vector<PatronId> patrons;    // every patron, shuffled
    std::vector<Item> items;
    std::size_t next_borrower = 0, next_patron = 0, next_item = 0;

    template <class T>
    static const T& take(const std::vector<T>& list, std::size_t& next) {
        const T& value = list[next];
        next = (next + 1) % list.size();
        return value;
    }
};

double median(std::vector<double>& values) {
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// Both sides measured call by call, interleaved: each iteration makes one call through libpatron
// and one through the reference, in an order that alternates, so that whatever else the machine
// does (the server's background work, other tenants) falls on both alike. Counters: calls per
// second from each side's median call time.
template <class Library, class Reference>
void interleaved(benchmark::State& state, Library&& library, Reference&& reference) {
    std::vector<double> library_ms, reference_ms;
    std::size_t round = 0;
    for (auto _ : state) {
        for (std::size_t k = 0; k < 2; ++k) {
            const bool library_side = (round + k) % 2 == 0;
            const auto start = std::chrono::steady_clock::now();
            const bool ok = library_side ? library() : reference();
            const auto stop = std::chrono::steady_clock::now();
            if (!ok) {
                state.SkipWithError(library_side ? "a libpatron call was refused"
                                                 : "a reference call was refused");
                return;
            }
            (library_side ? library_ms : reference_ms)
                .push_back(std::chrono::duration<double, std::milli>(stop - start).count());
        }
        ++round;
    }
    if (round == 0) return;
    state.counters["libpatron_per_second"] = 1000.0 / median(library_ms);
    state.counters["libpqxx_per_second"] = 1000.0 / median(reference_ms);
    state.SetItemsProcessed(static_cast<std::int64_t>(2 * round));
}

bool library_cycle(Workload& w) {
    const PatronId patron = Workload::take(w.borrowers, w.next_borrower);
    const Item& lent = Workload::take(w.items, w.next_item);
    return w.circulation.checkout(w.desk, patron, lent).has_value() &&
           w.circulation.return_item(w.desk, lent.barcode()).has_value();
}

bool reference_cycle(Workload& w) {
    const PatronId patron = Workload::take(w.borrowers, w.next_borrower);
    const Item& lent = Workload::take(w.items, w.next_item);
    return w.reference.checkout(patron.value, lent) && w.reference.return_item(lent.barcode());
}

// Both sides must decide alike, or the comparison means nothing: the same summaries, and a loan
// made by one side is returned by the other. Messages name no data.
void check_agreement(Workload& w) {
    for (std::size_t i = 0; i < std::min<std::size_t>(w.patrons.size(), 200); ++i) {
        const PatronId patron = w.patrons[i];
        const auto mine = w.circulation.summary(w.desk, patron);
        const auto theirs = w.reference.summary(patron.value);
        const bool same =
            mine && theirs && mine->loans == theirs->loans &&
            mine->overdue_loans == theirs->overdue && mine->holds_placed == theirs->holds_placed &&
            mine->holds_ready == theirs->holds_ready && mine->open_invoices == theirs->invoices &&
            mine->open_invoices_cents == theirs->invoices_cents &&
            mine->unpaid_fees_cents == theirs->unpaid_fees_cents &&
            mine->loan_ban == theirs->loan_ban &&
            static_cast<int>(mine->blocks.size()) == theirs->blocks &&
            mine->may_borrow == (theirs->blocks == 0);
        if (!same) throw std::runtime_error("libpatron and the reference disagree on a summary");
        const bool reference_lends = w.reference.checkout(patron.value, w.items[i]);
        if (reference_lends != mine->may_borrow ||
            (reference_lends && !w.circulation.return_item(w.desk, w.items[i].barcode()))) {
            throw std::runtime_error("libpatron and the reference disagree on a checkout");
        }
        if (w.circulation.checkout(w.desk, patron, w.items[i]).has_value() != mine->may_borrow ||
            (mine->may_borrow && !w.reference.return_item(w.items[i].barcode()))) {
            throw std::runtime_error("libpatron and the reference disagree on a return");
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (!bench::initialize(argc, argv)) return 2;
    return bench::guarded([] {
        bench::BenchDatabase db("circulation");
        const CirculationSettings settings;
        const Callers callers;
        Register reg(db.context());
        std::cerr << "registering " << kPatrons << " patrons and their circulation\n";
        auto patrons = bench::register_patrons(reg, callers.desk, kPatrons, db.clock().today());
        auto borrowers = load_circulation(db, reg, callers, patrons);
        db.analyze();

        std::mt19937 random{20261124};
        std::vector<PatronId> everyone;
        for (const auto& p : patrons) everyone.push_back(p.id);
        std::shuffle(everyone.begin(), everyone.end(), random);
        std::shuffle(borrowers.begin(), borrowers.end(), random);
        std::vector<Item> items;
        for (std::size_t n = 1; n <= kItems; ++n) items.push_back(make_item(cycle_barcode(n), n));
        std::shuffle(items.begin(), items.end(), random);

        Circulation circulation(db.context(), settings);
        HandWritten reference(db.url(), db.clock(), callers.desk, settings.fee_limit_cents);
        Workload w{circulation,          reference,           callers.desk,
                   std::move(borrowers), std::move(everyone), std::move(items)};
        check_agreement(w);

        const auto add = [](const char* name, auto&& body) {
            benchmark::RegisterBenchmark(name, body)->UseRealTime()->Unit(benchmark::kMicrosecond);
        };
        add("circulation/checkout_return", [&w](benchmark::State& s) {
            interleaved(
                s, [&w] { return library_cycle(w); }, [&w] { return reference_cycle(w); });
        });
        add("circulation/summary", [&w](benchmark::State& s) {
            interleaved(
                s,
                [&w] {
                    const auto summary =
                        w.circulation.summary(w.desk, Workload::take(w.patrons, w.next_patron));
                    benchmark::DoNotOptimize(summary);
                    return summary.has_value();
                },
                [&w] {
                    const auto summary =
                        w.reference.summary(Workload::take(w.patrons, w.next_patron).value);
                    benchmark::DoNotOptimize(summary);
                    return summary.has_value();
                });
        });

        return bench::run_comparisons({
            {.name = "circulation/checkout_return",
             .figure = "circulation/checkout_return",
             .reference = "circulation/checkout_return",
             .target = 0.7,
             .counter = "libpatron_per_second",
             .reference_counter = "libpqxx_per_second"},
            {.name = "circulation/summary",
             .figure = "circulation/summary",
             .reference = "circulation/summary",
             .target = 0.7,
             .counter = "libpatron_per_second",
             .reference_counter = "libpqxx_per_second"},
        });
    });
}
