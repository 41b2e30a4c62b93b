#include "pg/retention_repository.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <utility>

#include "patron/domain/date.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

// Every statement below takes the same first four parameters (store::DueQuery):
//   $1 cutoff (timestamptz)   records whose trigger is before it are due
//   $2 cutoff date (date)     the same for date triggers
//   $3 today (date)           ages: a ward is under 15 until birth_date + 15 years
//   $4 claim_since            loans returned since then keep their last borrower
// Further parameters start at $5.

// How a record class is found. The table's alias is always x.
struct ClassSql {
    RecordClass record;
    const char* table;
    const char* key;  // example ids; with `resume`, also the order batches go in
    // How a batch resumes after the previous one's last key: ">" for unique keys, ">=" where a
    // batch may end inside a key's rows (a ward's two guardians), nullptr to start over each
    // time (the rows a hold keeps are then few: each batch skips them again).
    const char* resume;
    const char* patron;        // whose record it is: holds apply to this patron
    const char* other_patron;  // a second patron the record belongs to, or nullptr
    const char* due;           // the trigger is past the period
};

constexpr std::array<ClassSql, 9> kClassSql{{
    {RecordClass::returned_loans, "loans", "x.id", ">", "x.patron_id", nullptr,
     "x.returned_at < $1"},
    {RecordClass::closed_holds, "holds", "x.id", ">", "x.patron_id", nullptr, "x.closed_at < $1"},
    {RecordClass::settled_fees, "fees", "x.id", ">", "x.patron_id", nullptr,
     "coalesce(x.paid_at, x.cancelled_at) < $1"},
    // A closed invoice goes once no fee refers to it (settled fees go under their own rule).
    {RecordClass::closed_invoices, "invoices", "x.id", ">", "x.patron_id", nullptr,
     "x.closed_at < $1 AND NOT EXISTS (SELECT 1 FROM fees f WHERE f.invoice_id = x.id)"},
    // A ban ends when lifted or after its last day, whichever is first.
    {RecordClass::ended_loan_bans, "loan_bans", "x.id", ">", "x.patron_id", nullptr,
     "(x.lifted_at < $1 OR x.ends_on < $2)"},
    // A message given up on counts from its creation.
    {RecordClass::sent_messages, "messages", "x.id", ">", "x.patron_id", nullptr,
     "((x.status = 'sent' AND x.sent_at < $1) OR (x.status = 'failed' AND x.created_at < $1))"},
    {RecordClass::loan_history, "loan_history", "x.id", ">", "x.patron_id", nullptr,
     "x.returned_at < $1"},
    // 29 February + 15 years is 28 February in PostgreSQL as in Act 150/1930 §4. OFFSET 0 keeps
    // the ward's age a lookup per row: as a join it walks all patrons in every batch.
    {RecordClass::expired_guardianships, "guardianships", "x.ward_id", ">=", "x.ward_id",
     "x.guardian_id",
     "EXISTS (SELECT 1 FROM patrons w WHERE w.id = x.ward_id "
     "AND w.birth_date + interval '15 years' <= $2 OFFSET 0)"},
    {RecordClass::expired_web_sessions, "web_sessions", "x.patron_id", nullptr, "x.patron_id",
     nullptr, "x.expires_at < $1"},
}};

// Detaching keeps loans already detached out of the candidates.
constexpr const char* kDetachDue = "x.patron_id IS NOT NULL AND x.returned_at < $1";

// Inactivity: nothing recorded of the patron since the cutoff: registration, a change to the
// record, card use, a checkout or return (staff checkouts need not record card use; the loan's
// own link is detached long before). Patrons' alias is p.
constexpr const char* kInactiveDue = R"(p.created_at < $1 AND p.modified_at < $1
  AND (p.last_card_activity IS NULL OR p.last_card_activity < $2)
  AND (p.last_loan_on IS NULL OR p.last_loan_on < $2))";

// Wards under 15 and organisations are erased in a first pass: that ends the guardian-of-minor
// and responsible-person holds on others, whom the second pass then finds. So one run reaches
// the same end state however it was interrupted.
constexpr const char* kFirstPass =
    "(p.kind = 'organisation' OR p.birth_date + interval '15 years' > $3)";
constexpr std::int64_t kSecondPass = std::int64_t{1} << 62;

