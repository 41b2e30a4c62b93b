#include "pg/pin_repository.hpp"

#include <fmt/format.h>

#include "patron/domain/date.hpp"
#include "pg/audit_sql.hpp"
#include "pg/borrower_sql.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kView = "pin_verification_view";
constexpr const char* kFind = "pin_find";
constexpr const char* kSet = "pin_set";
constexpr const char* kAttempt = "pin_record_attempt";
constexpr const char* kUnmatched = "pin_record_unmatched";

// One row whether or not the card exists, so the kiosk's throttle count comes back either way.
constexpr const char* kViewSql = R"(
SELECT (SELECT k.failures FROM kiosk_failures k WHERE k.kiosk_id = $2 AND k.window_start = $3),
       {borrower}
FROM (SELECT 1) AS one
LEFT JOIN patrons p ON p.card_number = $1
LEFT JOIN patron_pins pin ON pin.patron_id = p.id
)";

constexpr const char* kFindSql = R"(
SELECT pin_hash, pepper_id, failed_attempts, (extract(epoch FROM locked_until) * 1000000)::bigint
FROM patron_pins WHERE patron_id = $1
)";

constexpr const char* kSetSql = R"(
INSERT INTO patron_pins (patron_id, pin_hash, pepper_id, set_at, set_by)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (patron_id) DO UPDATE SET pin_hash = EXCLUDED.pin_hash,
    pepper_id = EXCLUDED.pepper_id, set_at = EXCLUDED.set_at, set_by = EXCLUDED.set_by,
    failed_attempts = 0, locked_until = NULL
)";

// A kiosk failure in the window starting at {1}, for kiosk {0} (placeholders of the statement
// it is part of). A failure from an older window (another instance's clock) counts in the
// current one.
constexpr const char* kKioskFailureUpsert = R"(
    INSERT INTO kiosk_failures (kiosk_id, window_start, failures)
    SELECT {0}, {1}, 1 WHERE {0}::text IS NOT NULL {2}
    ON CONFLICT (kiosk_id) DO UPDATE SET
        failures = CASE WHEN EXCLUDED.window_start > kiosk_failures.window_start THEN 1
                        ELSE kiosk_failures.failures + 1 END,
        window_start = greatest(kiosk_failures.window_start, EXCLUDED.window_start)
)";

// One attempt, one statement (atomic without a transaction, one round trip). `old` takes the PIN
// row's lock, so concurrent attempts are decided one after another on the latest counters and
// none is lost. Rows are written only when something changes: a correct PIN on clean counters,
// on a card already used today, writes just the audit entry. $3 correct, $4 counts, $5 the hash
// compared, $6/$7 the replacement, $8 it changes the PIN, $9/$10 lockout, $11 card activity,
// $12/$13 kiosk window, $14-$18 the audit entry, $19-$23 the outcome names.
constexpr const char* kAttemptSql = R"(
WITH old AS (
    SELECT pin_hash, failed_attempts, locked_until FROM patron_pins
    WHERE patron_id = $1 FOR UPDATE
), d AS (
    SELECT $3 AND pin_hash = $5 AND NOT coalesce(locked_until > $2, false) AS success,
           coalesce(locked_until > $2, false) AS locked,
           CASE WHEN locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END AS failures,
           failed_attempts, locked_until
    FROM old
), pin AS (
    UPDATE patron_pins p SET
        failed_attempts = CASE WHEN d.success THEN 0 ELSE d.failures END,
        locked_until = CASE WHEN d.success THEN NULL
                            WHEN d.locked THEN p.locked_until
                            WHEN d.failures >= $9 THEN $2::timestamptz + make_interval(secs => $10)
                            ELSE NULL END,
        pin_hash = CASE WHEN d.success THEN coalesce($6, p.pin_hash) ELSE p.pin_hash END,
        pepper_id = CASE WHEN d.success THEN coalesce($7::smallint, p.pepper_id)
                         ELSE p.pepper_id END,
        set_at = CASE WHEN d.success AND $8 THEN $2::timestamptz ELSE p.set_at END,
        set_by = CASE WHEN d.success AND $8 THEN $14 ELSE p.set_by END
    FROM d
    WHERE p.patron_id = $1
      AND CASE WHEN d.success
               THEN d.failed_attempts <> 0 OR d.locked_until IS NOT NULL OR $6::text IS NOT NULL
               ELSE NOT $3 AND $4 END
    RETURNING p.failed_attempts, p.locked_until
), activity AS (
    UPDATE patrons SET last_card_activity = $11::date
    WHERE id = $1 AND $11::date IS NOT NULL
      AND (last_card_activity IS NULL OR last_card_activity < $11::date)
      AND EXISTS (SELECT 1 FROM d WHERE success)
), kiosk AS ({kiosk}
), audit AS (
    {audit}
    SELECT $2, $14, $15, $16, $1, $17,
           CASE WHEN d.success THEN coalesce(string_to_array(nullif($18, ''), ','), '{{}}')
                ELSE '{{}}' END,
           CASE WHEN d.success IS NULL THEN $23
                WHEN d.success THEN $19
                WHEN $3 AND d.locked THEN $20
                WHEN NOT $4 THEN $21
                ELSE $22 END
    FROM (SELECT 1) AS one LEFT JOIN d ON true
    RETURNING outcome
)
SELECT (SELECT outcome FROM audit),
       CASE WHEN EXISTS (SELECT 1 FROM pin) THEN pin.failed_attempts ELSE d.failed_attempts END,
       (extract(epoch FROM CASE WHEN EXISTS (SELECT 1 FROM pin) THEN pin.locked_until
                                ELSE d.locked_until END) * 1000000)::bigint
