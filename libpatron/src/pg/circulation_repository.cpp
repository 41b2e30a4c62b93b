#include "pg/circulation_repository.hpp"

#include <fmt/format.h>

#include "patron/domain/date.hpp"
#include "patron/exception.hpp"
#include "pg/borrower_sql.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kLockBorrower = "circulation_lock_borrower";
constexpr const char* kSummary = "circulation_summary";
constexpr const char* kLoanRule = "circulation_loan_rule";
constexpr const char* kInsertLoan = "circulation_insert_loan";
constexpr const char* kLockLoan = "circulation_lock_loan";
constexpr const char* kLockLoanOfItem = "circulation_lock_loan_of_item";
constexpr const char* kRenewLoan = "circulation_renew_loan";
constexpr const char* kReturnLoan = "circulation_return_loan";
constexpr const char* kLoans = "circulation_loans";
constexpr const char* kItemStatus = "circulation_item_status";
constexpr const char* kInsertHold = "circulation_insert_hold";
constexpr const char* kLockHold = "circulation_lock_hold";
constexpr const char* kOpenHoldsOnItem = "circulation_open_holds_on_item";
constexpr const char* kSetHoldReady = "circulation_set_hold_ready";
constexpr const char* kCloseHold = "circulation_close_hold";
constexpr const char* kExpireHolds = "circulation_expire_holds";
constexpr const char* kHolds = "circulation_holds";
constexpr const char* kInsertFee = "circulation_insert_fee";
constexpr const char* kLockFee = "circulation_lock_fee";
constexpr const char* kPayFee = "circulation_pay_fee";
constexpr const char* kCancelFee = "circulation_cancel_fee";
constexpr const char* kFees = "circulation_fees";
constexpr const char* kInsertInvoice = "circulation_insert_invoice";
constexpr const char* kLockInvoice = "circulation_lock_invoice";
constexpr const char* kPayInvoice = "circulation_pay_invoice";
constexpr const char* kCancelInvoice = "circulation_cancel_invoice";
constexpr const char* kInvoices = "circulation_invoices";
constexpr const char* kInsertLoanBan = "circulation_insert_loan_ban";
constexpr const char* kLockLoanBan = "circulation_lock_loan_ban";
constexpr const char* kLiftLoanBan = "circulation_lift_loan_ban";
constexpr const char* kLoanBans = "circulation_loan_bans";

// Select lists, one per record, each read by one function below (read_loan, ...). The statements
// name them {loan}, {hold}, {fee}, {invoice}, {ban} and {borrower}.
constexpr const char* kLoanColumns = R"(l.id, l.patron_id, i.barcode, i.title, i.material_type,
       (extract(epoch FROM l.checked_out_at) * 1000000)::bigint,
       to_char(l.due_on, 'YYYY-MM-DD'), l.renewals)";
constexpr const char* kHoldColumns = R"(h.id, h.patron_id, i.barcode, i.title, i.material_type,
       (extract(epoch FROM h.placed_at) * 1000000)::bigint, h.status,
       to_char(h.pickup_by, 'YYYY-MM-DD'))";
constexpr const char* kFeeColumns = R"(f.id, f.patron_id, f.kind, f.amount_cents,
       coalesce(f.description, ''), i.barcode,
       (extract(epoch FROM f.created_at) * 1000000)::bigint,
       (extract(epoch FROM f.paid_at) * 1000000)::bigint,
       (extract(epoch FROM f.cancelled_at) * 1000000)::bigint, f.invoice_id)";
constexpr const char* kInvoiceColumns = R"(v.id, v.patron_id, v.number,
       to_char(v.issued_on, 'YYYY-MM-DD'), to_char(v.due_on, 'YYYY-MM-DD'), v.total_cents,
       v.status, ARRAY(SELECT f.id FROM fees f WHERE f.invoice_id = v.id ORDER BY f.id))";
constexpr const char* kBanColumns = R"(b.id, b.patron_id, b.reason,
       to_char(b.starts_on, 'YYYY-MM-DD'), to_char(b.ends_on, 'YYYY-MM-DD'),
       (extract(epoch FROM b.lifted_at) * 1000000)::bigint)";

// The item named by value ($2 barcode, $3 title, $4 material type), recorded or brought up to
// date. Updating even an unchanged row locks it, so concurrent checkouts of one item queue here.
constexpr const char* kItemUpsert = R"(
    INSERT INTO items (barcode, title, material_type) VALUES ($2, $3, $4)
    ON CONFLICT (barcode) DO UPDATE SET title = EXCLUDED.title,
        material_type = EXCLUDED.material_type
    RETURNING id)";

