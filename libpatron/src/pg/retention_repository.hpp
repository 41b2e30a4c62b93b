#pragma once

#include <pqxx/pqxx>

#include "patron/store/retention_repository.hpp"

namespace patron::pg {

/// Retention statements are composed from the tables of record classes and legal holds (see the
/// .cpp) and run unprepared: a batch is one call of each, and custom plans for the actual dates
/// are worth the planning.
class PgRetentionRepository final : public store::RetentionRepository {
public:
    explicit PgRetentionRepository(pqxx::transaction_base& work) : work_(work) {}

    std::vector<std::string> personal_data_tables() override;
    store::DueCount count_due(const store::DueQuery& query, std::size_t examples) override;
    void lock_batches() override;
    store::PurgedBatch purge_batch(const store::DueQuery& query, std::int64_t after,
                                   std::size_t limit) override;
    std::int64_t start_run(TimePoint now, TimePoint stale_before,
                           const std::string& policy_digest) override;
    void heartbeat(std::int64_t run_id, TimePoint now) override;
    void record_rule(std::int64_t run_id, const RetentionRule& rule, std::int64_t records,
                     std::int64_t batches, std::int64_t longest_batch_ms) override;
    void finish_run(std::int64_t run_id, store::RunStatus status, TimePoint now) override;

private:
    store::PurgedBatch erase_patrons(const store::DueQuery& query, std::int64_t after,
                                     std::size_t limit);
    store::PurgedBatch purge_audit(const store::DueQuery& query, std::size_t limit);

    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
