#pragma once
/// @file
/// The retention policy: the municipality's records-management plan (tiedonohjaussuunnitelma) as
/// rules the retention engine applies, and the legal holds that override them.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patron/clock.hpp"

namespace patron {

/// A class of records the plan sets a retention period for. Each has one table, one trigger
/// (the date its period counts from) and the actions it allows. The engine applies the rules in
/// enumerator order: records first, then the patrons they belonged to, then the audit log.
enum class RecordClass {
    returned_loans,         ///< loans: returned
    closed_holds,           ///< holds: fulfilled, cancelled or expired
    settled_fees,           ///< fees: paid or cancelled
    closed_invoices,        ///< invoices: paid or cancelled, with no fee left on them
    ended_loan_bans,        ///< loan_bans: lifted, or past their end date
    sent_messages,          ///< messages: sent (or given up on)
    loan_history,           ///< loan_history: past loans kept with consent, by return date
    expired_guardianships,  ///< guardianships: the ward has turned 15
    expired_web_sessions,   ///< web_sessions: expired
    inactive_patrons,       ///< patrons: no activity for the period, nothing outstanding
    audit_entries,          ///< audit_log: recorded
};

/// What a rule does to a due record.
enum class RetentionAction {
    erase,   ///< delete the record (for a patron: the patron and everything linked to them)
    detach,  ///< keep the record but remove the link to the patron (returned loans)
};

/// A rule's period: a whole number of days, months or years. Months and years are calendar
/// ones; a day missing from the month is its last day (Act 150/1930 §4).
struct RetentionPeriod {
    enum class Unit { days, months, years };
    int count = 0;
    Unit unit = Unit::days;

    /// The last date whose records are due on `today`: `today` minus the period.
    [[nodiscard]] Date before(Date today) const;
    friend bool operator==(const RetentionPeriod&, const RetentionPeriod&) = default;
};

/// One rule of the plan.
struct RetentionRule {
    RecordClass record = RecordClass::returned_loans;
    RetentionPeriod period;
    RetentionAction action = RetentionAction::erase;
    friend bool operator==(const RetentionRule&, const RetentionRule&) = default;
};

/// A table holding personal data that no rule purges, with the plan's reason (e.g. "deleted with
/// the patron"). The engine refuses a policy that neither rules nor keeps such a table.
struct KeptTable {
    std::string table;
    std::string reason;
    friend bool operator==(const KeptTable&, const KeptTable&) = default;
};

/// A whole, valid policy. Build it with `parse_retention_policy` / `load_retention_policy`.
struct RetentionPolicy {
    std::vector<RetentionRule> rules;  ///< at most one per record class, in enumerator order
    std::vector<KeptTable> kept;
    /// The last borrower of a returned item stays linked this many days, for damage claims.
    int damage_claim_days = 30;
    /// Records per batch at most; each batch is one short transaction (see Retention).
    std::size_t batch_size = 1000;
    /// SHA-256 (32 raw bytes) of the policy text, recorded with every run.
    std::string digest;

    [[nodiscard]] const RetentionRule* rule_for(RecordClass record) const noexcept;
};

/// What the engine knows of a record class.
struct RecordClassInfo {
    RecordClass record;
    std::string_view name;     ///< the policy's name: "returned_loans"
    std::string_view table;    ///< the table it purges
    std::string_view trigger;  ///< the policy's name of the date the period counts from
    std::span<const RetentionAction> actions;  ///< allowed actions, the first the usual one
};

/// Every record class, in enumerator order.
[[nodiscard]] std::span<const RecordClassInfo> record_classes() noexcept;
[[nodiscard]] const RecordClassInfo& info(RecordClass record) noexcept;
[[nodiscard]] std::string_view to_string(RetentionAction action) noexcept;
/// "30 days", "6 months", "1 year".
[[nodiscard]] std::string to_string(const RetentionPeriod& period);

/// Parses a policy (TOML). `source` names it in errors. File format:
/// @code
/// [settings]
/// batch_size = 1000            # optional, 1..100000
/// damage_claim_days = 30       # optional, 0..3650
/// [rules.returned_loans]       # one table per record class the plan limits
/// trigger = "returned"         # must be the class's trigger (stated so the file reads alone)
/// period = "30 days"           # "<n> day(s)|month(s)|year(s)", n 0..1000
/// action = "detach"            # "erase" or "detach", as the class allows
/// [kept]                       # personal-data tables no rule purges, with the reason
/// patron_pins = "deleted with the patron"
/// @endcode
/// @throws ConfigError naming the source, the line and the reason; a malformed policy is refused
/// as a whole (unknown sections, keys or classes, wrong trigger or action, bad period, a table
/// both ruled and kept, an empty reason).
[[nodiscard]] RetentionPolicy parse_retention_policy(std::string_view text,
                                                     std::string_view source);

/// Reads and parses a policy file. @throws ConfigError (unreadable or malformed)
[[nodiscard]] RetentionPolicy load_retention_policy(const std::filesystem::path& file);

}  // namespace patron