// The legal holds as conditions. `patron` says that the patron {p} is kept; `loan`, that the loan
// x is kept under returned_loans. A new hold is one more row (and a LegalHold enumerator).
struct HoldSql {
    LegalHold hold;
    const char* patron;
    const char* loan;
};

// The last borrower: nobody has returned the item since (a later borrower who still has it may
// be the one who finds the damage).
constexpr const char* kLastBorrowerOf =
    "NOT EXISTS (SELECT 1 FROM loans n WHERE n.item_id = {l}.item_id "
    "AND n.checked_out_at > {l}.checked_out_at AND n.returned_at IS NOT NULL)";

constexpr std::array<HoldSql, 8> kHoldSql{{
    {LegalHold::processing_restriction,
     "EXISTS (SELECT 1 FROM patrons h WHERE h.id = {p} AND h.processing_restricted_at IS NOT "
     "NULL)",
     nullptr},
    {LegalHold::current_loans,
     "EXISTS (SELECT 1 FROM loans h WHERE h.patron_id = {p} AND h.returned_at IS NULL)", nullptr},
    {LegalHold::open_holds,
     "EXISTS (SELECT 1 FROM holds h WHERE h.patron_id = {p} AND h.status IN ('placed', "
     "'ready'))",
     nullptr},
    {LegalHold::unpaid_fees,
     "EXISTS (SELECT 1 FROM fees h WHERE h.patron_id = {p} AND h.paid_at IS NULL "
     "AND h.cancelled_at IS NULL)",
     nullptr},
    {LegalHold::open_invoices,
     "EXISTS (SELECT 1 FROM invoices h WHERE h.patron_id = {p} AND h.status = 'open')", nullptr},
    {LegalHold::guardian_of_minor,
     "EXISTS (SELECT 1 FROM guardianships h JOIN patrons w ON w.id = h.ward_id "
     "WHERE h.guardian_id = {p} AND w.birth_date + interval '15 years' > $3)",
     nullptr},
    {LegalHold::responsible_person,
     "EXISTS (SELECT 1 FROM organisation_contacts h WHERE h.person_id = {p})", nullptr},
    {LegalHold::damage_claim,
     "EXISTS (SELECT 1 FROM loans h WHERE h.patron_id = {p} AND h.returned_at >= $4 AND {last_h})",
     "(x.returned_at >= $4 AND {last_x})"},
}};

// Both tables are indexed by their enumerator.
template <class Table, class Enum>
constexpr bool in_enum_order(const Table& table, Enum Table::value_type::*member) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (table[i].*member != static_cast<Enum>(i)) return false;
    }
    return true;
}
static_assert(in_enum_order(kClassSql, &ClassSql::record));
static_assert(in_enum_order(kHoldSql, &HoldSql::hold));

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string last_borrower(std::string_view loan_alias) {
    return replace_all(kLastBorrowerOf, "{l}", loan_alias);
}

// The condition under which `hold` keeps a record whose patron is `patron` (and `other`).
std::string held_condition(LegalHold hold, RecordClass record, const char* patron,
                           const char* other) {
    const HoldSql& sql = kHoldSql[static_cast<std::size_t>(hold)];
    if (record == RecordClass::returned_loans && sql.loan != nullptr) {
        return replace_all(sql.loan, "{last_x}", last_borrower("x"));
    }
    const auto for_patron = [&](const char* who) {
        std::string held =
            replace_all(replace_all(sql.patron, "{p}", who), "{last_h}", last_borrower("h"));
        // Candidate patrons come in id order, a batch at a time: OFFSET 0 keeps each hold an
        // index lookup per candidate. As anti-joins the planner reads the held tables from
        // their start in every batch, slower the further the run gets.
        if (record == RecordClass::inactive_patrons) held.insert(held.size() - 1, " OFFSET 0");
        return held;
    };
    if (other == nullptr) return for_patron(patron);
    return fmt::format("({} OR {})", for_patron(patron), for_patron(other));
}

// The statements of one rule (class and action), composed once.
struct RuleSql {
    std::string count;     // $5 unused: records, patrons, then one count per hold
    std::string examples;  // $5 = how many
    std::string purge;     // $5 = after, $6 = limit: due rows, last key, rows purged
    std::string recheck;   // inactive_patrons: $5 = locked ids; those still due and not held
};