// The item named by value, recorded when unknown; a known item's data is kept (a hold, which a
// patron may place, must not rename the library's items). The no-op update returns the id and
// locks the row like kItemUpsert.
constexpr const char* kItemRecord = R"(
    INSERT INTO items (barcode, title, material_type) VALUES ($2, $3, $4)
    ON CONFLICT (barcode) DO UPDATE SET barcode = items.barcode
    RETURNING id, title, material_type)";

constexpr const char* kLockBorrowerSql = R"(
SELECT {borrower}
FROM patrons p LEFT JOIN patron_pins pin ON pin.patron_id = p.id
WHERE p.id = $1
FOR UPDATE OF p
)";

// Each count by the patron's id through an index: loans_patron (current loans only: returned
// ones are detached), holds_one_open_per_patron_item (open holds only), invoices_patron.
constexpr const char* kSummarySql = R"(
SELECT {borrower},
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

// false sorts first: the exact type before '*', then the exact category before '*'.
constexpr const char* kLoanRuleSql = R"(
SELECT loan_days, max_renewals FROM loan_rules
WHERE (material_type = $1 OR material_type = '*')
  AND (patron_category = $2 OR patron_category = '*')
ORDER BY material_type = '*', patron_category = '*'
LIMIT 1
)";

// One current loan per item (loans_item_on_loan): a second checkout inserts nothing. A checkout
// is activity of the patron: retention counts inactivity from it (patrons.last_loan_on).
constexpr const char* kInsertLoanSql = R"(
WITH item AS ({item}
), loan AS (
    INSERT INTO loans (patron_id, item_id, checked_out_at, checked_out_by, due_on)
    SELECT $1::bigint, item.id, $5::timestamptz, $6::text, $7::date FROM item
    ON CONFLICT (item_id) WHERE returned_at IS NULL DO NOTHING
    RETURNING id, checked_out_at
), active AS (
    UPDATE patrons SET last_loan_on = greatest(last_loan_on, $5::timestamptz::date)
    WHERE id = $1 AND EXISTS (SELECT 1 FROM loan)
)
SELECT id, (extract(epoch FROM checked_out_at) * 1000000)::bigint FROM loan
)";

constexpr const char* kLockLoanSql = R"(
SELECT {loan} FROM loans l JOIN items i ON i.id = l.item_id
WHERE l.id = $1 AND l.returned_at IS NULL
FOR UPDATE OF l
)";

constexpr const char* kLockLoanOfItemSql = R"(
SELECT {loan} FROM items i JOIN loans l ON l.item_id = i.id AND l.returned_at IS NULL
WHERE i.barcode = $1
FOR UPDATE OF l
)";

constexpr const char* kRenewLoanSql = R"(
UPDATE loans SET renewals = renewals + 1, due_on = $2 WHERE id = $1 AND returned_at IS NULL
)";

// Loan history only under a consent in force (kept for home-service customers who asked for it).
// The returned loan stays linked to the patron as the item's last borrower, for damage claims,
// until the retention run detaches it; the item's earlier returned loans lose their borrower now,
// so at most one returned loan per item names anyone. The return is activity of the patron
// (patrons.last_loan_on), which outlives the link. The hold it fulfilled goes, unsent notices
// about it are dropped and sent ones lose their loan_id (messages_once_per_loan). The consent is
// share-locked: a withdrawal waits for this return to commit and then deletes what it wrote
// (loan_history_repository.cpp).
constexpr const char* kReturnLoanSql = R"(
WITH loan AS (
    SELECT id, patron_id, item_id, checked_out_at FROM loans
    WHERE id = $1 AND returned_at IS NULL
    FOR UPDATE
), consent AS (
    SELECT c.patron_id FROM loan_history_consents c JOIN loan ON c.patron_id = loan.patron_id
    FOR KEY SHARE OF c
), history AS (
    INSERT INTO loan_history (patron_id, barcode, title, material_type, checked_out_at,
                              returned_at)
    SELECT loan.patron_id, i.barcode, i.title, i.material_type, loan.checked_out_at,
           $2::timestamptz
    FROM loan JOIN items i ON i.id = loan.item_id
    WHERE EXISTS (SELECT 1 FROM consent)
    RETURNING 1
), fulfilled AS (
    DELETE FROM holds h USING loan
    WHERE h.patron_id = loan.patron_id AND h.item_id = loan.item_id AND h.status = 'fulfilled'
), dropped AS (
    DELETE FROM messages m USING loan WHERE m.loan_id = loan.id AND m.status = 'pending'
), unlinked AS (
    UPDATE messages m SET loan_id = NULL FROM loan
    WHERE m.loan_id = loan.id AND m.status <> 'pending'
), returned AS (
    UPDATE loans l SET returned_at = $2, returned_by = $3 FROM loan
    WHERE l.id = loan.id
), active AS (
    UPDATE patrons p SET last_loan_on = greatest(p.last_loan_on, $2::timestamptz::date) FROM loan
    WHERE p.id = loan.patron_id
), earlier AS (
    UPDATE loans l SET patron_id = NULL FROM loan
    WHERE l.item_id = loan.item_id AND l.id <> loan.id AND l.returned_at IS NOT NULL
      AND l.patron_id IS NOT NULL
)
SELECT EXISTS (SELECT 1 FROM history)
)";

