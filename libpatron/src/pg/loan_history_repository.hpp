#pragma once

#include <pqxx/pqxx>

#include "patron/store/circulation_repository.hpp"

namespace patron::pg {

/// Declares the statements PgLoanHistoryRepository uses on a new connection (prepared lazily).
void prepare_loan_history_statements(pqxx::connection& connection);

class PgLoanHistoryRepository final : public store::LoanHistoryRepository {
public:
    explicit PgLoanHistoryRepository(pqxx::transaction_base& work) : work_(work) {}

    bool grant(PatronId patron, ConsentMethod method, TimePoint at,
               std::string_view actor) override;
    std::optional<std::size_t> withdraw(PatronId patron) override;
    std::optional<LoanHistoryConsent> consent(PatronId patron) override;
    std::vector<LoanHistoryEntry> entries(PatronId patron) override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