struct Shape {
    std::string from;               // "loans x"
    std::string key;                // key expression
    std::string patron;             // patron expression
    std::string due;                // due, and not held
    std::string alias;              // x or p
    std::vector<std::string> held;  // per hold of holds_for(record)
    const char* resume = ">";       // see ClassSql::resume
};

Shape shape_of(RecordClass record, RetentionAction action) {
    Shape shape;
    if (record == RecordClass::inactive_patrons) {
        shape = {"patrons p", "p.id", "p.id", kInactiveDue, "p", {}, ">"};
        for (const auto hold : holds_for(record)) {
            shape.held.push_back(held_condition(hold, record, "p.id", nullptr));
        }
        return shape;
    }
    const ClassSql& sql = kClassSql[static_cast<std::size_t>(record)];
    shape = {fmt::format("{} x", sql.table),
             sql.key,
             sql.patron,
             record == RecordClass::returned_loans && action == RetentionAction::detach ? kDetachDue
                                                                                        : sql.due,
             "x",
             {},
             sql.resume};
    for (const auto hold : holds_for(record)) {
        shape.held.push_back(held_condition(hold, record, sql.patron, sql.other_patron));
    }
    return shape;
}

// Every composed statement declares its parameters' types (the four shared ones, then `more`),
// so a statement that does not use one of them is still valid.
std::string with_args(std::string_view more, std::string_view ctes, std::string_view statement) {
    return fmt::format(
        "WITH args AS (SELECT $1::timestamptz, $2::date, $3::date, $4::timestamptz{}){}{}\n{}",
        more, ctes.empty() ? "" : ",\n", ctes, statement);
}

std::string not_held(const Shape& shape) {
    std::string out;
    for (const auto& held : shape.held) out += fmt::format("\n  AND NOT {}", held);
    return out;
}

std::string count_sql(const Shape& shape) {
    std::string columns;
    std::string any = "false";
    for (std::size_t i = 0; i < shape.held.size(); ++i) {
        columns += fmt::format(", {} AS h{}", shape.held[i], i);
        any += fmt::format(" OR h{}", i);
    }
    std::string counts;
    for (std::size_t i = 0; i < shape.held.size(); ++i) {
        counts += fmt::format(", count(*) FILTER (WHERE h{})", i);
    }
    return with_args(
        "", "",
        fmt::format("SELECT count(*) FILTER (WHERE NOT ({0})), count(DISTINCT patron) FILTER "
                    "(WHERE NOT ({0})){1}\nFROM (SELECT {2} AS key, {3} AS patron{4} FROM {5} "
                    "WHERE {6}) c",
                    any, counts, shape.key, shape.patron, columns, shape.from, shape.due));
}

std::string examples_sql(const Shape& shape) {
    return with_args(", $5::bigint", "",
                     fmt::format("SELECT DISTINCT {0} FROM {1} WHERE {2}{3}\nORDER BY 1 LIMIT $5",
                                 shape.key, shape.from, shape.due, not_held(shape)));
}

// The candidates of one batch, locked; rows others hold are left for the next run.
std::string candidates_sql(const Shape& shape, const std::string& extra) {
    return fmt::format(
        "SELECT {0} AS key, {1}.ctid AS row FROM {2}\nWHERE {3}{4}{5}{6}\nORDER BY {0} LIMIT $6 "
        "FOR UPDATE OF {1} SKIP LOCKED",
        shape.key, shape.alias, shape.from,
        shape.resume != nullptr ? fmt::format("{} {} $5 AND ", shape.key, shape.resume)
                                : std::string(),
        shape.due, extra, not_held(shape));
}

