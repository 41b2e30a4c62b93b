#include "patron/circulation/loan_history.hpp"

#include "access/authorization.hpp"

namespace patron {

struct LoanHistory::Impl {
    Context context;

    // A transaction in which `caller` may do `operation` on the existing `patron`.
    Result<std::unique_ptr<store::Transaction>> begin(const Caller& caller, Operation operation,
                                                      PatronId patron) const {
        if (auto ok = detail::check_caller(caller, operation); !ok) {
            return tl::unexpected(ok.error());
        }
        auto tx = context.database.begin();
        if (auto ok = detail::check_target(caller, operation, patron, tx->patrons(),
                                           context.clock.today());
            !ok) {
            return tl::unexpected(ok.error());
        }
        if (!tx->patrons().find_by_id(patron)) {
            return fail(ErrorCode::not_found, "", "no such patron");
        }
        return tx;
    }

    void finish(store::Transaction& tx, const Caller& caller, Operation operation,
                PatronId patron) const {
        const AuditEvent e =
            detail::audit_event(context.clock, caller, operation, patron, {"loan_history"});
        tx.audit().append({&e, 1});
        tx.commit();
    }
};

LoanHistory::LoanHistory(const Context& context) : impl_(std::make_unique<Impl>(Impl{context})) {}
LoanHistory::~LoanHistory() = default;

Result<void> LoanHistory::grant_consent(const Caller& caller, PatronId patron,
                                        ConsentMethod method) {
    // Only the patron's own hand is electronic; staff record what the patron gave them.
    if (caller.role == Role::patron && method != ConsentMethod::electronic) {
        return invalid("method", "a patron's own consent is electronic");
    }
    auto tx = impl_->begin(caller, Operation::loan_history_consent, patron);
    if (!tx) return tl::unexpected(tx.error());
    if (!(*tx)->loan_history().grant(patron, method, impl_->context.clock.now(), caller.actor)) {
        return fail(ErrorCode::conflict, "", "a loan-history consent is already in force");
    }
    impl_->finish(**tx, caller, Operation::loan_history_consent, patron);
    return {};
}

Result<std::size_t> LoanHistory::withdraw_consent(const Caller& caller, PatronId patron) {
    auto tx = impl_->begin(caller, Operation::loan_history_consent, patron);
    if (!tx) return tl::unexpected(tx.error());
    const auto deleted = (*tx)->loan_history().withdraw(patron);
    if (!deleted) return fail(ErrorCode::not_found, "", "no loan-history consent in force");
    impl_->finish(**tx, caller, Operation::loan_history_consent, patron);
    return *deleted;
}

Result<LoanHistoryView> LoanHistory::read(const Caller& caller, PatronId patron) {
    auto tx = impl_->begin(caller, Operation::read_loan_history, patron);
    if (!tx) return tl::unexpected(tx.error());
    auto& history = (*tx)->loan_history();
    LoanHistoryView view{history.consent(patron), history.entries(patron)};
    impl_->finish(**tx, caller, Operation::read_loan_history, patron);
    return view;
}

}  // namespace patron
