#include "pg/patron_repository.hpp"

#include <fmt/format.h>

#include "patron/domain/date.hpp"
#include "patron/exception.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kInsert = "patron_insert";
constexpr const char* kFindById = "patron_find_by_id";
constexpr const char* kLockById = "patron_lock_by_id";
constexpr const char* kFindByCard = "patron_find_by_card";
constexpr const char* kFindByDigest = "patron_find_by_digest";
constexpr const char* kList = "patron_list";
constexpr const char* kUpdateContact = "patron_update_contact";
constexpr const char* kCardActivity = "patron_card_activity";
constexpr const char* kAddGuardian = "patron_add_guardian";
constexpr const char* kSetResponsible = "patron_set_responsible";
constexpr const char* kGuardianConsent = "patron_guardian_consent";
constexpr const char* kRepresentation = "patron_representation";
constexpr const char* kSetCategory = "patron_set_category";

// One select list for every lookup, so a row is always read the same way (see read_row). Dates
// are formatted explicitly: the session's DateStyle (server, role or PGDATESTYLE) must not matter.
// Guardianships come as "ward:ward_birth_date:guardian:consent(0/1)" so one round trip reads the
// whole record;
// the ward's birth date by primary key, so the plan stays index lookups on a table of any size.
constexpr const char* kSelect = R"(
SELECT p.id, p.kind, p.hetu_key_id, p.hetu_ciphertext, p.hetu_index_key_id, p.hetu_index,
       to_char(p.birth_date, 'YYYY-MM-DD'), p.surname, p.given_names, p.organisation_name,
       p.street_address, p.postal_code, p.post_office, p.country, p.email, p.phones,
       p.card_number, p.home_library, p.mother_tongue, p.gender,
       p.due_date_reminder, p.overdue_notice, p.hold_ready_notice,
       (extract(epoch FROM p.created_at) * 1000000)::bigint, p.created_by,
       (extract(epoch FROM p.modified_at) * 1000000)::bigint, p.modified_by,
       to_char(p.last_card_activity, 'YYYY-MM-DD'),
       to_char(p.card_expires_on, 'YYYY-MM-DD'), p.processing_restricted_at IS NOT NULL,
       (SELECT c.person_id FROM organisation_contacts c WHERE c.organisation_id = p.id),
       ARRAY(SELECT g.ward_id || ':' ||
                    (SELECT to_char(w.birth_date, 'YYYY-MM-DD') FROM patrons w
                     WHERE w.id = g.ward_id) || ':' || g.guardian_id || ':' ||
                    (CASE WHEN g.consent_at IS NULL THEN '0' ELSE '1' END)
             FROM guardianships g
             WHERE g.ward_id = p.id OR g.guardian_id = p.id
             ORDER BY g.ward_id, g.guardian_id),
       p.category
FROM patrons p
)";

constexpr const char* kInsertSql = R"(
INSERT INTO patrons (kind, hetu_key_id, hetu_ciphertext, hetu_index_key_id, hetu_index,
    birth_date, surname, given_names, organisation_name,
    street_address, postal_code, post_office, country, email, phones,
    card_number, home_library, mother_tongue, gender,
    due_date_reminder, overdue_notice, hold_ready_notice, card_expires_on,
    created_at, created_by, modified_at, modified_by, category)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25, $24, $25, $26)
ON CONFLICT DO NOTHING
RETURNING id
)";

constexpr const char* kListSql = R"(
SELECT id, kind, surname, given_names, organisation_name, card_number, home_library,
       to_char(card_expires_on, 'YYYY-MM-DD')
FROM patrons WHERE id > $1 ORDER BY id LIMIT $2
)";

constexpr const char* kUpdateContactSql = R"(
UPDATE patrons SET street_address = $2, postal_code = $3, post_office = $4, country = $5,
    email = $6, phones = $7, due_date_reminder = $8, overdue_notice = $9, hold_ready_notice = $10,
    modified_at = $11, modified_by = $12
WHERE id = $1
)";

constexpr const char* kCardActivitySql = R"(
UPDATE patrons SET last_card_activity = greatest(last_card_activity, $2::date) WHERE id = $1
)";

constexpr const char* kAddGuardianSql = R"(
INSERT INTO guardianships (ward_id, guardian_id, created_at, created_by, consent_at, consent_by)
VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN $3::timestamptz END, CASE WHEN $5 THEN $4 END)
ON CONFLICT DO NOTHING
)";

constexpr const char* kGuardianConsentSql = R"(
UPDATE guardianships SET consent_at = CASE WHEN $3 THEN $4::timestamptz END,
    consent_by = CASE WHEN $3 THEN $5 END