RuleSql rule_sql(RecordClass record, RetentionAction action) {
    RuleSql sql;
    if (record == RecordClass::audit_entries) return sql;  // its own statements, below
    const Shape shape = shape_of(record, action);
    sql.count = count_sql(shape);
    sql.examples = examples_sql(shape);
    if (record == RecordClass::inactive_patrons) {
        // $7: true in the first pass (wards and organisations), false in the second.
        sql.purge = with_args(", $5::bigint, $6::bigint, $7::boolean", "",
                              candidates_sql(shape, fmt::format("\n  AND {} = $7", kFirstPass)));
        sql.recheck = with_args(
            ", $5::bigint[]", "",
            fmt::format("SELECT p.id FROM patrons p WHERE p.id = ANY($5::bigint[]) AND {}{}",
                        shape.due, not_held(shape)));
        return sql;
    }
    const std::string table = kClassSql[static_cast<std::size_t>(record)].table;
    const std::string change =
        action == RetentionAction::detach
            ? fmt::format("UPDATE {} x SET patron_id = NULL FROM due WHERE x.ctid = due.row", table)
            : fmt::format("DELETE FROM {} x USING due WHERE x.ctid = due.row", table);
    sql.purge = with_args(
        ", $5::bigint, $6::bigint",
        fmt::format("due AS ({}),\ndone AS ({} RETURNING 1)", candidates_sql(shape, ""), change),
        "SELECT (SELECT count(*) FROM due), (SELECT max(key) FROM due), (SELECT count(*) FROM "
        "done)");
    return sql;
}

const RuleSql& statements(RecordClass record, RetentionAction action) {
    static const std::map<std::pair<RecordClass, RetentionAction>, RuleSql> all = [] {
        std::map<std::pair<RecordClass, RetentionAction>, RuleSql> built;
        for (const auto& c : record_classes()) {
            for (const auto a : c.actions)
                built.emplace(std::pair{c.record, a}, rule_sql(c.record, a));
        }
        return built;
    }();
    return all.at({record, action});
}

// Erasing patrons: see retention_erase_patrons in migration 0006.
constexpr const char* kErase = "SELECT unnest(retention_erase_patrons($1::bigint[]))";

// The audit log is cut as a prefix of sealed entries: up to $2 entries after the chain start,
// stopping before the first entry recorded at or after $1.
constexpr const char* kAuditLockStart = "SELECT seal_no FROM audit_chain_start FOR UPDATE";
constexpr const char* kAuditWindow = R"(
WITH next AS (
    SELECT seal_no, hash, at FROM audit_log WHERE seal_no > $1 ORDER BY seal_no LIMIT $2
), stop AS (
    SELECT min(seal_no) AS seal_no FROM next WHERE at >= $3
)
SELECT seal_no, hash FROM next
WHERE (SELECT seal_no FROM stop) IS NULL OR seal_no < (SELECT seal_no FROM stop)
ORDER BY seal_no DESC LIMIT 1
)";
constexpr const char* kAuditMoveStart = "UPDATE audit_chain_start SET seal_no = $1, hash = $2";
constexpr const char* kAuditDelete = "DELETE FROM audit_log WHERE seal_no > $1 AND seal_no <= $2";
constexpr const char* kAuditCount = R"(
WITH s AS (SELECT seal_no FROM audit_chain_start),
stop AS (
    SELECT coalesce(min(a.seal_no), (SELECT seal_no FROM audit_chain_head) + 1) AS seal_no
    FROM audit_log a WHERE a.seal_no > (SELECT seal_no FROM s) AND a.at >= $1
)
SELECT (SELECT seal_no FROM stop) - 1 - (SELECT seal_no FROM s), (SELECT seal_no FROM s),
       (SELECT seal_no FROM stop)
)";
constexpr const char* kAuditExamples =
    "SELECT seal_no FROM audit_log WHERE seal_no > $1 AND seal_no < $2 ORDER BY seal_no LIMIT $3";

// Any table linked to patrons by foreign keys (transitively), and any with a column naming a
// patron or a person (staff included: their ids are personal data too).
constexpr const char* kPersonalDataTables = R"(
WITH RECURSIVE linked(rel) AS (
    SELECT 'patrons'::regclass::oid
    UNION
    SELECT c.conrelid FROM pg_constraint c JOIN linked ON c.confrelid = linked.rel
    WHERE c.contype = 'f'
)
SELECT c.relname::text FROM pg_class c
WHERE c.oid IN (SELECT rel FROM linked)
UNION
SELECT c.relname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0
  AND NOT a.attisdropped
  AND (a.attname IN ('patron_id', 'actor', 'hetu_ciphertext', 'hetu_index', 'surname',
                     'given_names', 'birth_date', 'email', 'phones', 'street_address',
                     'card_number')
       OR a.attname LIKE '%\_by')
ORDER BY 1
)";

