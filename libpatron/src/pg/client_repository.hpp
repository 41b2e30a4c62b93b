#pragma once

#include <pqxx/pqxx>

#include "patron/store/client_repository.hpp"

namespace patron::pg {

/// Declares the statements PgClientRepository uses on a new connection (prepared lazily).
void prepare_client_statements(pqxx::connection& connection);

class PgClientRepository final : public store::ClientRepository {
public:
    explicit PgClientRepository(pqxx::transaction_base& work) : work_(work) {}

    bool insert(const ClientInfo& client, std::string_view token_hash) override;
    std::vector<ClientInfo> list() override;
    store::RevokeOutcome revoke(std::string_view name, TimePoint at,
                                std::string_view actor) override;
    std::optional<ClientInfo> authenticate(std::string_view token_hash, TimePoint now,
                                           TimePoint stale_before) override;
    void insert_session(std::string_view token_hash, PatronId patron, TimePoint created_at,
                        TimePoint expires_at) override;
    std::optional<PatronId> find_session(std::string_view token_hash, TimePoint now) override;
    bool delete_session(std::string_view token_hash, TimePoint now) override;
    std::int64_t delete_expired_sessions(TimePoint now) override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
