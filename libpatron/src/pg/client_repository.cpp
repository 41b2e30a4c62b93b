#include "pg/client_repository.hpp"

#include "patron/domain/date.hpp"
#include "pg/errors.hpp"
#include "pg/sql_values.hpp"

namespace patron::pg {
namespace {

constexpr const char* kInsert = "client_insert";
constexpr const char* kList = "client_list";
constexpr const char* kRevoke = "client_revoke";
constexpr const char* kAuthenticate = "client_authenticate";
constexpr const char* kSessionInsert = "session_insert";
constexpr const char* kSessionFind = "session_find";
constexpr const char* kSessionDelete = "session_delete";
constexpr const char* kSessionsExpire = "sessions_expire";

// Only a taken name is an expected conflict; a token hash colliding is not (256 random bits).
constexpr const char* kInsertSql = R"(
INSERT INTO api_clients (name, role, token_hash, created_at, created_by)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (name) DO NOTHING
)";

constexpr const char* kListSql = R"(
SELECT name, role, (extract(epoch FROM created_at) * 1000000)::bigint, created_by,
       (extract(epoch FROM revoked_at) * 1000000)::bigint, revoked_by,
       (extract(epoch FROM last_used_at) * 1000000)::bigint
FROM api_clients ORDER BY id
)";

// The final SELECT sees the table as before the update, so it tells a revoked client from a
// missing one. A concurrent revoke of the same client waits for the row lock, then finds it
// revoked and updates nothing.
constexpr const char* kRevokeSql = R"(
WITH revoked AS (
    UPDATE api_clients SET revoked_at = $2, revoked_by = $3
    WHERE name = $1 AND revoked_at IS NULL
    RETURNING id
)
SELECT EXISTS (SELECT 1 FROM revoked), EXISTS (SELECT 1 FROM api_clients WHERE name = $1)
)";

// One statement: the lookup, and the last use only when older than $3, so a client busy with
// many requests a minute writes once a minute, not per request.
constexpr const char* kAuthenticateSql = R"(
WITH client AS (
    SELECT id FROM api_clients WHERE token_hash = $1 AND revoked_at IS NULL
), used AS (
    UPDATE api_clients c SET last_used_at = $2
    FROM client
    WHERE c.id = client.id AND (c.last_used_at IS NULL OR c.last_used_at < $3)
    RETURNING c.id, c.last_used_at
)
SELECT name, role, (extract(epoch FROM created_at) * 1000000)::bigint, created_by,
       (extract(epoch FROM revoked_at) * 1000000)::bigint, revoked_by,
       (extract(epoch FROM coalesce(used.last_used_at, c.last_used_at)) * 1000000)::bigint
FROM api_clients c JOIN client ON client.id = c.id LEFT JOIN used ON used.id = c.id
)";

// A token hash colliding is not an expected outcome (256 random bits): no ON CONFLICT.
constexpr const char* kSessionInsertSql = R"(
INSERT INTO web_sessions (token_hash, patron_id, created_at, expires_at) VALUES ($1, $2, $3, $4)
)";

constexpr const char* kSessionFindSql = R"(
SELECT patron_id FROM web_sessions WHERE token_hash = $1 AND expires_at > $2
)";

// An expired session goes too, but was not live: logging out of it ends nothing.
constexpr const char* kSessionDeleteSql = R"(
DELETE FROM web_sessions WHERE token_hash = $1 RETURNING expires_at > $2
)";

constexpr const char* kSessionsExpireSql = R"(
DELETE FROM web_sessions WHERE expires_at <= $1
)";

std::optional<TimePoint> optional_time(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return timestamp_from_micros(field);
}