WHERE ward_id = $1 AND guardian_id = $2 AND (consent_at IS NOT NULL) <> $3
)";

// Both lookups by primary key or the guardianship's key: cheap enough for every own-scope check.
constexpr const char* kRepresentationSql = R"(
SELECT (SELECT to_char(w.birth_date, 'YYYY-MM-DD') FROM guardianships g
        JOIN patrons w ON w.id = g.ward_id
        WHERE g.guardian_id = $1 AND g.ward_id = $2),
       EXISTS (SELECT 1 FROM organisation_contacts c
               WHERE c.organisation_id = $2 AND c.person_id = $1)
)";

constexpr const char* kSetCategorySql = R"(
UPDATE patrons SET category = $2, modified_at = $3, modified_by = $4 WHERE id = $1
)";

constexpr const char* kSetResponsibleSql = R"(
INSERT INTO organisation_contacts (organisation_id, person_id, created_at, created_by)
VALUES ($1, $2, $3, $4)
ON CONFLICT (organisation_id) DO UPDATE SET person_id = EXCLUDED.person_id,
    created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by
)";

std::optional<std::string> optional_text(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return field.as<std::string>();
}

PatronKind kind_value(const pqxx::field& field) {
    const auto kind = parse_patron_kind(field.c_str());
    if (!kind) throw_corrupt("kind");
    return *kind;
}

Channel channel_value(const pqxx::field& field) {
    const auto channel = parse_channel(field.c_str());
    if (!channel) throw_corrupt(field.name());
    return *channel;
}

std::vector<store::GuardianLink> guardianships_value(const pqxx::field& field) {
    std::vector<store::GuardianLink> links;
    for (const std::string& item : text_array_value(field)) {
        // Built by kSelect: "ward:YYYY-MM-DD:guardian:consent".
        std::vector<std::string_view> parts;
        std::string_view rest = item;
        for (auto colon = rest.find(':'); colon != std::string_view::npos; colon = rest.find(':')) {
            parts.push_back(rest.substr(0, colon));
            rest.remove_prefix(colon + 1);
        }
        parts.push_back(rest);
        const auto date = parts.size() == 4 ? parse_iso_date(parts[1]) : std::nullopt;
        if (!date || (parts[3] != "0" && parts[3] != "1")) throw_corrupt("guardianships");
        links.push_back({PatronId{std::stoll(std::string(parts[0]))}, *date,
                         PatronId{std::stoll(std::string(parts[2]))}, parts[3] == "1"});
    }
    return links;
}

store::PatronRow read_row(const pqxx::row& r) {
    store::PatronRow row{
        .patron = {.card = stored<CardNumber>("card_number", r[16].as<std::string>())}};
    Patron& p = row.patron;
    p.id = PatronId{r[0].as<std::int64_t>()};
    p.kind = kind_value(r[1]);
    if (!r[3].is_null()) {
        row.hetu = EncryptedHetu{r[2].as<std::uint16_t>(), bytea_value(r[3])};
        row.digest = HetuDigest{r[4].as<std::uint16_t>(), bytea_value(r[5])};
    }
    if (!r[6].is_null()) row.birth_date = date_value(r[6]);
    p.surname = r[7].is_null() ? "" : r[7].as<std::string>();
    p.given_names = r[8].is_null() ? "" : r[8].as<std::string>();
    p.organisation_name = r[9].is_null() ? "" : r[9].as<std::string>();
    if (!r[10].is_null()) {
        auto country = stored<CountryCode>("country", r[13].as<std::string>());
        p.address = Address{r[10].as<std::string>(),
                            stored<PostalCode>("postal_code", r[11].as<std::string>(), country),
                            r[12].as<std::string>(), std::move(country)};
    }
    if (auto email = optional_text(r[14])) p.email = stored<EmailAddress>("email", *email);
    for (const auto& phone : text_array_value(r[15])) {
        p.phones.push_back(stored<PhoneNumber>("phones", phone));
    }
    p.home_library = r[17].as<std::string>();
    if (auto language = optional_text(r[18])) {
        p.mother_tongue = stored<LanguageCode>("mother_tongue", *language);
    }
    const auto gender = parse_gender(r[19].c_str());
    if (!gender) throw_corrupt("gender");
    p.gender = *gender;
    p.notices = {channel_value(r[20]), channel_value(r[21]), channel_value(r[22])};
    p.created_at = timestamp_from_micros(r[23]);
    p.created_by = r[24].as<std::string>();
    p.modified_at = timestamp_from_micros(r[25]);
    p.modified_by = r[26].as<std::string>();
    if (!r[27].is_null()) p.last_card_activity = date_value(r[27]);
    if (!r[28].is_null()) p.card_expires_on = date_value(r[28]);
    p.processing_restricted = r[29].as<bool>();
    if (!r[30].is_null()) p.responsible_person = PatronId{r[30].as<std::int64_t>()};
    row.guardianships = guardianships_value(r[31]);
    p.category = r[32].as<std::string>();
    return row;
}

