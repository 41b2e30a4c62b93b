#pragma once
/// @file
/// Storage of circulation: loans, holds, fees, invoices, loan bans, the message outbox and the
/// loan history of consenting home-service customers. Items are keyed by barcode; a loan or hold
/// names its item by value and the repository keeps the item row up to date.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "patron/circulation/circulation_types.hpp"
#include "patron/store/pin_repository.hpp"

namespace patron::store {

/// Loan period and renewal limit of the most specific loan rule for a material type and patron
/// category: (type, category), (type, *), (*, category), (*, *).
struct LoanRule {
    int loan_days = 0;
    int max_renewals = 0;
};

/// A summary as stored: the borrowing state (to decide the blocks) and the counts.
struct SummaryRow {
    BorrowerState borrower;
    CirculationSummary counts;  ///< `may_borrow` and `blocks` are the service's to fill in
};

/// Loans, holds, fees, invoices and loan bans within one transaction. Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class CirculationRepository {
public:
    virtual ~CirculationRepository() = default;

    /// The patron's borrowing state on `today` (`pin` included), locking the patron's record
    /// until the transaction ends: one patron's circulation changes one at a time. Empty: no
    /// such patron.
    [[nodiscard]] virtual std::optional<BorrowerState> lock_borrower(PatronId patron,
                                                                     Date today) = 0;
    /// The patron's borrowing state and circulation counts on `today`, in one statement.
    [[nodiscard]] virtual std::optional<SummaryRow> summary(PatronId patron, Date today) = 0;

    /// @throws DatabaseError when no rule matches (the catch-all rule was removed)
    [[nodiscard]] virtual LoanRule loan_rule(std::string_view material_type,
                                             std::string_view category) = 0;

    // Loans.
    /// Records the item (inserting it, or updating title and material type of its barcode) and
    /// lends it. Empty (the item row still updated) when the item is already on loan.
    [[nodiscard]] virtual std::optional<Loan> insert_loan(PatronId patron, const Item& item,
                                                          TimePoint at, std::string_view actor,
                                                          Date due_on) = 0;
    /// A current loan, locked until the transaction ends. Empty when none (or returned).
    [[nodiscard]] virtual std::optional<Loan> lock_loan(LoanId loan) = 0;
    /// The current loan of the item with `barcode`, locked. Empty when it is not on loan.
    [[nodiscard]] virtual std::optional<Loan> lock_loan_of_item(std::string_view barcode) = 0;
    /// Counts a renewal and sets the new due date.
    virtual void renew_loan(LoanId loan, Date due_on) = 0;
    /// Ends a loan: stamps the return; the patron stays linked as the item's last borrower (for
    /// damage claims, until retention detaches them) and the item's earlier returned loans are
    /// detached; with a loan-history consent in force, writes a history entry first. The hold the
    /// loan fulfilled is deleted; pending notices about the loan are dropped and sent ones
    /// unlinked from it. True when history was written.
    virtual bool return_loan(LoanId loan, TimePoint at, std::string_view actor) = 0;
    /// Current loans of a patron, by due date.
    [[nodiscard]] virtual std::vector<Loan> loans(PatronId patron) = 0;
    /// The item with `barcode`, its current loan's due date and its open holds, in one
    /// statement. Empty when the register does not know the item.
    [[nodiscard]] virtual std::optional<ItemStatus> item_status(std::string_view barcode) = 0;

    // Holds.
    /// Records the item when the register does not know it (a known item's data is kept: a
    /// patron may place holds) and places a hold. Empty when the patron already has an open
    /// (placed or ready) hold on it.
    [[nodiscard]] virtual std::optional<Hold> insert_hold(PatronId patron, const Item& item,
                                                          TimePoint at, std::string_view actor) = 0;
    /// A hold in any status, locked until the transaction ends.
    [[nodiscard]] virtual std::optional<Hold> lock_hold(HoldId hold) = 0;
    /// Open holds on the item with `barcode`, oldest first.
    [[nodiscard]] virtual std::vector<Hold> open_holds_on_item(std::string_view barcode) = 0;
    /// Marks a placed hold ready for pickup until `pickup_by`.
    virtual void set_hold_ready(HoldId hold, TimePoint at, Date pickup_by) = 0;
    /// Closes an open hold as fulfilled, cancelled or expired; its pending notice is dropped.
    virtual void close_hold(HoldId hold, HoldStatus status, TimePoint at,
                            std::string_view actor) = 0;
    /// Closes as expired every ready hold whose pickup day is before `today` (pending notices
    /// dropped); returns them.
    virtual std::vector<Hold> expire_holds(Date today, TimePoint at, std::string_view actor) = 0;
    /// Open holds of a patron, oldest first.
    [[nodiscard]] virtual std::vector<Hold> holds(PatronId patron) = 0;

    // Fees.
    /// Charges a fee, for the item with `barcode` when given. Empty when that item is unknown.
    [[nodiscard]] virtual std::optional<Fee> insert_fee(PatronId patron, FeeKind kind,
                                                        std::int64_t amount_cents,
                                                        std::string_view description,
                                                        const std::optional<std::string>& barcode,
                                                        TimePoint at, std::string_view actor) = 0;
    /// A fee in any state, locked until the transaction ends.
    [[nodiscard]] virtual std::optional<Fee> lock_fee(FeeId fee) = 0;
    virtual void pay_fee(FeeId fee, TimePoint at, std::string_view actor) = 0;
    virtual void cancel_fee(FeeId fee, TimePoint at, std::string_view actor) = 0;
    /// Fees of a patron neither paid nor cancelled, oldest first.
    [[nodiscard]] virtual std::vector<Fee> fees(PatronId patron) = 0;

