#include "pg/borrower_sql.hpp"

#include <fmt/format.h>

#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

// Every lookup by the patron's id through an index: loan_bans_patron, fees_patron_open,
// guardianships' primary key.
constexpr const char* kColumns = R"(p.id, p.kind, p.given_names, p.surname,
       p.organisation_name, p.category,
       to_char(p.birth_date, 'YYYY-MM-DD'), to_char(p.card_expires_on, 'YYYY-MM-DD'),
       p.processing_restricted_at IS NOT NULL,
       EXISTS (SELECT 1 FROM loan_bans b
               WHERE b.patron_id = p.id AND b.lifted_at IS NULL AND b.starts_on <= {0}::date
                 AND (b.ends_on IS NULL OR b.ends_on >= {0}::date)),
       (SELECT coalesce(sum(f.amount_cents), 0) FROM fees f
        WHERE f.patron_id = p.id AND f.paid_at IS NULL AND f.cancelled_at IS NULL),
       EXISTS (SELECT 1 FROM guardianships g WHERE g.ward_id = p.id AND g.consent_at IS NOT NULL),
       pin.pin_hash, pin.pepper_id, pin.failed_attempts,
       (extract(epoch FROM pin.locked_until) * 1000000)::bigint)";

std::string text_or_empty(const pqxx::field& field) {
    return field.is_null() ? std::string() : field.as<std::string>();
}

}  // namespace

std::string borrower_columns(std::string_view today) { return fmt::format(kColumns, today); }

store::BorrowerState read_borrower(const pqxx::row& r, pqxx::row::size_type at) {
    store::BorrowerState b;
    b.id = PatronId{r[at].as<std::int64_t>()};
    const auto kind = parse_patron_kind(r[at + 1].c_str());
    if (!kind) throw_corrupt("kind");
    b.kind = *kind;
    b.given_names = text_or_empty(r[at + 2]);
    b.surname = text_or_empty(r[at + 3]);
    b.organisation_name = text_or_empty(r[at + 4]);
    b.category = r[at + 5].as<std::string>();
    if (!r[at + 6].is_null()) b.birth_date = date_value(r[at + 6]);
    if (!r[at + 7].is_null()) b.card_expires_on = date_value(r[at + 7]);
    b.processing_restricted = r[at + 8].as<bool>();
    b.loan_ban = r[at + 9].as<bool>();
    b.unpaid_fees_cents = r[at + 10].as<std::int64_t>();
    b.guardian_consent = r[at + 11].as<bool>();
    if (!r[at + 12].is_null()) b.pin = read_pin_record(r, at + 12);
    return b;
}

store::PinRecord read_pin_record(const pqxx::row& r, pqxx::row::size_type at) {
    std::optional<TimePoint> locked_until;
    if (!r[at + 3].is_null()) locked_until = timestamp_from_micros(r[at + 3]);
    return store::PinRecord{StoredPin{r[at].as<std::string>(), r[at + 1].as<std::uint16_t>()},
                            r[at + 2].as<int>(), locked_until};
}

}  // namespace patron::pg