std::optional<store::PatronRow> first_row(const pqxx::result& result) {
    if (result.empty()) return std::nullopt;
    return read_row(result[0]);
}

std::vector<std::string> phone_values(const std::vector<PhoneNumber>& phones) {
    std::vector<std::string> values;
    for (const auto& phone : phones) values.push_back(phone.value());
    return values;
}

// Address columns are all NULL or all set (patrons_address_whole).
void add_address(Params& params, const std::optional<Address>& address) {
    if (address) {
        params.add(address->street)
            .add(address->postal_code.value())
            .add(address->post_office)
            .add(address->country.value());
    } else {
        params.add_null().add_null().add_null().add_null();
    }
}

std::optional<std::string> email_value(const std::optional<EmailAddress>& email) {
    if (!email) return std::nullopt;
    return email->value();
}

}  // namespace

void prepare_patron_statements(pqxx::connection& connection) {
    connection.prepare(kInsert, kInsertSql);
    connection.prepare(kFindById, std::string(kSelect) + "WHERE p.id = $1");
    connection.prepare(kLockById, std::string(kSelect) + "WHERE p.id = $1 FOR UPDATE OF p");
    connection.prepare(kFindByCard, std::string(kSelect) + "WHERE p.card_number = $1");
    connection.prepare(kFindByDigest, std::string(kSelect) + "WHERE p.hetu_index = $1");
    connection.prepare(kList, kListSql);
    connection.prepare(kUpdateContact, kUpdateContactSql);
    connection.prepare(kCardActivity, kCardActivitySql);
    connection.prepare(kAddGuardian, kAddGuardianSql);
    connection.prepare(kSetResponsible, kSetResponsibleSql);
    connection.prepare(kGuardianConsent, kGuardianConsentSql);
    connection.prepare(kRepresentation, kRepresentationSql);
    connection.prepare(kSetCategory, kSetCategorySql);
}

std::optional<PatronId> PgPatronRepository::insert(const store::PatronRow& row) {
    const Patron& p = row.patron;
    Params params;
    params.add(std::string(to_string(p.kind)));
    if (row.hetu && row.digest) {
        params.add(std::to_string(row.hetu->key_id))
            .add(bytea_text(row.hetu->bytes))
            .add(std::to_string(row.digest->key_id))
            .add(bytea_text(row.digest->bytes));
    } else {
        params.add_null().add_null().add_null().add_null();
    }
    params.add(row.birth_date ? std::optional(to_iso(*row.birth_date)) : std::nullopt);
    const auto text_or_null = [](const std::string& s) {
        return s.empty() ? std::nullopt : std::optional(s);
    };
    params.add(text_or_null(p.surname))
        .add(text_or_null(p.given_names))
        .add(text_or_null(p.organisation_name));
    add_address(params, p.address);
    params.add(email_value(p.email)).add(text_array(phone_values(p.phones)));
    params.add(p.card.value()).add(p.home_library);
    params.add(p.mother_tongue ? std::optional(p.mother_tongue->value()) : std::nullopt);
    params.add(std::string(to_string(p.gender)));
    params.add(std::string(to_string(p.notices.due_date_reminder)))
        .add(std::string(to_string(p.notices.overdue_notice)))
        .add(std::string(to_string(p.notices.hold_ready)));
    params.add(p.card_expires_on ? std::optional(to_iso(*p.card_expires_on)) : std::nullopt);
    params.add(to_iso(p.created_at)).add(p.created_by).add(p.category);

    return translated("patron insert", [&]() -> std::optional<PatronId> {
        const auto result = work_.exec_prepared(kInsert, params.dynamic());
        if (result.empty()) return std::nullopt;
        return PatronId{result[0][0].as<std::int64_t>()};
    });
}

std::optional<store::PatronRow> PgPatronRepository::find_by_id(PatronId id) {
    return translated("patron find",
                      [&] { return first_row(work_.exec_prepared(kFindById, id.value)); });
}

