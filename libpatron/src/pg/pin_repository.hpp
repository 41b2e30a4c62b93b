#pragma once

#include <pqxx/pqxx>

#include "patron/store/pin_repository.hpp"

namespace patron::pg {

/// Declares the statements PgPinRepository uses on a new connection (prepared lazily).
void prepare_pin_statements(pqxx::connection& connection);

class PgPinRepository final : public store::PinRepository {
public:
    explicit PgPinRepository(pqxx::work& work) : work_(work) {}

    store::VerificationView verification_view(const CardNumber& card, std::string_view kiosk,
                                              TimePoint window_start, Date today) override;
    std::optional<store::PinRecord> find(PatronId patron) override;
    void set(PatronId patron, const StoredPin& pin, TimePoint at, std::string_view actor) override;
    std::optional<store::FailureCount> record_failure(PatronId patron, TimePoint now,
                                                      const PinLockout& lockout) override;
    bool record_success(PatronId patron, TimePoint now, const StoredPin& verified,
                        const std::optional<StoredPin>& rehashed) override;
    void record_kiosk_failure(std::string_view kiosk, TimePoint window_start) override;

private:
    pqxx::work& work_;
};

}  // namespace patron::pg
