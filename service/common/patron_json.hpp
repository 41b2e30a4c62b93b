#pragma once
// JSON forms of register data, shared by the CLI's --json output and the HTTP API.

#include <nlohmann/json.hpp>

#include "patron/circulation/circulation_types.hpp"
#include "patron/domain/patron.hpp"

namespace patron::service {

/// The whole record. The identity code appears only masked ("131052-****").
[[nodiscard]] nlohmann::json to_json(const Patron& patron, Date today);
[[nodiscard]] nlohmann::json to_json(const PatronSummary& summary);
/// Counts, totals in cents, and the reasons the patron may not borrow.
[[nodiscard]] nlohmann::json to_json(const CirculationSummary& summary);

}  // namespace patron::service