    // Invoices.
    /// Groups every unpaid, uncancelled, uninvoiced fee of the patron into a new open invoice
    /// numbered "<issue year>-<6-digit sequence>". Empty (nothing written) when there is none.
    [[nodiscard]] virtual std::optional<Invoice> insert_invoice(PatronId patron, Date issued_on,
                                                                Date due_on, TimePoint at,
                                                                std::string_view actor) = 0;
    /// An invoice in any status with its fees, locked until the transaction ends.
    [[nodiscard]] virtual std::optional<Invoice> lock_invoice(InvoiceId invoice) = 0;
    /// Closes an open invoice as paid, and its fees with it.
    virtual void pay_invoice(InvoiceId invoice, TimePoint at, std::string_view actor) = 0;
    /// Closes an open invoice as cancelled and releases its fees (unpaid, uninvoiced again).
    virtual void cancel_invoice(InvoiceId invoice, TimePoint at, std::string_view actor) = 0;
    /// Open invoices of a patron, oldest first.
    [[nodiscard]] virtual std::vector<Invoice> invoices(PatronId patron) = 0;

    // Loan bans.
    [[nodiscard]] virtual LoanBan insert_loan_ban(PatronId patron, std::string_view reason,
                                                  Date starts_on, std::optional<Date> ends_on,
                                                  TimePoint at, std::string_view actor) = 0;
    /// A ban, lifted or not, locked until the transaction ends.
    [[nodiscard]] virtual std::optional<LoanBan> lock_loan_ban(LoanBanId ban) = 0;
    virtual void lift_loan_ban(LoanBanId ban, TimePoint at, std::string_view actor) = 0;
    /// Bans of a patron not lifted and not ended before `today`, by start.
    [[nodiscard]] virtual std::vector<LoanBan> loan_bans(PatronId patron, Date today) = 0;
};

/// When notices are due (CirculationSettings).
struct NoticeSchedule {
    Date today;
    int reminder_days_before = 2;       ///< reminder for loans due on today + this
    int overdue_notice_days_after = 1;  ///< notice for loans due on or before today - this
};

/// A generated notice: which patron it is for (for the audit log).
struct GeneratedMessage {
    MessageId id;
    PatronId patron;
};

/// Where a claimed message goes, per its channel.
using Recipient = std::variant<EmailAddress, PhoneNumber, Address>;

/// A claimed message with what the sender needs to write and deliver it. Personal data.
struct OutgoingMessage {
    MessageId id;
    PatronId patron;
    MessageKind kind = MessageKind::due_date_reminder;
    Channel channel = Channel::email;
    std::optional<Recipient> recipient;  ///< empty: the patron no longer has that contact
    std::string display_name;            ///< Patron::display_name()
    std::string title;                   ///< the item's title
    std::optional<Date> due_on;          ///< reminders and overdue notices
    std::optional<Date> pickup_by;       ///< hold-ready notices
    int attempts = 0;                    ///< including this one
};

/// The message outbox within one transaction. Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class MessageRepository {
public:
    virtual ~MessageRepository() = default;

    /// Writes the notices now due, per each patron's channel for the kind (none: no notice), at
    /// most one of a kind per loan or hold: due-date reminders for current loans due within
    /// `reminder_days_before` days, overdue notices for current loans overdue by at least
    /// `overdue_notice_days_after` days, hold-ready notices for ready holds whose pickup day has
    /// not passed. Patrons under processing restriction get none. One statement per kind;
    /// returns what was written.
    virtual std::vector<GeneratedMessage> generate(const NoticeSchedule& schedule,
                                                   TimePoint at) = 0;

    /// Claims up to `limit` pending messages not claimed by another sender since `lease_from`
    /// (oldest first, skipping rows another transaction holds, and those of patrons now under
    /// processing restriction), counts an attempt on each and stamps the claim at `now`.
    virtual std::vector<OutgoingMessage> claim(std::size_t limit, TimePoint now,
                                               TimePoint lease_from) = 0;
    /// Records a claimed message as sent at `at`. False when it is not pending.
    virtual bool mark_sent(MessageId message, TimePoint at) = 0;
    /// Records a failed delivery: pending again (claimable after the lease), or failed for good
    /// once it has had `max_attempts` attempts. False when it is not pending.
    virtual bool mark_failed(MessageId message, int max_attempts) = 0;
    /// The messages of a patron, newest first.
    [[nodiscard]] virtual std::vector<MessageRecord> messages(PatronId patron) = 0;
};

/// Loan-history consents and the history kept under them. Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class LoanHistoryRepository {
public:
    virtual ~LoanHistoryRepository() = default;

    /// Records a consent. False (nothing written) when one is in force.
    virtual bool grant(PatronId patron, ConsentMethod method, TimePoint at,
                       std::string_view actor) = 0;
    /// Removes the consent and deletes the patron's whole history. Empty when no consent was in
    /// force; else the number of history entries deleted.
    virtual std::optional<std::size_t> withdraw(PatronId patron) = 0;
    [[nodiscard]] virtual std::optional<LoanHistoryConsent> consent(PatronId patron) = 0;
    /// The history, newest return first.
    [[nodiscard]] virtual std::vector<LoanHistoryEntry> entries(PatronId patron) = 0;
};

}  // namespace patron::store
