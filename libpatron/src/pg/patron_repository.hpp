#pragma once

#include <pqxx/pqxx>

#include "patron/store/patron_repository.hpp"

namespace patron::pg {

/// Declares the statements PgPatronRepository uses on a new connection (prepared lazily).
void prepare_patron_statements(pqxx::connection& connection);

class PgPatronRepository final : public store::PatronRepository {
public:
    explicit PgPatronRepository(pqxx::transaction_base& work) : work_(work) {}

    std::optional<PatronId> insert(const store::PatronRow& row) override;
    std::optional<store::PatronRow> find_by_id(PatronId id) override;
    std::optional<store::PatronRow> lock_by_id(PatronId id) override;
    std::optional<store::PatronRow> find_by_card(const CardNumber& card) override;
    std::optional<store::PatronRow> find_by_digest(std::span<const HetuDigest> digests) override;
    std::vector<PatronSummary> list(PatronId after, std::size_t limit) override;
    bool update_contact(PatronId id, const store::ContactData& contact, TimePoint at,
                        std::string_view actor) override;
    bool record_card_activity(PatronId id, Date on) override;
    bool add_guardian(PatronId ward, PatronId guardian, bool consent, TimePoint at,
                      std::string_view actor) override;
    bool set_guardian_consent(PatronId ward, PatronId guardian, bool consent, TimePoint at,
                              std::string_view actor) override;
    store::Representation representation(PatronId person, PatronId target) override;
    bool set_category(PatronId id, std::string_view category, TimePoint at,
                      std::string_view actor) override;
    void set_responsible_person(PatronId organisation, PatronId person, TimePoint at,
                                std::string_view actor) override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