constexpr const char* kLoansSql = R"(
SELECT {loan} FROM loans l JOIN items i ON i.id = l.item_id
WHERE l.patron_id = $1 AND l.returned_at IS NULL
ORDER BY l.due_on, l.id
)";

// The current loan through loans_item_on_loan, the holds through holds_item_open.
constexpr const char* kItemStatusSql = R"(
SELECT i.barcode, i.title, i.material_type, to_char(l.due_on, 'YYYY-MM-DD'), h.open, h.ready
FROM items i
LEFT JOIN loans l ON l.item_id = i.id AND l.returned_at IS NULL
CROSS JOIN LATERAL (SELECT count(*) AS open, count(*) FILTER (WHERE status = 'ready') > 0 AS ready
                    FROM holds WHERE item_id = i.id AND status IN ('placed', 'ready')) h
WHERE i.barcode = $1
)";

// One open hold per patron and item (holds_one_open_per_patron_item).
constexpr const char* kInsertHoldSql = R"(
WITH item AS ({item_record}
)
INSERT INTO holds (patron_id, item_id, placed_at, placed_by)
SELECT $1::bigint, item.id, $5::timestamptz, $6::text FROM item
ON CONFLICT (patron_id, item_id) WHERE status IN ('placed', 'ready') DO NOTHING
RETURNING id, (extract(epoch FROM placed_at) * 1000000)::bigint,
          (SELECT title FROM item), (SELECT material_type FROM item)
)";

constexpr const char* kLockHoldSql = R"(
SELECT {hold} FROM holds h JOIN items i ON i.id = h.item_id WHERE h.id = $1 FOR UPDATE OF h
)";

constexpr const char* kOpenHoldsOnItemSql = R"(
SELECT {hold} FROM items i JOIN holds h ON h.item_id = i.id
WHERE i.barcode = $1 AND h.status IN ('placed', 'ready')
ORDER BY h.placed_at, h.id
)";

constexpr const char* kSetHoldReadySql = R"(
UPDATE holds SET status = 'ready', ready_at = $2, pickup_by = $3
WHERE id = $1 AND status = 'placed'
)";

// A closed hold's unsent hold-ready notice is dropped: nothing waits for pickup any more.
constexpr const char* kCloseHoldSql = R"(
WITH closed AS (
    UPDATE holds SET status = $2, closed_at = $3, closed_by = $4
    WHERE id = $1 AND status IN ('placed', 'ready')
    RETURNING id
)
DELETE FROM messages m USING closed WHERE m.hold_id = closed.id AND m.status = 'pending'
)";

constexpr const char* kExpireHoldsSql = R"(
WITH h AS (
    UPDATE holds SET status = 'expired', closed_at = $2, closed_by = $3
    WHERE status = 'ready' AND pickup_by < $1::date
    RETURNING id, patron_id, item_id, placed_at, status, pickup_by
), dropped AS (
    DELETE FROM messages m USING h WHERE m.hold_id = h.id AND m.status = 'pending'
)
SELECT {hold} FROM h JOIN items i ON i.id = h.item_id
ORDER BY h.placed_at, h.id
)";

constexpr const char* kHoldsSql = R"(
SELECT {hold} FROM holds h JOIN items i ON i.id = h.item_id
WHERE h.patron_id = $1 AND h.status IN ('placed', 'ready')
ORDER BY h.placed_at, h.id
)";

// $4 NULL: a fee for no item; a barcode the register does not know inserts nothing.
constexpr const char* kInsertFeeSql = R"(
INSERT INTO fees (patron_id, kind, amount_cents, description, item_id, created_at, created_by)
SELECT $1::bigint, $2::text, $3::bigint, nullif($5::text, ''), i.id, $6::timestamptz, $7::text
FROM (SELECT 1) AS one LEFT JOIN items i ON i.barcode = $4::text
WHERE $4::text IS NULL OR i.id IS NOT NULL
RETURNING id, (extract(epoch FROM created_at) * 1000000)::bigint
)";

