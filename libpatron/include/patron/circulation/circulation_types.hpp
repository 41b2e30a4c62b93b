#pragma once
/// @file
/// Circulation as the register keeps it: the minimum of an item, loans, holds, fees, invoices,
/// loan bans, messages, loan history, and the summary a desk or kiosk needs.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/circulation/borrow_block.hpp"
#include "patron/clock.hpp"
#include "patron/domain/patron.hpp"
#include "patron/result.hpp"

namespace patron {

/// An identifier assigned by the register; `Tag` keeps kinds apart.
template <class Tag>
struct Id {
    std::int64_t value = 0;
    friend auto operator<=>(const Id&, const Id&) = default;
};
using LoanId = Id<struct LoanTag>;
using HoldId = Id<struct HoldTag>;
using FeeId = Id<struct FeeTag>;
using InvoiceId = Id<struct InvoiceTag>;
using LoanBanId = Id<struct LoanBanTag>;
using MessageId = Id<struct MessageTag>;

/// niide: what the register knows of an item; the catalogue stays in the library system.
class Item {
public:
    /// Barcode: 1–32 letters, digits, '-', '.' or '_' (field "barcode"); title: 1–500 bytes of
    /// printable UTF-8 (field "title"); material type: a code like "book", "dvd" (lower-case
    /// letter, then letters, digits or '_', at most 32; field "material_type").
    [[nodiscard]] static Result<Item> make(std::string_view barcode, std::string_view title,
                                           std::string_view material_type);
    /// A barcode alone, validated as make() does (field "barcode").
    [[nodiscard]] static Result<std::string> parse_barcode(std::string_view barcode);

