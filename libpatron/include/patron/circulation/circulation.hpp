#pragma once
/// @file
/// The circulation service: loans, holds, fees, invoices and loan bans of patrons, with the
/// permission table and the audit log applied on every call.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/circulation/circulation_settings.hpp"
#include "patron/circulation/circulation_types.hpp"
#include "patron/context.hpp"
#include "patron/result.hpp"

namespace patron {

/// Circulation (lainaus). Every call names its caller; the permission table decides on which
/// patrons (role `patron`: their own record, their wards under 15 and the organisations they are
/// the responsible person of). Every read or change writes an audit entry in the same
/// transaction, naming the patron and the kinds of data, never the data.
///
/// Refusals (`Result` errors): `permission_denied`; `invalid_input` (with the field);
/// `not_found` (no such patron, loan, hold, fee, invoice or ban — or not the caller's to see);
/// `borrowing_blocked` when the patron may not borrow, its message "may not borrow: " and the
/// BorrowBlock names that apply, comma-separated (the same reasons as kiosk verification,
/// `card_locked` included); `not_renewable` (renewal limit reached, or the item has holds);
/// `conflict` (the item is on loan, is held for another patron, the hold exists, the fee or
/// invoice is already closed). A refused call changes nothing.
/// Every method @throws DatabaseError / TransactionConflict on storage failures.
/// Thread-safe: each call runs in its own transaction.
class Circulation {
public:
    Circulation(const Context& context, const CirculationSettings& settings);
    ~Circulation();
    Circulation(const Circulation&) = delete;
    Circulation& operator=(const Circulation&) = delete;

    /// Lends the item (recorded or updated by its barcode) to the patron, due after the loan
    /// rule's period for the item's material type and the patron's category. Fulfils the
    /// patron's own open hold on the item. `conflict` when the item is on loan, or ready for
    /// pickup by another patron.
    [[nodiscard]] Result<Loan> checkout(const Caller& caller, PatronId patron, const Item& item);
    /// Extends a loan by the rule's period from today. `not_renewable` at the rule's renewal
    /// limit or when the item has an open hold; `borrowing_blocked` as for checkout.
    [[nodiscard]] Result<Loan> renew(const Caller& caller, LoanId loan);
    /// Ends the current loan of the item with `barcode` (see CirculationRepository::return_loan:
    /// the patron stays linked only as the item's last borrower, for damage claims, until the
    /// retention run detaches them). `not_found` when the item is not on loan.
    [[nodiscard]] Result<void> return_item(const Caller& caller, std::string_view barcode);

    /// Places a hold. `conflict` when the patron already holds or has borrowed the item.
    [[nodiscard]] Result<Hold> place_hold(const Caller& caller, PatronId patron, const Item& item);
    /// Cancels an open hold.
    [[nodiscard]] Result<void> cancel_hold(const Caller& caller, HoldId hold);
    /// Marks a placed hold ready for pickup; it waits `hold_pickup_days` days.
    [[nodiscard]] Result<Hold> hold_ready(const Caller& caller, HoldId hold);
    /// Closes as expired every ready hold whose last pickup day has passed; returns how many.
    [[nodiscard]] Result<std::size_t> expire_holds(const Caller& caller);

    /// Charges a fee (1 cent to 1 000 000 EUR; description at most 500 bytes of printable
    /// UTF-8), for an item the register knows when `barcode` is given.
    [[nodiscard]] Result<Fee> charge_fee(const Caller& caller, PatronId patron, FeeKind kind,
                                         std::int64_t amount_cents, std::string_view description,
                                         const std::optional<std::string>& barcode = {});
    /// Pays or cancels an open fee. `conflict` when it is paid, cancelled or on an open invoice
    /// (settle the invoice instead).
    [[nodiscard]] Result<void> pay_fee(const Caller& caller, FeeId fee);
    [[nodiscard]] Result<void> cancel_fee(const Caller& caller, FeeId fee);

    /// Groups the patron's unpaid, uninvoiced fees into an invoice due in `invoice_due_days`
    /// days. `invalid_input` (field "patron") when there is nothing to invoice.
    [[nodiscard]] Result<Invoice> create_invoice(const Caller& caller, PatronId patron);
    /// Pays an open invoice (and its fees), or cancels it (its fees become uninvoiced again).
    [[nodiscard]] Result<void> pay_invoice(const Caller& caller, InvoiceId invoice);
    [[nodiscard]] Result<void> cancel_invoice(const Caller& caller, InvoiceId invoice);

    /// Bans borrowing from `starts_on` to `ends_on` (open-ended when empty). The reason (1–500
    /// bytes of printable UTF-8) is shown to staff and the patron: state facts, not opinions.
    [[nodiscard]] Result<LoanBan> set_loan_ban(const Caller& caller, PatronId patron,
                                               std::string_view reason, Date starts_on,
                                               std::optional<Date> ends_on);
    [[nodiscard]] Result<void> lift_loan_ban(const Caller& caller, LoanBanId ban);

    /// The status of the item with `barcode` (SIP2 Item Information): for the roles that may
    /// check out (a kiosk or desk must see whether an item can be lent). Names no patron, so it
    /// is not audited. `invalid_input` (field "barcode"); `not_found` when the register does not
    /// know the item.
    [[nodiscard]] Result<ItemStatus> item_status(const Caller& caller, std::string_view barcode);

    /// The patron's current loans, holds, fees, invoices and loan bans.
    [[nodiscard]] Result<CirculationRecord> record(const Caller& caller, PatronId patron);
    /// The counts and totals a kiosk or desk needs, and whether the patron may borrow now.
    [[nodiscard]] Result<CirculationSummary> summary(const Caller& caller, PatronId patron);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