constexpr const char* kLockFeeSql = R"(
SELECT {fee} FROM fees f LEFT JOIN items i ON i.id = f.item_id WHERE f.id = $1 FOR UPDATE OF f
)";

constexpr const char* kPayFeeSql = R"(
UPDATE fees SET paid_at = $2, paid_by = $3
WHERE id = $1 AND paid_at IS NULL AND cancelled_at IS NULL
)";

constexpr const char* kCancelFeeSql = R"(
UPDATE fees SET cancelled_at = $2, cancelled_by = $3
WHERE id = $1 AND paid_at IS NULL AND cancelled_at IS NULL
)";

constexpr const char* kFeesSql = R"(
SELECT {fee} FROM fees f LEFT JOIN items i ON i.id = f.item_id
WHERE f.patron_id = $1 AND f.paid_at IS NULL AND f.cancelled_at IS NULL
ORDER BY f.created_at, f.id
)";

// The number is taken only when there are fees to group (HAVING), so numbers have no gaps from
// empty attempts; past 999999 it grows a digit rather than wrapping into a duplicate.
constexpr const char* kInsertInvoiceSql = R"(
WITH uninvoiced AS (
    SELECT id, amount_cents FROM fees
    WHERE patron_id = $1 AND paid_at IS NULL AND cancelled_at IS NULL AND invoice_id IS NULL
    FOR UPDATE
), total AS (
    SELECT sum(amount_cents) AS cents, nextval('invoice_numbers') AS n FROM uninvoiced
    HAVING count(*) > 0
), invoice AS (
    INSERT INTO invoices (patron_id, number, issued_on, due_on, total_cents, created_at,
                          created_by)
    SELECT $1::bigint,
           to_char($2::date, 'YYYY') || '-' || lpad(n::text, greatest(6, length(n::text)), '0'),
           $2::date, $3::date, cents, $4::timestamptz, $5::text
    FROM total
    RETURNING id, number, total_cents
), grouped AS (
    UPDATE fees f SET invoice_id = invoice.id FROM invoice, uninvoiced u WHERE f.id = u.id
    RETURNING f.id
)
SELECT invoice.id, invoice.number, invoice.total_cents, ARRAY(SELECT id FROM grouped ORDER BY id)
FROM invoice
)";

constexpr const char* kLockInvoiceSql = R"(
SELECT {invoice} FROM invoices v WHERE v.id = $1 FOR UPDATE OF v
)";

constexpr const char* kPayInvoiceSql = R"(
WITH invoice AS (
    UPDATE invoices SET status = 'paid', closed_at = $2, closed_by = $3
    WHERE id = $1 AND status = 'open'
    RETURNING id
)
UPDATE fees f SET paid_at = $2, paid_by = $3 FROM invoice
WHERE f.invoice_id = invoice.id AND f.paid_at IS NULL AND f.cancelled_at IS NULL
)";

constexpr const char* kCancelInvoiceSql = R"(
WITH invoice AS (
    UPDATE invoices SET status = 'cancelled', closed_at = $2, closed_by = $3
    WHERE id = $1 AND status = 'open'
    RETURNING id
)
UPDATE fees f SET invoice_id = NULL FROM invoice WHERE f.invoice_id = invoice.id
)";

constexpr const char* kInvoicesSql = R"(
SELECT {invoice} FROM invoices v
WHERE v.patron_id = $1 AND v.status = 'open'
ORDER BY v.created_at, v.id
)";

constexpr const char* kInsertLoanBanSql = R"(
INSERT INTO loan_bans (patron_id, reason, starts_on, ends_on, set_at, set_by)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id
)";

constexpr const char* kLockLoanBanSql = R"(
SELECT {ban} FROM loan_bans b WHERE b.id = $1 FOR UPDATE OF b
)";

constexpr const char* kLiftLoanBanSql = R"(
UPDATE loan_bans SET lifted_at = $2, lifted_by = $3 WHERE id = $1 AND lifted_at IS NULL
)";

constexpr const char* kLoanBansSql = R"(
SELECT {ban} FROM loan_bans b
WHERE b.patron_id = $1 AND b.lifted_at IS NULL AND (b.ends_on IS NULL OR b.ends_on >= $2::date)
ORDER BY b.starts_on, b.id
)";

std::optional<TimePoint> optional_time(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return timestamp_from_micros(field);
}

std::optional<Date> optional_date(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return date_value(field);
}

std::int64_t id_value(const pqxx::field& field) { return field.as<std::int64_t>(); }

