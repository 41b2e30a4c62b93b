#pragma once

#include <pqxx/pqxx>

#include "patron/store/audit_repository.hpp"

namespace patron::pg {

/// Declares the statements PgAuditRepository uses on a new connection (prepared lazily).
void prepare_audit_statements(pqxx::connection& connection);

class PgAuditRepository final : public store::AuditRepository {
public:
    explicit PgAuditRepository(pqxx::transaction_base& work) : work_(work) {}

    void append(std::span<const AuditEvent> events) override;
    store::ChainHead lock_chain_head() override;
    store::ChainHead chain_head() override;
    store::ChainHead chain_start() override;
    std::vector<AuditRecord> unsealed(std::size_t limit) override;
    void store_seals(std::span<const store::AuditSeal> seals,
                     const store::ChainHead& head) override;
    std::vector<AuditRecord> sealed_after(std::int64_t after, std::size_t limit) override;
    std::int64_t count_unsealed() override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
