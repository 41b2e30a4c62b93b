#pragma once
// JSON forms of register data, shared by the CLI's --json output and the HTTP API.

#include <nlohmann/json.hpp>

#include "patron/circulation/circulation_types.hpp"
#include "patron/circulation/loan_history.hpp"
#include "patron/clients/client_info.hpp"
#include "patron/domain/patron.hpp"
#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/store/circulation_repository.hpp"

namespace patron::service {

/// The whole record. The identity code appears only masked ("131052-****").
[[nodiscard]] nlohmann::json to_json(const Patron& patron, Date today);
[[nodiscard]] nlohmann::json to_json(const PatronSummary& summary);
/// Counts, totals in cents, and the reasons the patron may not borrow.
[[nodiscard]] nlohmann::json to_json(const CirculationSummary& summary);

// Circulation: ids as numbers, times as ISO 8601 UTC, dates as "YYYY-MM-DD", money in cents,
// absent optional values as null.
[[nodiscard]] nlohmann::json to_json(const Item& item);
[[nodiscard]] nlohmann::json to_json(const Loan& loan);
[[nodiscard]] nlohmann::json to_json(const Hold& hold);
[[nodiscard]] nlohmann::json to_json(const Fee& fee);
[[nodiscard]] nlohmann::json to_json(const Invoice& invoice);
[[nodiscard]] nlohmann::json to_json(const LoanBan& ban);
[[nodiscard]] nlohmann::json to_json(const MessageRecord& message);
[[nodiscard]] nlohmann::json to_json(const CirculationRecord& record);
/// Names no patron.
[[nodiscard]] nlohmann::json to_json(const ItemStatus& status);
[[nodiscard]] nlohmann::json to_json(const LoanHistoryView& history);
/// A claimed notice with its recipient ({"email"}, {"phone"} or {"address"}; null when the
/// patron no longer has that contact): personal data for the sender.
[[nodiscard]] nlohmann::json to_json(const store::OutgoingMessage& message);

/// What a kiosk learns of a verification: never the patron's id. display_name, locked_until and
/// retry_after_seconds only when set.
[[nodiscard]] nlohmann::json to_json(const KioskAnswer& answer);

/// An API client: never its token or the token's hash.
[[nodiscard]] nlohmann::json to_json(const ClientInfo& client);

}  // namespace patron::service