Item read_item(const pqxx::row& r, pqxx::row::size_type at) {
    auto item = Item::make(r[at].as<std::string>(), r[at + 1].as<std::string>(),
                           r[at + 2].as<std::string>());
    if (!item) throw_corrupt("items");
    return std::move(*item);
}

Loan read_loan(const pqxx::row& r) {
    return Loan{.id = LoanId{id_value(r[0])},
                .patron = PatronId{id_value(r[1])},
                .item = read_item(r, 2),
                .checked_out_at = timestamp_from_micros(r[5]),
                .due_on = date_value(r[6]),
                .renewals = r[7].as<int>()};
}

Hold read_hold(const pqxx::row& r) {
    const auto status = parse_hold_status(r[6].c_str());
    if (!status) throw_corrupt("status");
    return Hold{.id = HoldId{id_value(r[0])},
                .patron = PatronId{id_value(r[1])},
                .item = read_item(r, 2),
                .placed_at = timestamp_from_micros(r[5]),
                .status = *status,
                .pickup_by = optional_date(r[7])};
}

Fee read_fee(const pqxx::row& r) {
    Fee fee;
    fee.id = FeeId{id_value(r[0])};
    fee.patron = PatronId{id_value(r[1])};
    const auto kind = parse_fee_kind(r[2].c_str());
    if (!kind) throw_corrupt("kind");
    fee.kind = *kind;
    fee.amount_cents = r[3].as<std::int64_t>();
    fee.description = r[4].as<std::string>();
    if (!r[5].is_null()) fee.barcode = r[5].as<std::string>();
    fee.created_at = timestamp_from_micros(r[6]);
    fee.paid_at = optional_time(r[7]);
    fee.cancelled_at = optional_time(r[8]);
    if (!r[9].is_null()) fee.invoice = InvoiceId{id_value(r[9])};
    return fee;
}

std::vector<FeeId> fee_ids(const pqxx::field& field) {
    std::vector<FeeId> fees;
    for (const auto& id : text_array_value(field)) fees.push_back(FeeId{std::stoll(id)});
    return fees;
}

Invoice read_invoice(const pqxx::row& r) {
    Invoice invoice;
    invoice.id = InvoiceId{id_value(r[0])};
    invoice.patron = PatronId{id_value(r[1])};
    invoice.number = r[2].as<std::string>();
    invoice.issued_on = date_value(r[3]);
    invoice.due_on = date_value(r[4]);
    invoice.total_cents = r[5].as<std::int64_t>();
    const auto status = parse_invoice_status(r[6].c_str());
    if (!status) throw_corrupt("status");
    invoice.status = *status;
    invoice.fees = fee_ids(r[7]);
    return invoice;
}

LoanBan read_ban(const pqxx::row& r) {
    return LoanBan{.id = LoanBanId{id_value(r[0])},
                   .patron = PatronId{id_value(r[1])},
                   .reason = r[2].as<std::string>(),
                   .starts_on = date_value(r[3]),
                   .ends_on = optional_date(r[4]),
                   .lifted_at = optional_time(r[5])};
}

template <class Record, class Read>
std::optional<Record> first(const pqxx::result& result, Read read) {
    if (result.empty()) return std::nullopt;
    return read(result[0]);
}

template <class Record, class Read>
std::vector<Record> all(const pqxx::result& result, Read read) {
    std::vector<Record> records;
    records.reserve(result.size());
    for (const auto& row : result) records.push_back(read(row));
    return records;
}

}  // namespace