FROM (SELECT 1) AS one LEFT JOIN d ON true LEFT JOIN pin ON true
)";

constexpr const char* kUnmatchedSql = R"(
WITH kiosk AS ({kiosk}
)
{audit} VALUES ($3, $4, $5, $6, $7, $8, '{{}}', $9)
)";

std::optional<TimePoint> optional_time(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return timestamp_from_micros(field);
}

}  // namespace

void prepare_pin_statements(pqxx::connection& connection) {
    connection.prepare(kView, fmt::format(kViewSql, fmt::arg("borrower", borrower_columns("$4"))));
    connection.prepare(kFind, kFindSql);
    connection.prepare(kSet, kSetSql);
    connection.prepare(kAttempt,
                       fmt::format(kAttemptSql,
                                   fmt::arg("kiosk", fmt::format(kKioskFailureUpsert, "$12", "$13",
                                                                 "AND NOT EXISTS (SELECT 1 FROM d "
                                                                 "WHERE success)")),
                                   fmt::arg("audit", kAuditInsert)));
    connection.prepare(
        kUnmatched, fmt::format(kUnmatchedSql,
                                fmt::arg("kiosk", fmt::format(kKioskFailureUpsert, "$1", "$2", "")),
                                fmt::arg("audit", kAuditInsert)));
}

store::VerificationView PgPinRepository::verification_view(const CardNumber& card,
                                                           std::string_view kiosk,
                                                           TimePoint window_start, Date today) {
    return translated("pin verification view", [&] {
        const pqxx::row r = work_.exec_prepared1(kView, card.value(), std::string(kiosk),
                                                 to_iso(window_start), to_iso(today));
        store::VerificationView view;
        view.kiosk_failures = r[0].is_null() ? 0 : r[0].as<int>();
        if (!r[1].is_null()) view.borrower = read_borrower(r, 1);
        return view;
    });
}

std::optional<store::PinRecord> PgPinRepository::find(PatronId patron) {
    return translated("pin find", [&]() -> std::optional<store::PinRecord> {
        const auto result = work_.exec_prepared(kFind, patron.value);
        if (result.empty()) return std::nullopt;
        return read_pin_record(result[0], 0);
    });
}

void PgPinRepository::set(PatronId patron, const StoredPin& pin, TimePoint at,
                          std::string_view actor) {
    translated("pin set", [&] {
        work_.exec_prepared0(kSet, patron.value, pin.phc, pin.pepper_id, to_iso(at),
                             std::string(actor));
    });
}

store::AttemptResult PgPinRepository::record_attempt(const store::PinAttempt& a,
                                                     const PinLockout& lockout) {
    const AuditEvent& e = a.audit;
    std::string fields;
    for (const auto& field : e.fields) fields += (fields.empty() ? "" : ",") + field;
    Params params;
    params.add(std::to_string(a.patron.value)).add(to_iso(a.now));
    const auto boolean = [](bool b) { return std::string(b ? "true" : "false"); };
    params.add(boolean(a.correct)).add(boolean(a.counts));
    params.add(a.compared.phc);
    params.add(a.replacement ? std::optional(a.replacement->phc) : std::nullopt);
    params.add(a.replacement ? std::optional(std::to_string(a.replacement->pepper_id))
                             : std::nullopt);
    params.add(boolean(a.changes_pin));
    params.add(std::to_string(lockout.max_failed_attempts))
        .add(std::to_string(lockout.duration.count()));
    params.add(a.card_activity ? std::optional(to_iso(*a.card_activity)) : std::nullopt);
    params.add(a.kiosk ? std::optional(a.kiosk->kiosk) : std::nullopt);
    params.add(a.kiosk ? std::optional(to_iso(a.kiosk->start)) : std::nullopt);
    params.add(e.actor).add(std::string(to_string(e.role))).add(e.action).add(e.purpose);
    params.add(fields);
    for (const auto outcome :
         {store::PinOutcome::verified, store::PinOutcome::locked, store::PinOutcome::unusable,
          store::PinOutcome::wrong_pin, store::PinOutcome::no_pin}) {
        params.add(std::string(to_string(outcome)));
    }
    return translated("pin record attempt", [&] {
        const pqxx::row r = work_.exec_prepared1(kAttempt, params.dynamic());
        store::AttemptResult result;
        const std::string outcome = r[0].as<std::string>();
        if (outcome == to_string(store::PinOutcome::verified)) {
            result.outcome = store::PinOutcome::verified;
        } else if (outcome == to_string(store::PinOutcome::locked)) {
            result.outcome = store::PinOutcome::locked;
        } else if (outcome == to_string(store::PinOutcome::unusable)) {
            result.outcome = store::PinOutcome::unusable;
        } else if (outcome == to_string(store::PinOutcome::no_pin)) {
            result.outcome = store::PinOutcome::no_pin;
        }
        if (!r[1].is_null()) result.failed_attempts = r[1].as<int>();
        result.locked_until = optional_time(r[2]);
        return result;
    });
}

void PgPinRepository::record_unmatched(const std::optional<store::KioskWindow>& kiosk,
                                       const AuditEvent& e) {
    Params params;
    params.add(kiosk ? std::optional(kiosk->kiosk) : std::nullopt);
    params.add(kiosk ? std::optional(to_iso(kiosk->start)) : std::nullopt);
    params.add(to_iso(e.at)).add(e.actor).add(std::string(to_string(e.role))).add(e.action);
    params.add(e.patron ? std::optional(std::to_string(e.patron->value)) : std::nullopt);
    params.add(e.purpose).add(e.outcome);
    translated("pin record unmatched", [&] { work_.exec_prepared0(kUnmatched, params.dynamic()); });
}

}  // namespace patron::pg
