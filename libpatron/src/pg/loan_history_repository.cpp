#include "pg/loan_history_repository.hpp"

#include "patron/domain/date.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kGrant = "loan_history_grant";
constexpr const char* kLockConsent = "loan_history_lock_consent";
constexpr const char* kWithdraw = "loan_history_withdraw";
constexpr const char* kConsent = "loan_history_consent";
constexpr const char* kEntries = "loan_history_entries";

constexpr const char* kGrantSql = R"(
INSERT INTO loan_history_consents (patron_id, granted_at, granted_by, method)
VALUES ($1, $2, $3, $4)
ON CONFLICT (patron_id) DO NOTHING
)";

// A return writes history only under a share lock on the consent (circulation_repository.cpp), so
// this lock waits for returns in flight; the delete that follows is a new statement, whose
// snapshot sees the history they committed.
constexpr const char* kLockConsentSql = R"(
SELECT 1 FROM loan_history_consents WHERE patron_id = $1 FOR UPDATE
)";

// The history is deleted here rather than left to the foreign key's cascade, so that it is
// counted.
constexpr const char* kWithdrawSql = R"(
WITH consent AS (
    DELETE FROM loan_history_consents WHERE patron_id = $1 RETURNING patron_id
), history AS (
    DELETE FROM loan_history WHERE patron_id = $1 RETURNING id
)
SELECT (SELECT count(*) FROM history) FROM consent
)";

constexpr const char* kConsentSql = R"(
SELECT (extract(epoch FROM granted_at) * 1000000)::bigint, granted_by, method
FROM loan_history_consents WHERE patron_id = $1
)";

constexpr const char* kEntriesSql = R"(
SELECT barcode, title, material_type, (extract(epoch FROM checked_out_at) * 1000000)::bigint,
       (extract(epoch FROM returned_at) * 1000000)::bigint
FROM loan_history WHERE patron_id = $1
ORDER BY returned_at DESC, id DESC
)";

}  // namespace

void prepare_loan_history_statements(pqxx::connection& connection) {
    connection.prepare(kGrant, kGrantSql);
    connection.prepare(kLockConsent, kLockConsentSql);
    connection.prepare(kWithdraw, kWithdrawSql);
    connection.prepare(kConsent, kConsentSql);
    connection.prepare(kEntries, kEntriesSql);
}

bool PgLoanHistoryRepository::grant(PatronId patron, ConsentMethod method, TimePoint at,
                                    std::string_view actor) {
    return translated("loan history grant", [&] {
        return work_
                   .exec_prepared(kGrant, patron.value, to_iso(at), std::string(actor),
                                  std::string(to_string(method)))
                   .affected_rows() == 1;
    });
}

std::optional<std::size_t> PgLoanHistoryRepository::withdraw(PatronId patron) {
    return translated("loan history withdraw", [&]() -> std::optional<std::size_t> {
        if (work_.exec_prepared(kLockConsent, patron.value).empty()) return std::nullopt;
        const auto result = work_.exec_prepared(kWithdraw, patron.value);
        if (result.empty()) return std::nullopt;
        return result[0][0].as<std::size_t>();
    });
}

std::optional<LoanHistoryConsent> PgLoanHistoryRepository::consent(PatronId patron) {
    return translated("loan history consent", [&]() -> std::optional<LoanHistoryConsent> {
        const auto result = work_.exec_prepared(kConsent, patron.value);
        if (result.empty()) return std::nullopt;
        const pqxx::row r = result[0];
        const auto method = parse_consent_method(r[2].c_str());
        if (!method) throw_corrupt("method");
        return LoanHistoryConsent{timestamp_from_micros(r[0]), r[1].as<std::string>(), *method};
    });
}

std::vector<LoanHistoryEntry> PgLoanHistoryRepository::entries(PatronId patron) {
    return translated("loan history entries", [&] {
        std::vector<LoanHistoryEntry> entries;
        for (const auto& r : work_.exec_prepared(kEntries, patron.value)) {
            auto item =
                Item::make(r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>());
            // The error names the field, which is the column of the same name.
            if (!item) throw_corrupt(item.error().field);
            entries.push_back(
                {std::move(*item), timestamp_from_micros(r[3]), timestamp_from_micros(r[4])});
        }
        return entries;
    });
}

}  // namespace patron::pg