void prepare_circulation_statements(pqxx::connection& connection) {
    const std::string borrower = borrower_columns("$2");
    const auto prepare = [&](const char* name, const char* sql) {
        connection.prepare(
            name, fmt::format(fmt::runtime(sql), fmt::arg("borrower", borrower),
                              fmt::arg("item", kItemUpsert), fmt::arg("item_record", kItemRecord),
                              fmt::arg("loan", kLoanColumns), fmt::arg("hold", kHoldColumns),
                              fmt::arg("fee", kFeeColumns), fmt::arg("invoice", kInvoiceColumns),
                              fmt::arg("ban", kBanColumns)));
    };
    prepare(kLockBorrower, kLockBorrowerSql);
    prepare(kSummary, kSummarySql);
    prepare(kLoanRule, kLoanRuleSql);
    prepare(kInsertLoan, kInsertLoanSql);
    prepare(kLockLoan, kLockLoanSql);
    prepare(kLockLoanOfItem, kLockLoanOfItemSql);
    prepare(kRenewLoan, kRenewLoanSql);
    prepare(kReturnLoan, kReturnLoanSql);
    prepare(kLoans, kLoansSql);
    prepare(kItemStatus, kItemStatusSql);
    prepare(kInsertHold, kInsertHoldSql);
    prepare(kLockHold, kLockHoldSql);
    prepare(kOpenHoldsOnItem, kOpenHoldsOnItemSql);
    prepare(kSetHoldReady, kSetHoldReadySql);
    prepare(kCloseHold, kCloseHoldSql);
    prepare(kExpireHolds, kExpireHoldsSql);
    prepare(kHolds, kHoldsSql);
    prepare(kInsertFee, kInsertFeeSql);
    prepare(kLockFee, kLockFeeSql);
    prepare(kPayFee, kPayFeeSql);
    prepare(kCancelFee, kCancelFeeSql);
    prepare(kFees, kFeesSql);
    prepare(kInsertInvoice, kInsertInvoiceSql);
    prepare(kLockInvoice, kLockInvoiceSql);
    prepare(kPayInvoice, kPayInvoiceSql);
    prepare(kCancelInvoice, kCancelInvoiceSql);
    prepare(kInvoices, kInvoicesSql);
    prepare(kInsertLoanBan, kInsertLoanBanSql);
    prepare(kLockLoanBan, kLockLoanBanSql);
    prepare(kLiftLoanBan, kLiftLoanBanSql);
    prepare(kLoanBans, kLoanBansSql);
}

std::optional<store::BorrowerState> PgCirculationRepository::lock_borrower(PatronId patron,
                                                                           Date today) {
    return translated("circulation lock borrower", [&]() -> std::optional<store::BorrowerState> {
        const auto result = work_.exec_prepared(kLockBorrower, patron.value, to_iso(today));
        if (result.empty()) return std::nullopt;
        return read_borrower(result[0], 0);
    });
}

std::optional<store::SummaryRow> PgCirculationRepository::summary(PatronId patron, Date today) {
    return translated("circulation summary", [&]() -> std::optional<store::SummaryRow> {
        const auto result = work_.exec_prepared(kSummary, patron.value, to_iso(today));
        if (result.empty()) return std::nullopt;
        const pqxx::row r = result[0];
        store::SummaryRow row{.borrower = read_borrower(r, 0)};
        constexpr auto at = kBorrowerColumnCount;
        CirculationSummary& c = row.counts;
        c.loans = r[at].as<int>();
        c.overdue_loans = r[at + 1].as<int>();
        c.holds_placed = r[at + 2].as<int>();
        c.holds_ready = r[at + 3].as<int>();
        c.open_invoices = r[at + 4].as<int>();
        c.open_invoices_cents = r[at + 5].as<std::int64_t>();
        c.unpaid_fees_cents = row.borrower.unpaid_fees_cents;
        c.loan_ban = row.borrower.loan_ban;
        return row;
    });
}

store::LoanRule PgCirculationRepository::loan_rule(std::string_view material_type,
                                                   std::string_view category) {
    const auto result = translated("circulation loan rule", [&] {
        return work_.exec_prepared(kLoanRule, std::string(material_type), std::string(category));
    });
    // Only when the catch-all rule ('*', '*') of migration 0003 was deleted: a configuration
    // fault, not something a caller can cause.
    if (result.empty()) throw DatabaseError("no loan rule matches: the catch-all rule is missing");
    return store::LoanRule{result[0][0].as<int>(), result[0][1].as<int>()};
}

std::optional<Loan> PgCirculationRepository::insert_loan(PatronId patron, const Item& item,
                                                         TimePoint at, std::string_view actor,
                                                         Date due_on) {
    return translated("circulation insert loan", [&]() -> std::optional<Loan> {
        const auto result = work_.exec_prepared(kInsertLoan, patron.value, item.barcode(),
                                                item.title(), item.material_type(), to_iso(at),
                                                std::string(actor), to_iso(due_on));
        if (result.empty()) return std::nullopt;
        return Loan{LoanId{id_value(result[0][0])}, patron, item,
                    timestamp_from_micros(result[0][1]), due_on};
    });
}

std::optional<Loan> PgCirculationRepository::lock_loan(LoanId loan) {
    return translated("circulation lock loan", [&] {
        return first<Loan>(work_.exec_prepared(kLockLoan, loan.value), read_loan);
    });
}

std::optional<Loan> PgCirculationRepository::lock_loan_of_item(std::string_view barcode) {
    return translated("circulation lock loan of item", [&] {
        return first<Loan>(work_.exec_prepared(kLockLoanOfItem, std::string(barcode)), read_loan);
    });
}

void PgCirculationRepository::renew_loan(LoanId loan, Date due_on) {
    translated("circulation renew loan",
               [&] { work_.exec_prepared0(kRenewLoan, loan.value, to_iso(due_on)); });
}

