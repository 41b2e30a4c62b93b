#include "pg/audit_repository.hpp"

#include <fmt/format.h>

#include "patron/domain/date.hpp"
#include "patron/exception.hpp"
#include "pg/audit_sql.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kAppend = "audit_append";
constexpr const char* kAppendOne = "audit_append_one";
constexpr const char* kLockHead = "audit_lock_head";
constexpr const char* kReadHead = "audit_read_head";
constexpr const char* kReadStart = "audit_read_start";
constexpr const char* kUnsealed = "audit_unsealed";
constexpr const char* kStoreSeals = "audit_store_seals";
constexpr const char* kStoreHead = "audit_store_head";
constexpr const char* kSealedAfter = "audit_sealed_after";
constexpr const char* kCountUnsealed = "audit_count_unsealed";

// Set-based: one statement for any number of entries. Field names are identifiers (no commas),
// so each entry's list travels as one comma-joined string.
constexpr const char* kAppendSelect = R"(
SELECT e.at, e.actor, e.role, e.action, e.patron_id, e.purpose,
       coalesce(string_to_array(nullif(e.fields, ''), ','), '{}'), nullif(e.outcome, '')
FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[],
            $7::text[], $8::text[]) AS e(at, actor, role, action, patron_id, purpose, fields, outcome)
)";

// The one entry of most calls: plain values are cheaper for the server than unnesting arrays
// (about 15 µs a call, measured by benchmarks/circulation_bench.cpp).
constexpr const char* kAppendValues = R"(
VALUES ($1, $2, $3, $4, $5, $6, coalesce(string_to_array(nullif($7, ''), ','), '{}'),
        nullif($8, ''))
)";

constexpr const char* kColumns = R"(
SELECT id, (extract(epoch FROM at) * 1000000)::bigint, actor, role, action, patron_id, purpose,
       fields, seal_no, prev_hash, hash, outcome
FROM audit_log
)";

constexpr const char* kStoreSealsSql = R"(
UPDATE audit_log a SET seal_no = s.seal_no, prev_hash = s.prev_hash, hash = s.hash
FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) AS s(id, seal_no, prev_hash, hash)
WHERE a.id = s.id AND a.seal_no IS NULL
)";

// The head row's lock serialises sealers until commit.
constexpr const char* kLockHeadSql = "SELECT seal_no, hash FROM audit_chain_head FOR UPDATE";
constexpr const char* kReadHeadSql = "SELECT seal_no, hash FROM audit_chain_head";
constexpr const char* kReadStartSql = "SELECT seal_no, hash FROM audit_chain_start FOR SHARE";
constexpr const char* kStoreHeadSql = "UPDATE audit_chain_head SET seal_no = $1, hash = $2";

std::string bigint_array(const std::vector<std::optional<std::int64_t>>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += values[i] ? std::to_string(*values[i]) : "NULL";
    }
    out.push_back('}');
    return out;
}

std::string join_fields(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& field : fields) {
        if (!out.empty()) out.push_back(',');
        out += field;
    }
    return out;
}

AuditRecord read_record(const pqxx::row& r) {
    AuditRecord record;
    record.id = r[0].as<std::int64_t>();
    AuditEvent& e = record.event;
    e.at = timestamp_from_micros(r[1]);
    e.actor = r[2].as<std::string>();
    const auto role = parse_role(r[3].c_str());
    if (!role) throw_corrupt("role");
    e.role = *role;
    e.action = r[4].as<std::string>();
    if (!r[5].is_null()) e.patron = PatronId{r[5].as<std::int64_t>()};
    e.purpose = r[6].as<std::string>();
    e.fields = text_array_value(r[7]);
    if (!r[8].is_null()) {
        record.seal_no = r[8].as<std::int64_t>();
        record.prev_hash = bytea_value(r[9]);
        record.hash = bytea_value(r[10]);
    }
    if (!r[11].is_null()) e.outcome = r[11].as<std::string>();
    return record;
}

std::vector<AuditRecord> read_records(const pqxx::result& result) {
    std::vector<AuditRecord> records;
    records.reserve(result.size());
    for (const auto& row : result) records.push_back(read_record(row));
    return records;
}

store::ChainHead read_head(const pqxx::row& row) {
    return store::ChainHead{row[0].as<std::int64_t>(), bytea_value(row[1])};
}

}  // namespace

