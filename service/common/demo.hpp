#pragma once
// The demo register of the README: an adult, a child under 15 with the adult as guardian, a
// school with the adult as its responsible person; the adult has two loans, a hold and a fee.
// Shared by `patronctl demo` and `patrond --demo`. Demo data only.

#include <array>
#include <ostream>
#include <string>
#include <string_view>

#include "patron/access/role.hpp"
#include "patron/config.hpp"
#include "patron/context.hpp"

namespace patron::service {

/// The demo patrons' cards: adult, child, school.
inline constexpr std::array<std::string_view, 3> kDemoCards{"DEMO0001", "DEMO0002", "DEMO0003"};
/// The PIN of the adult's and the child's card, documented in the README.
inline constexpr std::string_view kDemoPin = "2580";

/// Makes the database at `url` and the key file ready: applies pending migrations and creates
/// the key file when missing, saying so on `report`.
/// @throws DatabaseError, ConfigError
void prepare_demo(const Config& config, const std::string& url, std::ostream& report);

/// Loads the demo register as `caller` (an admin) unless the adult's card is already registered.
/// True when it loaded it.
/// @throws Exception when the register refuses the demo data; DatabaseError
bool load_demo_register(const Context& context, const Config& config, const Caller& caller);

}  // namespace patron::service