// Batches of all runs take turns on this transaction-scoped lock (the key spells "patronrt").
// Then no statement of the batch waits longer than lock_timeout for rows another transaction
// holds: a batch holds its own locks briefly even when someone else does not.
constexpr const char* kLockBatches = "SELECT pg_advisory_xact_lock(8097881639833465460)";
// JIT compiling the per-row hold checks costs more than a batch's work.
constexpr const char* kLockTimeout = "SET LOCAL lock_timeout = '200ms'";
constexpr const char* kNoJit = "SET LOCAL jit = off";

constexpr const char* kAbandonStale =
    "UPDATE retention_runs SET status = 'abandoned' WHERE status = 'running' AND heartbeat_at < $1";
constexpr const char* kStartRun = R"(
INSERT INTO retention_runs (started_at, heartbeat_at, policy_sha256) VALUES ($1, $1, $2)
RETURNING id
)";
constexpr const char* kHeartbeat = "UPDATE retention_runs SET heartbeat_at = $2 WHERE id = $1";
constexpr const char* kRecordRule = R"(
INSERT INTO retention_run_rules (run_id, rule, action, records, batches, longest_batch_ms)
VALUES ($1, $2, $3, $4, $5, $6)
)";
constexpr const char* kFinishRun = R"(
UPDATE retention_runs SET status = $2, finished_at = $3, heartbeat_at = $3 WHERE id = $1
)";

constexpr std::array<std::string_view, 4> kRunStatusNames{"running", "finished", "interrupted",
                                                          "abandoned"};

// The four shared parameters, then `extra`.
template <class... Extra>
pqxx::result exec_due(pqxx::transaction_base& work, const std::string& sql,
                      const store::DueQuery& q, Extra&&... extra) {
    return work.exec_params(sql, to_iso(q.cutoff), to_iso(q.cutoff_date), to_iso(q.today),
                            to_iso(q.claim_since), std::forward<Extra>(extra)...);
}

std::string bigint_array(const std::vector<std::int64_t>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += std::to_string(values[i]);
    }
    out.push_back('}');
    return out;
}

}  // namespace

std::vector<std::string> PgRetentionRepository::personal_data_tables() {
    return translated("retention catalogue", [&] {
        std::vector<std::string> tables;
        for (const auto& row : work_.exec(kPersonalDataTables)) {
            tables.push_back(row[0].as<std::string>());
        }
        return tables;
    });
}

store::DueCount PgRetentionRepository::count_due(const store::DueQuery& query,
                                                 std::size_t examples) {
    return translated("retention count", [&] {
        store::DueCount due;
        if (query.record == RecordClass::audit_entries) {
            const auto row = work_.exec_params1(kAuditCount, to_iso(query.cutoff));
            due.records = row[0].as<std::int64_t>();
            for (const auto& r : work_.exec_params(kAuditExamples, row[1].as<std::int64_t>(),
                                                   row[2].as<std::int64_t>(), examples)) {
                due.examples.push_back(r[0].as<std::int64_t>());
            }
            return due;
        }
        const RuleSql& sql = statements(query.record, query.action);
        const auto row = exec_due(work_, sql.count, query)[0];
        due.records = row[0].as<std::int64_t>();
        due.patrons = row[1].as<std::int64_t>();
        for (pqxx::row::size_type i = 2; i < row.size(); ++i) {
            due.held.push_back(row[i].as<std::int64_t>());
        }
        for (const auto& r : exec_due(work_, sql.examples, query, examples)) {
            due.examples.push_back(r[0].as<std::int64_t>());
        }
        return due;
    });
}

void PgRetentionRepository::lock_batches() {
    translated("retention lock", [&] {
        work_.exec(kLockBatches);
        work_.exec(kLockTimeout);
        work_.exec(kNoJit);
    });
}

store::PurgedBatch PgRetentionRepository::purge_batch(const store::DueQuery& query,
                                                      std::int64_t after, std::size_t limit) {
    if (query.record == RecordClass::audit_entries) return purge_audit(query, limit);
    if (query.record == RecordClass::inactive_patrons) return erase_patrons(query, after, limit);
    return translated("retention purge", [&] {
        const auto row =
            exec_due(work_, statements(query.record, query.action).purge, query, after, limit)[0];
        store::PurgedBatch batch;
        const auto due = row[0].as<std::int64_t>();
        batch.last_key = row[1].is_null() ? after : row[1].as<std::int64_t>();
        batch.records = row[2].as<std::int64_t>();
        batch.exhausted = due < static_cast<std::int64_t>(limit);
        return batch;
    });
}

