#pragma once
// Text output of patronctl: records for a terminal, never an identity code in full.

#include <ostream>
#include <string>
#include <string_view>

#include "patron/domain/patron.hpp"

namespace patron::cli {

/// A whole record, one field per line.
void print_patron(std::ostream& out, const Patron& patron, Date today);
/// One line per patron.
void print_summary(std::ostream& out, const PatronSummary& summary);
/// Lower-case hex of raw bytes (hashes).
[[nodiscard]] std::string hex(std::string_view bytes);

}  // namespace patron::cli