bool PgCirculationRepository::return_loan(LoanId loan, TimePoint at, std::string_view actor) {
    return translated("circulation return loan", [&] {
        return work_.exec_prepared1(kReturnLoan, loan.value, to_iso(at), std::string(actor))[0]
            .as<bool>();
    });
}

std::vector<Loan> PgCirculationRepository::loans(PatronId patron) {
    return translated("circulation loans", [&] {
        return all<Loan>(work_.exec_prepared(kLoans, patron.value), read_loan);
    });
}

std::optional<ItemStatus> PgCirculationRepository::item_status(std::string_view barcode) {
    return translated("circulation item status", [&]() -> std::optional<ItemStatus> {
        const auto result = work_.exec_prepared(kItemStatus, std::string(barcode));
        if (result.empty()) return std::nullopt;
        const pqxx::row r = result[0];
        return ItemStatus{.item = read_item(r, 0),
                          .due_on = optional_date(r[3]),
                          .holds = r[4].as<int>(),
                          .on_hold_shelf = r[5].as<bool>()};
    });
}

std::optional<Hold> PgCirculationRepository::insert_hold(PatronId patron, const Item& item,
                                                         TimePoint at, std::string_view actor) {
    return translated("circulation insert hold", [&]() -> std::optional<Hold> {
        const auto result =
            work_.exec_prepared(kInsertHold, patron.value, item.barcode(), item.title(),
                                item.material_type(), to_iso(at), std::string(actor));
        if (result.empty()) return std::nullopt;
        // The item as recorded: a known item keeps its data.
        auto recorded = Item::make(item.barcode(), result[0][2].as<std::string>(),
                                   result[0][3].as<std::string>());
        if (!recorded) throw_corrupt("items");
        return Hold{HoldId{id_value(result[0][0])}, patron, std::move(*recorded),
                    timestamp_from_micros(result[0][1])};
    });
}

std::optional<Hold> PgCirculationRepository::lock_hold(HoldId hold) {
    return translated("circulation lock hold", [&] {
        return first<Hold>(work_.exec_prepared(kLockHold, hold.value), read_hold);
    });
}

std::vector<Hold> PgCirculationRepository::open_holds_on_item(std::string_view barcode) {
    return translated("circulation open holds on item", [&] {
        return all<Hold>(work_.exec_prepared(kOpenHoldsOnItem, std::string(barcode)), read_hold);
    });
}

void PgCirculationRepository::set_hold_ready(HoldId hold, TimePoint at, Date pickup_by) {
    translated("circulation set hold ready", [&] {
        work_.exec_prepared0(kSetHoldReady, hold.value, to_iso(at), to_iso(pickup_by));
    });
}

void PgCirculationRepository::close_hold(HoldId hold, HoldStatus status, TimePoint at,
                                         std::string_view actor) {
    translated("circulation close hold", [&] {
        work_.exec_prepared0(kCloseHold, hold.value, std::string(to_string(status)), to_iso(at),
                             std::string(actor));
    });
}

std::vector<Hold> PgCirculationRepository::expire_holds(Date today, TimePoint at,
                                                        std::string_view actor) {
    return translated("circulation expire holds", [&] {
        return all<Hold>(
            work_.exec_prepared(kExpireHolds, to_iso(today), to_iso(at), std::string(actor)),
            read_hold);
    });
}

std::vector<Hold> PgCirculationRepository::holds(PatronId patron) {
    return translated("circulation holds", [&] {
        return all<Hold>(work_.exec_prepared(kHolds, patron.value), read_hold);
    });
}

std::optional<Fee> PgCirculationRepository::insert_fee(PatronId patron, FeeKind kind,
                                                       std::int64_t amount_cents,
                                                       std::string_view description,
                                                       const std::optional<std::string>& barcode,
                                                       TimePoint at, std::string_view actor) {
    Params params;
    params.add(std::to_string(patron.value)).add(std::string(to_string(kind)));
    params.add(std::to_string(amount_cents)).add(barcode).add(std::string(description));
    params.add(to_iso(at)).add(std::string(actor));
    return translated("circulation insert fee", [&]() -> std::optional<Fee> {
        const auto result = work_.exec_prepared(kInsertFee, params.dynamic());
        if (result.empty()) return std::nullopt;
        Fee fee;
        fee.id = FeeId{id_value(result[0][0])};
        fee.patron = patron;
        fee.kind = kind;
        fee.amount_cents = amount_cents;
        fee.description = std::string(description);
        fee.barcode = barcode;
        fee.created_at = timestamp_from_micros(result[0][1]);
        return fee;
    });
}