// A row of the columns kListSql selects, in its order.
ClientInfo from_row(const pqxx::row& r) {
    const auto role = parse_role(r[1].c_str());
    // The table's CHECK keeps role patron out; a token never acts as a patron.
    if (!role || *role == Role::patron) throw_corrupt("role");
    ClientInfo client{.name = r[0].as<std::string>(),
                      .role = *role,
                      .created_at = timestamp_from_micros(r[2]),
                      .created_by = r[3].as<std::string>(),
                      .revoked_at = optional_time(r[4]),
                      .revoked_by = std::nullopt,
                      .last_used_at = optional_time(r[6])};
    if (!r[5].is_null()) client.revoked_by = r[5].as<std::string>();
    return client;
}

}  // namespace

void prepare_client_statements(pqxx::connection& connection) {
    connection.prepare(kInsert, kInsertSql);
    connection.prepare(kList, kListSql);
    connection.prepare(kRevoke, kRevokeSql);
    connection.prepare(kAuthenticate, kAuthenticateSql);
    connection.prepare(kSessionInsert, kSessionInsertSql);
    connection.prepare(kSessionFind, kSessionFindSql);
    connection.prepare(kSessionDelete, kSessionDeleteSql);
    connection.prepare(kSessionsExpire, kSessionsExpireSql);
}

bool PgClientRepository::insert(const ClientInfo& client, std::string_view token_hash) {
    return translated("client insert", [&] {
        return work_
                   .exec_prepared(kInsert, client.name, std::string(to_string(client.role)),
                                  bytea_text(token_hash), to_iso(client.created_at),
                                  client.created_by)
                   .affected_rows() == 1;
    });
}

std::vector<ClientInfo> PgClientRepository::list() {
    return translated("client list", [&] {
        std::vector<ClientInfo> clients;
        for (const auto& r : work_.exec_prepared(kList)) clients.push_back(from_row(r));
        return clients;
    });
}

store::RevokeOutcome PgClientRepository::revoke(std::string_view name, TimePoint at,
                                                std::string_view actor) {
    return translated("client revoke", [&] {
        const pqxx::row r =
            work_.exec_prepared1(kRevoke, std::string(name), to_iso(at), std::string(actor));
        if (r[0].as<bool>()) return store::RevokeOutcome::revoked;
        return r[1].as<bool>() ? store::RevokeOutcome::already_revoked
                               : store::RevokeOutcome::not_found;
    });
}

std::optional<ClientInfo> PgClientRepository::authenticate(std::string_view token_hash,
                                                           TimePoint now, TimePoint stale_before) {
    return translated("client authenticate", [&]() -> std::optional<ClientInfo> {
        const auto result = work_.exec_prepared(kAuthenticate, bytea_text(token_hash), to_iso(now),
                                                to_iso(stale_before));
        if (result.empty()) return std::nullopt;
        return from_row(result[0]);
    });
}

void PgClientRepository::insert_session(std::string_view token_hash, PatronId patron,
                                        TimePoint created_at, TimePoint expires_at) {
    translated("session insert", [&] {
        work_.exec_prepared0(kSessionInsert, bytea_text(token_hash), patron.value,
                             to_iso(created_at), to_iso(expires_at));
    });
}

std::optional<PatronId> PgClientRepository::find_session(std::string_view token_hash,
                                                         TimePoint now) {
    return translated("session find", [&]() -> std::optional<PatronId> {
        const auto result = work_.exec_prepared(kSessionFind, bytea_text(token_hash), to_iso(now));
        if (result.empty()) return std::nullopt;
        return PatronId{result[0][0].as<std::int64_t>()};
    });
}

bool PgClientRepository::delete_session(std::string_view token_hash, TimePoint now) {
    return translated("session delete", [&] {
        const auto result =
            work_.exec_prepared(kSessionDelete, bytea_text(token_hash), to_iso(now));
        return !result.empty() && result[0][0].as<bool>();
    });
}

std::int64_t PgClientRepository::delete_expired_sessions(TimePoint now) {
    return translated("sessions expire", [&] {
        return static_cast<std::int64_t>(
            work_.exec_prepared(kSessionsExpire, to_iso(now)).affected_rows());
    });
}

}  // namespace patron::pg
