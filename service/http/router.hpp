#pragma once
// The route table and matching a request's method and path against it.

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/exchange.hpp"

namespace patron::http {

/// Every route of the API, in the order of the api_*.cpp tables.
[[nodiscard]] std::span<const Route> all_routes();

/// A path matched against the table.
struct Match {
    const Route* route = nullptr;  ///< the route to run; null: none
    std::vector<std::pair<std::string_view, std::string>> params;
    /// No route, but the path exists with other methods: 405 with this Allow value.
    std::string allow;
};

/// Matches `path` (no query). A literal segment beats a `{name}` segment at the first position
/// they differ ("/v1/holds/expire" before "/v1/holds/{id}"). Parameters are percent-decoded; a
/// malformed escape matches no route.
[[nodiscard]] Match match(std::string_view method, std::string_view path);

}  // namespace patron::http
