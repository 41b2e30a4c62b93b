#pragma once

#include <pqxx/pqxx>

#include "patron/store/circulation_repository.hpp"

namespace patron::pg {

/// Declares the statements PgCirculationRepository uses on a new connection (prepared lazily).
void prepare_circulation_statements(pqxx::connection& connection);

class PgCirculationRepository final : public store::CirculationRepository {
public:
    explicit PgCirculationRepository(pqxx::transaction_base& work) : work_(work) {}

    std::optional<store::BorrowerState> lock_borrower(PatronId patron, Date today) override;
    std::optional<store::SummaryRow> summary(PatronId patron, Date today) override;
    store::LoanRule loan_rule(std::string_view material_type, std::string_view category) override;

    std::optional<Loan> insert_loan(PatronId patron, const Item& item, TimePoint at,
                                    std::string_view actor, Date due_on) override;
    std::optional<Loan> lock_loan(LoanId loan) override;
    std::optional<Loan> lock_loan_of_item(std::string_view barcode) override;
    void renew_loan(LoanId loan, Date due_on) override;
    bool return_loan(LoanId loan, TimePoint at, std::string_view actor) override;
    std::vector<Loan> loans(PatronId patron) override;
    std::optional<ItemStatus> item_status(std::string_view barcode) override;

    std::optional<Hold> insert_hold(PatronId patron, const Item& item, TimePoint at,
                                    std::string_view actor) override;
    std::optional<Hold> lock_hold(HoldId hold) override;
    std::vector<Hold> open_holds_on_item(std::string_view barcode) override;
    void set_hold_ready(HoldId hold, TimePoint at, Date pickup_by) override;
    void close_hold(HoldId hold, HoldStatus status, TimePoint at, std::string_view actor) override;
    std::vector<Hold> expire_holds(Date today, TimePoint at, std::string_view actor) override;
    std::vector<Hold> holds(PatronId patron) override;

    std::optional<Fee> insert_fee(PatronId patron, FeeKind kind, std::int64_t amount_cents,
                                  std::string_view description,
                                  const std::optional<std::string>& barcode, TimePoint at,
                                  std::string_view actor) override;
    std::optional<Fee> lock_fee(FeeId fee) override;
    void pay_fee(FeeId fee, TimePoint at, std::string_view actor) override;
    void cancel_fee(FeeId fee, TimePoint at, std::string_view actor) override;
    std::vector<Fee> fees(PatronId patron) override;

    std::optional<Invoice> insert_invoice(PatronId patron, Date issued_on, Date due_on,
                                          TimePoint at, std::string_view actor) override;
    std::optional<Invoice> lock_invoice(InvoiceId invoice) override;
    void pay_invoice(InvoiceId invoice, TimePoint at, std::string_view actor) override;
    void cancel_invoice(InvoiceId invoice, TimePoint at, std::string_view actor) override;
    std::vector<Invoice> invoices(PatronId patron) override;

    LoanBan insert_loan_ban(PatronId patron, std::string_view reason, Date starts_on,
                            std::optional<Date> ends_on, TimePoint at,
                            std::string_view actor) override;
    std::optional<LoanBan> lock_loan_ban(LoanBanId ban) override;
    void lift_loan_ban(LoanBanId ban, TimePoint at, std::string_view actor) override;
    std::vector<LoanBan> loan_bans(PatronId patron, Date today) override;

private:
    pqxx::transaction_base& work_;
};

}  // namespace patron::pg
