#pragma once
/// @file
/// Loan history of home-service customers (kotipalvelu), kept only with their consent.

#include <memory>
#include <optional>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/circulation/circulation_types.hpp"
#include "patron/context.hpp"
#include "patron/result.hpp"

namespace patron {

/// A patron's loan history and the consent it is kept under.
struct LoanHistoryView {
    std::optional<LoanHistoryConsent> consent;  ///< empty: none in force, so no history
    std::vector<LoanHistoryEntry> entries;      ///< newest return first
};

/// Consent and history. While a consent is in force, each return of the patron's loans writes a
/// history entry (Circulation::return_item); withdrawing it deletes the whole history in the same
/// transaction. Only home-service staff and the patron themselves (not a guardian, not other
/// staff) record consents and read the history; every call is audited.
///
/// Refusals: `permission_denied`, `not_found` (no such patron; on withdraw, no consent in force),
/// `conflict` (grant while a consent is in force), `invalid_input` (field "method").
/// @throws DatabaseError / TransactionConflict. Thread-safe.
class LoanHistory {
public:
    explicit LoanHistory(const Context& context);
    ~LoanHistory();
    LoanHistory(const LoanHistory&) = delete;
    LoanHistory& operator=(const LoanHistory&) = delete;

    /// Records the consent: who (the caller's actor), now, and how. A patron granting their own
    /// consent does so electronically.
    [[nodiscard]] Result<void> grant_consent(const Caller& caller, PatronId patron,
                                             ConsentMethod method);
    /// Withdraws the consent and deletes the history at once; returns how many entries went.
    [[nodiscard]] Result<std::size_t> withdraw_consent(const Caller& caller, PatronId patron);
    [[nodiscard]] Result<LoanHistoryView> read(const Caller& caller, PatronId patron);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
