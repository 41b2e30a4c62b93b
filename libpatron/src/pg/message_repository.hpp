#pragma once

#include <pqxx/pqxx>

#include "patron/store/circulation_repository.hpp"

namespace patron::pg {

/// Declares the statements PgMessageRepository uses on a new connection (prepared lazily).
void prepare_message_statements(pqxx::connection& connection);

class PgMessageRepository final : public store::MessageRepository {
public:
    explicit PgMessageRepository(pqxx::transaction_base& work) : work_(work) {}

    std::vector<store::GeneratedMessage> generate(const store::NoticeSchedule& schedule,
                                                  TimePoint at) override;
    std::vector<store::OutgoingMessage> claim(std::size_t limit, TimePoint now,
                                              TimePoint lease_from) override;
    bool mark_sent(MessageId message, TimePoint at) override;
    bool mark_failed(MessageId message, int max_attempts) override;
    std::vector<MessageRecord> messages(PatronId patron) override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