store::PurgedBatch PgRetentionRepository::erase_patrons(const store::DueQuery& query,
                                                        std::int64_t after, std::size_t limit) {
    return translated("retention erase", [&] {
        const RuleSql& sql = statements(query.record, query.action);
        const bool first_pass = after < kSecondPass;
        const std::int64_t after_id = first_pass ? after : after - kSecondPass;
        std::vector<std::int64_t> locked;
        for (const auto& r : exec_due(work_, sql.purge, query, after_id, limit, first_pass)) {
            locked.push_back(r[0].as<std::int64_t>());
        }
        store::PurgedBatch batch;
        const bool pass_done = locked.size() < limit;
        const std::int64_t base = first_pass ? 0 : kSecondPass;
        batch.last_key = locked.empty() ? after : base + locked.back();
        if (pass_done && first_pass) {
            batch.last_key = kSecondPass;  // the second pass starts from the first id
        } else {
            batch.exhausted = pass_done;
        }
        if (locked.empty()) return batch;
        // Our locks now stop new loans, fees and guardianships of these patrons (foreign keys
        // lock the referenced row). This statement's fresh snapshot sees what committed before.
        std::vector<std::int64_t> ids;
        for (const auto& r : exec_due(work_, sql.recheck, query, bigint_array(locked))) {
            ids.push_back(r[0].as<std::int64_t>());
        }
        if (ids.empty()) return batch;
        for (const auto& r : work_.exec_params(kErase, bigint_array(ids))) {
            batch.erased.push_back(PatronId{r[0].as<std::int64_t>()});
        }
        batch.records = static_cast<std::int64_t>(batch.erased.size());
        return batch;
    });
}

store::PurgedBatch PgRetentionRepository::purge_audit(const store::DueQuery& query,
                                                      std::size_t limit) {
    return translated("retention audit", [&] {
        store::PurgedBatch batch;
        const auto start = work_.exec(kAuditLockStart)[0][0].as<std::int64_t>();
        const auto window = work_.exec_params(kAuditWindow, start, limit, to_iso(query.cutoff));
        if (window.empty()) {
            batch.exhausted = true;
            return batch;
        }
        const auto end = window[0][0].as<std::int64_t>();
        work_.exec_params0(kAuditMoveStart, end, pqxx::binarystring(bytea_value(window[0][1])));
        const auto deleted = work_.exec_params0(kAuditDelete, start, end).affected_rows();
        batch.records = static_cast<std::int64_t>(deleted);
        batch.last_key = end;
        batch.exhausted = end - start < static_cast<std::int64_t>(limit);
        return batch;
    });
}

std::int64_t PgRetentionRepository::start_run(TimePoint now, TimePoint stale_before,
                                              const std::string& policy_digest) {
    return translated("retention start run", [&] {
        work_.exec_params0(kAbandonStale, to_iso(stale_before));
        return work_.exec_params1(kStartRun, to_iso(now), pqxx::binarystring(policy_digest))[0]
            .as<std::int64_t>();
    });
}

void PgRetentionRepository::heartbeat(std::int64_t run_id, TimePoint now) {
    translated("retention heartbeat", [&] { work_.exec_params0(kHeartbeat, run_id, to_iso(now)); });
}

void PgRetentionRepository::record_rule(std::int64_t run_id, const RetentionRule& rule,
                                        std::int64_t records, std::int64_t batches,
                                        std::int64_t longest_batch_ms) {
    translated("retention record rule", [&] {
        work_.exec_params0(kRecordRule, run_id, std::string(info(rule.record).name),
                           std::string(to_string(rule.action)), records, batches, longest_batch_ms);
    });
}

void PgRetentionRepository::finish_run(std::int64_t run_id, store::RunStatus status,
                                       TimePoint now) {
    translated("retention finish run", [&] {
        work_.exec_params0(kFinishRun, run_id,
                           std::string(kRunStatusNames[static_cast<std::size_t>(status)]),
                           to_iso(now));
    });
}

}  // namespace patron::pg
