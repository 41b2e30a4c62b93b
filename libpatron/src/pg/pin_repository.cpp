#include "pg/pin_repository.hpp"

#include "patron/domain/date.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kView = "pin_verification_view";
constexpr const char* kFind = "pin_find";
constexpr const char* kSet = "pin_set";
constexpr const char* kFailure = "pin_record_failure";
constexpr const char* kSuccess = "pin_record_success";
constexpr const char* kKioskFailure = "pin_kiosk_failure";

// One row whether or not the card exists, so the kiosk's throttle count comes back either way.
constexpr const char* kViewSql = R"(
SELECT (SELECT k.failures FROM kiosk_failures k WHERE k.kiosk_id = $2 AND k.window_start = $3),
       p.id, p.kind, p.given_names, p.surname, p.organisation_name,
       to_char(p.birth_date, 'YYYY-MM-DD'), to_char(p.card_expires_on, 'YYYY-MM-DD'),
       p.processing_restricted_at IS NOT NULL,
       EXISTS (SELECT 1 FROM loan_bans b
               WHERE b.patron_id = p.id AND b.lifted_at IS NULL AND b.starts_on <= $4::date
                 AND (b.ends_on IS NULL OR b.ends_on >= $4::date)),
       (SELECT coalesce(sum(f.amount_cents), 0) FROM fees f
        WHERE f.patron_id = p.id AND f.paid_at IS NULL AND f.cancelled_at IS NULL),
       EXISTS (SELECT 1 FROM guardianships g WHERE g.ward_id = p.id AND g.consent_at IS NOT NULL),
       pin.pin_hash, pin.pepper_id, pin.failed_attempts,
       (extract(epoch FROM pin.locked_until) * 1000000)::bigint
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

// One statement, so concurrent failures each add exactly one (the row lock orders them). Every
// expression sees the row as it was: an expired lock starts a new round at one.
constexpr const char* kFailureSql = R"(
UPDATE patron_pins SET
    failed_attempts = CASE WHEN locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END,
    locked_until = CASE
        WHEN locked_until > $2 THEN locked_until
        WHEN (CASE WHEN locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END) >= $3
            THEN $2::timestamptz + make_interval(secs => $4)
        ELSE NULL END
WHERE patron_id = $1
RETURNING failed_attempts, (extract(epoch FROM locked_until) * 1000000)::bigint
)";

constexpr const char* kSuccessSql = R"(
UPDATE patron_pins SET failed_attempts = 0, locked_until = NULL,
    pin_hash = coalesce($4, pin_hash), pepper_id = coalesce($5::smallint, pepper_id)
WHERE patron_id = $1 AND (locked_until IS NULL OR locked_until <= $2) AND pin_hash = $3
)";

// A failure from an older window (another instance's clock) counts in the current one.
constexpr const char* kKioskFailureSql = R"(
INSERT INTO kiosk_failures (kiosk_id, window_start, failures) VALUES ($1, $2, 1)
ON CONFLICT (kiosk_id) DO UPDATE SET
    failures = CASE WHEN EXCLUDED.window_start > kiosk_failures.window_start THEN 1
                    ELSE kiosk_failures.failures + 1 END,
    window_start = greatest(kiosk_failures.window_start, EXCLUDED.window_start)
)";

std::optional<TimePoint> optional_time(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return timestamp_from_micros(field);
}

std::optional<std::string> optional_text(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return field.as<std::string>();
}

store::PinRecord read_pin(const pqxx::row& r, pqxx::row::size_type at) {
    return store::PinRecord{StoredPin{r[at].as<std::string>(), r[at + 1].as<std::uint16_t>()},
                            r[at + 2].as<int>(), optional_time(r[at + 3])};
}

}  // namespace

void prepare_pin_statements(pqxx::connection& connection) {
    connection.prepare(kView, kViewSql);
    connection.prepare(kFind, kFindSql);
    connection.prepare(kSet, kSetSql);
    connection.prepare(kFailure, kFailureSql);
    connection.prepare(kSuccess, kSuccessSql);
    connection.prepare(kKioskFailure, kKioskFailureSql);
}

store::VerificationView PgPinRepository::verification_view(const CardNumber& card,
                                                           std::string_view kiosk,
                                                           TimePoint window_start, Date today) {
    return translated("pin verification view", [&] {
        const pqxx::row r = work_.exec_prepared1(kView, card.value(), std::string(kiosk),
                                                 to_iso(window_start), to_iso(today));
        store::VerificationView view;
        view.kiosk_failures = r[0].is_null() ? 0 : r[0].as<int>();
        if (r[1].is_null()) return view;
        store::BorrowerState b;
        b.id = PatronId{r[1].as<std::int64_t>()};
        const auto kind = parse_patron_kind(r[2].c_str());
        if (!kind) throw_corrupt("kind");
        b.kind = *kind;
        b.given_names = optional_text(r[3]).value_or("");
        b.surname = optional_text(r[4]).value_or("");
        b.organisation_name = optional_text(r[5]).value_or("");
        if (!r[6].is_null()) b.birth_date = date_value(r[6]);
        if (!r[7].is_null()) b.card_expires_on = date_value(r[7]);
        b.processing_restricted = r[8].as<bool>();
        b.loan_ban = r[9].as<bool>();
        b.unpaid_fees_cents = r[10].as<std::int64_t>();
        b.guardian_consent = r[11].as<bool>();
        if (!r[12].is_null()) b.pin = read_pin(r, 12);
        view.borrower = std::move(b);
        return view;
    });
}

std::optional<store::PinRecord> PgPinRepository::find(PatronId patron) {
    return translated("pin find", [&]() -> std::optional<store::PinRecord> {
        const auto result = work_.exec_prepared(kFind, patron.value);
        if (result.empty()) return std::nullopt;
        return read_pin(result[0], 0);
    });
}

void PgPinRepository::set(PatronId patron, const StoredPin& pin, TimePoint at,
                          std::string_view actor) {
    translated("pin set", [&] {
        work_.exec_prepared0(kSet, patron.value, pin.phc, pin.pepper_id, to_iso(at),
                             std::string(actor));
    });
}

std::optional<store::FailureCount> PgPinRepository::record_failure(PatronId patron, TimePoint now,
                                                                   const PinLockout& lockout) {
    return translated("pin record failure", [&]() -> std::optional<store::FailureCount> {
        const auto result =
            work_.exec_prepared(kFailure, patron.value, to_iso(now), lockout.max_failed_attempts,
                                lockout.duration.count());
        if (result.empty()) return std::nullopt;
        return store::FailureCount{result[0][0].as<int>(), optional_time(result[0][1])};
    });
}

bool PgPinRepository::record_success(PatronId patron, TimePoint now, const StoredPin& verified,
                                     const std::optional<StoredPin>& rehashed) {
    Params params;
    params.add(std::to_string(patron.value)).add(to_iso(now)).add(verified.phc);
    params.add(rehashed ? std::optional(rehashed->phc) : std::nullopt);
    params.add(rehashed ? std::optional(std::to_string(rehashed->pepper_id)) : std::nullopt);
    return translated("pin record success", [&] {
        return work_.exec_prepared(kSuccess, params.dynamic()).affected_rows() == 1;
    });
}

void PgPinRepository::record_kiosk_failure(std::string_view kiosk, TimePoint window_start) {
    translated("pin kiosk failure", [&] {
        work_.exec_prepared0(kKioskFailure, std::string(kiosk), to_iso(window_start));
    });
}

}  // namespace patron::pg