void prepare_audit_statements(pqxx::connection& connection) {
    connection.prepare(kAppend, std::string(kAuditInsert) + kAppendSelect);
    connection.prepare(kAppendOne, std::string(kAuditInsert) + kAppendValues);
    connection.prepare(kLockHead, kLockHeadSql);
    connection.prepare(kReadHead, kReadHeadSql);
    connection.prepare(kReadStart, kReadStartSql);
    connection.prepare(kUnsealed,
                       std::string(kColumns) + "WHERE seal_no IS NULL ORDER BY id LIMIT $1");
    connection.prepare(kStoreSeals, kStoreSealsSql);
    connection.prepare(kStoreHead, kStoreHeadSql);
    connection.prepare(kSealedAfter,
                       std::string(kColumns) + "WHERE seal_no > $1 ORDER BY seal_no LIMIT $2");
    connection.prepare(kCountUnsealed, "SELECT count(*) FROM audit_log WHERE seal_no IS NULL");
}

void PgAuditRepository::append(std::span<const AuditEvent> events) {
    if (events.empty()) return;
    if (events.size() == 1) {
        const AuditEvent& e = events.front();
        Params params;
        params.add(to_iso(e.at)).add(e.actor).add(std::string(to_string(e.role))).add(e.action);
        params.add(e.patron ? std::optional(std::to_string(e.patron->value)) : std::nullopt);
        params.add(e.purpose).add(join_fields(e.fields)).add(e.outcome);
        translated("audit append", [&] { work_.exec_prepared0(kAppendOne, params.dynamic()); });
        return;
    }
    std::vector<std::string> at, actor, role, action, purpose, fields, outcome;
    std::vector<std::optional<std::int64_t>> patron;
    for (const auto& e : events) {
        at.push_back(to_iso(e.at));
        actor.push_back(e.actor);
        role.emplace_back(to_string(e.role));
        action.push_back(e.action);
        patron.push_back(e.patron ? std::optional(e.patron->value) : std::nullopt);
        purpose.push_back(e.purpose);
        fields.push_back(join_fields(e.fields));
        outcome.push_back(e.outcome);
    }
    translated("audit append", [&] {
        work_.exec_prepared0(kAppend, text_array(at), text_array(actor), text_array(role),
                             text_array(action), bigint_array(patron), text_array(purpose),
                             text_array(fields), text_array(outcome));
    });
}

store::ChainHead PgAuditRepository::lock_chain_head() {
    return translated("audit lock chain",
                      [&] { return read_head(work_.exec_prepared1(kLockHead)); });
}

store::ChainHead PgAuditRepository::chain_head() {
    return translated("audit chain head",
                      [&] { return read_head(work_.exec_prepared1(kReadHead)); });
}

store::ChainHead PgAuditRepository::chain_start() {
    return translated("audit chain start",
                      [&] { return read_head(work_.exec_prepared1(kReadStart)); });
}

std::vector<AuditRecord> PgAuditRepository::unsealed(std::size_t limit) {
    return translated("audit unsealed",
                      [&] { return read_records(work_.exec_prepared(kUnsealed, limit)); });
}

void PgAuditRepository::store_seals(std::span<const store::AuditSeal> seals,
                                    const store::ChainHead& head) {
    std::vector<std::optional<std::int64_t>> ids, numbers;
    std::vector<std::string> prev, hash;
    for (const auto& seal : seals) {
        ids.push_back(seal.id);
        numbers.push_back(seal.seal_no);
        prev.push_back(bytea_text(seal.prev_hash));
        hash.push_back(bytea_text(seal.hash));
    }
    translated("audit store seals", [&] {
        const auto result =
            work_.exec_prepared(kStoreSeals, bigint_array(ids), bigint_array(numbers),
                                text_array(prev), text_array(hash));
        if (result.affected_rows() != seals.size()) {
            throw DatabaseError("audit seal: entries changed while sealing");
        }
        work_.exec_prepared0(kStoreHead, head.seal_no, pqxx::binarystring(head.hash));
    });
}

std::vector<AuditRecord> PgAuditRepository::sealed_after(std::int64_t after, std::size_t limit) {
    return translated("audit read chain", [&] {
        return read_records(work_.exec_prepared(kSealedAfter, after, limit));
    });
}

std::int64_t PgAuditRepository::count_unsealed() {
    return translated("audit count unsealed",
                      [&] { return work_.exec_prepared1(kCountUnsealed)[0].as<std::int64_t>(); });
}

}  // namespace patron::pg