std::optional<store::PatronRow> PgPatronRepository::lock_by_id(PatronId id) {
    return translated("patron lock",
                      [&] { return first_row(work_.exec_prepared(kLockById, id.value)); });
}

std::optional<store::PatronRow> PgPatronRepository::find_by_card(const CardNumber& card) {
    return translated("patron find by card",
                      [&] { return first_row(work_.exec_prepared(kFindByCard, card.value())); });
}

std::optional<store::PatronRow> PgPatronRepository::find_by_digest(
    std::span<const HetuDigest> digests) {
    // One plain equality per index key: a statement prepared while the table was small keeps a
    // generic plan, and only a simple unique-index equality keeps that plan an index scan.
    return translated("patron find by identity code", [&]() -> std::optional<store::PatronRow> {
        for (const auto& digest : digests) {
            auto row = first_row(work_.exec_prepared(kFindByDigest, bytea_text(digest.bytes)));
            if (row) return row;
        }
        return std::nullopt;
    });
}

std::vector<PatronSummary> PgPatronRepository::list(PatronId after, std::size_t limit) {
    return translated("patron list", [&] {
        std::vector<PatronSummary> summaries;
        for (const auto& r : work_.exec_prepared(kList, after.value, limit)) {
            PatronSummary s{.id = PatronId{r[0].as<std::int64_t>()},
                            .card = stored<CardNumber>("card_number", r[5].as<std::string>())};
            s.kind = kind_value(r[1]);
            s.display_name = s.kind == PatronKind::organisation
                                 ? r[4].as<std::string>()
                                 : r[2].as<std::string>() + ", " + r[3].as<std::string>();
            s.home_library = r[6].as<std::string>();
            if (!r[7].is_null()) s.card_expires_on = date_value(r[7]);
            summaries.push_back(std::move(s));
        }
        return summaries;
    });
}

bool PgPatronRepository::update_contact(PatronId id, const store::ContactData& contact,
                                        TimePoint at, std::string_view actor) {
    Params params;
    params.add(std::to_string(id.value));
    add_address(params, contact.address);
    params.add(email_value(contact.email)).add(text_array(phone_values(contact.phones)));
    params.add(std::string(to_string(contact.notices.due_date_reminder)))
        .add(std::string(to_string(contact.notices.overdue_notice)))
        .add(std::string(to_string(contact.notices.hold_ready)));
    params.add(to_iso(at)).add(std::string(actor));
    return translated("patron update contact", [&] {
        return work_.exec_prepared(kUpdateContact, params.dynamic()).affected_rows() == 1;
    });
}

bool PgPatronRepository::record_card_activity(PatronId id, Date on) {
    return translated("patron card activity", [&] {
        return work_.exec_prepared(kCardActivity, id.value, to_iso(on)).affected_rows() == 1;
    });
}

bool PgPatronRepository::add_guardian(PatronId ward, PatronId guardian, bool consent, TimePoint at,
                                      std::string_view actor) {
    return translated("patron add guardian", [&] {
        return work_
                   .exec_prepared(kAddGuardian, ward.value, guardian.value, to_iso(at),
                                  std::string(actor), consent)
                   .affected_rows() == 1;
    });
}

bool PgPatronRepository::set_guardian_consent(PatronId ward, PatronId guardian, bool consent,
                                              TimePoint at, std::string_view actor) {
    return translated("patron guardian consent", [&] {
        return work_
                   .exec_prepared(kGuardianConsent, ward.value, guardian.value, consent, to_iso(at),
                                  std::string(actor))
                   .affected_rows() == 1;
    });
}

store::Representation PgPatronRepository::representation(PatronId person, PatronId target) {
    return translated("patron representation", [&] {
        const auto r = work_.exec_prepared1(kRepresentation, person.value, target.value);
        store::Representation representation;
        if (!r[0].is_null()) representation.ward_birth_date = date_value(r[0]);
        representation.responsible_person = r[1].as<bool>();
        return representation;
    });
}

bool PgPatronRepository::set_category(PatronId id, std::string_view category, TimePoint at,
                                      std::string_view actor) {
    return translated("patron set category", [&] {
        return work_
                   .exec_prepared(kSetCategory, id.value, std::string(category), to_iso(at),
                                  std::string(actor))
                   .affected_rows() == 1;
    });
}

void PgPatronRepository::set_responsible_person(PatronId organisation, PatronId person,
                                                TimePoint at, std::string_view actor) {
    translated("patron set responsible person", [&] {
        work_.exec_prepared(kSetResponsible, organisation.value, person.value, to_iso(at),
                            std::string(actor));
    });
}

}  // namespace patron::pg
