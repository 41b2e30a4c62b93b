#pragma once
// The borrowing state (store::BorrowerState) as one select list and one row reader, shared by the
// kiosk verification view and the circulation repository: a kiosk and the desk decide on the
// same data, read the same way.

#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "patron/store/pin_repository.hpp"

namespace patron::pg {

/// How many columns borrower_columns() selects.
inline constexpr pqxx::row::size_type kBorrowerColumnCount = 16;

/// The select list of a BorrowerState: patron `p` (patrons) with PIN row `pin` (patron_pins,
/// LEFT JOINed), on the day bound to placeholder `today` (e.g. "$4"). p.id comes first: NULL
/// when the statement found no patron.
[[nodiscard]] std::string borrower_columns(std::string_view today);

/// Reads borrower_columns() from `r` starting at column `at`. Precondition: r[at] is not NULL.
[[nodiscard]] store::BorrowerState read_borrower(const pqxx::row& r, pqxx::row::size_type at);

/// Reads a PIN record selected as pin_hash, pepper_id, failed_attempts and locked_until (epoch
/// microseconds) from `r` starting at column `at`.
[[nodiscard]] store::PinRecord read_pin_record(const pqxx::row& r, pqxx::row::size_type at);

}  // namespace patron::pg