    [[nodiscard]] const std::string& barcode() const noexcept { return barcode_; }
    [[nodiscard]] const std::string& title() const noexcept { return title_; }
    [[nodiscard]] const std::string& material_type() const noexcept { return material_type_; }
    friend bool operator==(const Item&, const Item&) = default;

private:
    Item(std::string barcode, std::string title, std::string material_type)
        : barcode_(std::move(barcode)),
          title_(std::move(title)),
          material_type_(std::move(material_type)) {}
    std::string barcode_;
    std::string title_;
    std::string material_type_;
};

/// laina: a current loan.
struct Loan {
    LoanId id;
    PatronId patron;
    Item item;
    TimePoint checked_out_at;
    Date due_on;
    int renewals = 0;
};

enum class HoldStatus { placed, ready, fulfilled, cancelled, expired };

/// varaus: a hold on an item.
struct Hold {
    HoldId id;
    PatronId patron;
    Item item;
    TimePoint placed_at;
    HoldStatus status = HoldStatus::placed;
    std::optional<Date> pickup_by;  ///< when ready: the last day to pick it up
};

enum class FeeKind { overdue, lost, damaged, hold_not_picked_up, other };

/// maksu, in euro cents.
struct Fee {
    FeeId id;
    PatronId patron;
    FeeKind kind = FeeKind::other;
    std::int64_t amount_cents = 0;
    std::string description;             ///< free text for the patron's receipt; may be empty
    std::optional<std::string> barcode;  ///< the item the fee is for, if any
    TimePoint created_at;
    std::optional<TimePoint> paid_at;
    std::optional<TimePoint> cancelled_at;
    std::optional<InvoiceId> invoice;
};

enum class InvoiceStatus { open, paid, cancelled };

/// lasku: unpaid fees grouped for billing.
struct Invoice {
    InvoiceId id;
    PatronId patron;
    std::string number;
    Date issued_on;
    Date due_on;
    std::int64_t total_cents = 0;
    InvoiceStatus status = InvoiceStatus::open;
    std::vector<FeeId> fees;
};

/// lainauskielto: a loan ban in force from `starts_on` to `ends_on` (open-ended when empty).
struct LoanBan {
    LoanBanId id;
    PatronId patron;
    std::string reason;
    Date starts_on;
    std::optional<Date> ends_on;
    std::optional<TimePoint> lifted_at;
};

/// What a kiosk or desk may learn of an item: the item, until when it is on loan and its open
/// holds. Nothing of who has borrowed or holds it.
struct ItemStatus {
    Item item;
    std::optional<Date> due_on;  ///< on loan: its due date; empty: not on loan
    int holds = 0;               ///< open (placed or ready) holds on the item
    bool on_hold_shelf = false;  ///< a hold on it is ready: the item waits for pickup
};

/// The counts and totals a kiosk or desk shows for a patron.
struct CirculationSummary {
    int loans = 0;
    int overdue_loans = 0;
    int holds_placed = 0;
    int holds_ready = 0;
    std::int64_t unpaid_fees_cents = 0;  ///< fees neither paid nor cancelled
    int open_invoices = 0;
    std::int64_t open_invoices_cents = 0;
    bool loan_ban = false;
    bool may_borrow = false;
    std::vector<BorrowBlock> blocks;  ///< every reason the patron may not borrow now
};

/// The three notices the register sends (one channel each per patron, see NotificationChannels).
enum class MessageKind { due_date_reminder, overdue_notice, hold_ready };
enum class MessageStatus { pending, sent, failed };

/// What the register records of a notice: what, how, and when it was sent.
struct MessageRecord {
    MessageId id;
    MessageKind kind = MessageKind::due_date_reminder;
    Channel channel = Channel::email;
    MessageStatus status = MessageStatus::pending;
    int attempts = 0;
    TimePoint created_at;
    std::optional<TimePoint> sent_at;
};

/// The whole current circulation record of a patron, as the desk and self-service show it.
struct CirculationRecord {
    std::vector<Loan> loans;              ///< current loans, by due date
    std::vector<Hold> holds;              ///< placed and ready holds, oldest first
    std::vector<Fee> fees;                ///< fees neither paid nor cancelled, oldest first
    std::vector<Invoice> invoices;        ///< open invoices, oldest first
    std::vector<LoanBan> loan_bans;       ///< bans not lifted and not yet ended, by start
    std::vector<MessageRecord> messages;  ///< notices generated for the patron, newest first
};

/// How a loan-history consent was given.
enum class ConsentMethod { written, verbal, electronic };

/// A loan-history consent in force: who recorded it, when and how.
struct LoanHistoryConsent {
    TimePoint granted_at;
    std::string granted_by;
    ConsentMethod method = ConsentMethod::written;
};

/// A returned loan kept in the history of a consenting home-service customer.
struct LoanHistoryEntry {
    Item item;
    TimePoint checked_out_at;
    TimePoint returned_at;
};

/// Stable names ("placed", "overdue", "open", ...), as stored and shown.
[[nodiscard]] std::string_view to_string(HoldStatus status) noexcept;
[[nodiscard]] std::string_view to_string(FeeKind kind) noexcept;
[[nodiscard]] std::string_view to_string(InvoiceStatus status) noexcept;
[[nodiscard]] std::string_view to_string(MessageKind kind) noexcept;
[[nodiscard]] std::string_view to_string(MessageStatus status) noexcept;
[[nodiscard]] std::string_view to_string(ConsentMethod method) noexcept;
[[nodiscard]] std::optional<HoldStatus> parse_hold_status(std::string_view text) noexcept;
[[nodiscard]] std::optional<FeeKind> parse_fee_kind(std::string_view text) noexcept;
[[nodiscard]] std::optional<InvoiceStatus> parse_invoice_status(std::string_view text) noexcept;
[[nodiscard]] std::optional<MessageKind> parse_message_kind(std::string_view text) noexcept;
[[nodiscard]] std::optional<MessageStatus> parse_message_status(std::string_view text) noexcept;
[[nodiscard]] std::optional<ConsentMethod> parse_consent_method(std::string_view text) noexcept;

}  // namespace patron