std::optional<Fee> PgCirculationRepository::lock_fee(FeeId fee) {
    return translated("circulation lock fee", [&] {
        return first<Fee>(work_.exec_prepared(kLockFee, fee.value), read_fee);
    });
}

void PgCirculationRepository::pay_fee(FeeId fee, TimePoint at, std::string_view actor) {
    translated("circulation pay fee",
               [&] { work_.exec_prepared0(kPayFee, fee.value, to_iso(at), std::string(actor)); });
}

void PgCirculationRepository::cancel_fee(FeeId fee, TimePoint at, std::string_view actor) {
    translated("circulation cancel fee", [&] {
        work_.exec_prepared0(kCancelFee, fee.value, to_iso(at), std::string(actor));
    });
}

std::vector<Fee> PgCirculationRepository::fees(PatronId patron) {
    return translated("circulation fees",
                      [&] { return all<Fee>(work_.exec_prepared(kFees, patron.value), read_fee); });
}

std::optional<Invoice> PgCirculationRepository::insert_invoice(PatronId patron, Date issued_on,
                                                               Date due_on, TimePoint at,
                                                               std::string_view actor) {
    return translated("circulation insert invoice", [&]() -> std::optional<Invoice> {
        const auto result = work_.exec_prepared(kInsertInvoice, patron.value, to_iso(issued_on),
                                                to_iso(due_on), to_iso(at), std::string(actor));
        if (result.empty()) return std::nullopt;
        const pqxx::row r = result[0];
        Invoice invoice;
        invoice.id = InvoiceId{id_value(r[0])};
        invoice.patron = patron;
        invoice.number = r[1].as<std::string>();
        invoice.issued_on = issued_on;
        invoice.due_on = due_on;
        invoice.total_cents = r[2].as<std::int64_t>();
        invoice.fees = fee_ids(r[3]);
        return invoice;
    });
}

std::optional<Invoice> PgCirculationRepository::lock_invoice(InvoiceId invoice) {
    return translated("circulation lock invoice", [&] {
        return first<Invoice>(work_.exec_prepared(kLockInvoice, invoice.value), read_invoice);
    });
}

void PgCirculationRepository::pay_invoice(InvoiceId invoice, TimePoint at, std::string_view actor) {
    translated("circulation pay invoice", [&] {
        work_.exec_prepared0(kPayInvoice, invoice.value, to_iso(at), std::string(actor));
    });
}

void PgCirculationRepository::cancel_invoice(InvoiceId invoice, TimePoint at,
                                             std::string_view actor) {
    translated("circulation cancel invoice", [&] {
        work_.exec_prepared0(kCancelInvoice, invoice.value, to_iso(at), std::string(actor));
    });
}

std::vector<Invoice> PgCirculationRepository::invoices(PatronId patron) {
    return translated("circulation invoices", [&] {
        return all<Invoice>(work_.exec_prepared(kInvoices, patron.value), read_invoice);
    });
}

LoanBan PgCirculationRepository::insert_loan_ban(PatronId patron, std::string_view reason,
                                                 Date starts_on, std::optional<Date> ends_on,
                                                 TimePoint at, std::string_view actor) {
    Params params;
    params.add(std::to_string(patron.value)).add(std::string(reason)).add(to_iso(starts_on));
    params.add(ends_on ? std::optional(to_iso(*ends_on)) : std::nullopt);
    params.add(to_iso(at)).add(std::string(actor));
    return translated("circulation insert loan ban", [&] {
        const pqxx::row r = work_.exec_prepared1(kInsertLoanBan, params.dynamic());
        return LoanBan{LoanBanId{id_value(r[0])}, patron, std::string(reason), starts_on, ends_on};
    });
}

std::optional<LoanBan> PgCirculationRepository::lock_loan_ban(LoanBanId ban) {
    return translated("circulation lock loan ban", [&] {
        return first<LoanBan>(work_.exec_prepared(kLockLoanBan, ban.value), read_ban);
    });
}

void PgCirculationRepository::lift_loan_ban(LoanBanId ban, TimePoint at, std::string_view actor) {
    translated("circulation lift loan ban", [&] {
        work_.exec_prepared0(kLiftLoanBan, ban.value, to_iso(at), std::string(actor));
    });
}

std::vector<LoanBan> PgCirculationRepository::loan_bans(PatronId patron, Date today) {
    return translated("circulation loan bans", [&] {
        return all<LoanBan>(work_.exec_prepared(kLoanBans, patron.value, to_iso(today)), read_ban);
    });
}

}  // namespace patron::pg
