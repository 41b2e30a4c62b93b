#pragma once

#include <pqxx/pqxx>

#include "patron/store/pin_repository.hpp"

namespace patron::pg {

/// Declares the statements PgPinRepository uses on a new connection (prepared lazily).
void prepare_pin_statements(pqxx::connection& connection);

class PgPinRepository final : public store::PinRepository {
public:
    explicit PgPinRepository(pqxx::transaction_base& work) : work_(work) {}

    store::VerificationView verification_view(const CardNumber& card, std::string_view kiosk,
                                              TimePoint window_start, Date today) override;
    std::optional<store::PinRecord> find(PatronId patron) override;
    void set(PatronId patron, const StoredPin& pin, TimePoint at, std::string_view actor) override;
    store::AttemptResult record_attempt(const store::PinAttempt& attempt,
                                        const PinLockout& lockout) override;
    void record_unmatched(const std::optional<store::KioskWindow>& kiosk,
                          const AuditEvent& audit) override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
