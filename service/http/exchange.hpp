#pragma once
// What a route handler works with: the request, the authenticated caller, the decoded path
// parameters and query, and the services. Each api_*.cpp contributes a table of routes.

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/patron_json.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"
#include "patron/access/role.hpp"

namespace patron::http {

/// One request on its way through a handler.
struct Exchange {
    service::Services& services;
    service::Metrics& metrics;
    const Request& request;
    /// The bearer token as sent; empty on anonymous routes.
    std::string_view token;
    /// The authenticated caller, with the route's purpose; on anonymous routes empty.
    Caller caller;
    /// `{name}` segments of the pattern, percent-decoded, in order.
    std::vector<std::pair<std::string_view, std::string>> params;
    /// The decoded query parameters, in order.
    std::vector<std::pair<std::string, std::string>> query;

    /// The path parameter `name` (the pattern guarantees it).
    [[nodiscard]] const std::string& param(std::string_view name) const;

    /// The query parameter `name` (the last one given) as an integer; empty when absent.
    /// Problem: 422 invalid_input naming the parameter when it is not an integer.
    [[nodiscard]] tl::expected<std::optional<std::int64_t>, Problem> query_integer(
        std::string_view name) const;

    /// The path parameter `name` as an id of kind `Id` (PatronId, LoanId, ...). A segment that is
    /// not a positive integer names no resource: 404 like an unknown id.
    template <class Id>
    [[nodiscard]] tl::expected<Id, Problem> id(std::string_view name) const {
        const std::string& text = param(name);
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
            return refuse(Error{ErrorCode::not_found, "", "no such resource"});
        }
        return Id{value};
    }
};

/// The value as its JSON form (service::to_json) with `status`, else the refusal's problem.
template <class T>
[[nodiscard]] Reply answer(const Result<T>& result, unsigned status = 200) {
    if (!result) return refuse(result.error());
    return json_response(status, service::to_json(*result));
}

/// Whether a route needs a bearer token.
enum class Access { anonymous, bearer };

using Handler = Reply (*)(Exchange&);

/// A route: method, pattern with `{name}` segments, access, the purpose its calls are audited
/// under, the query parameters it takes (space-separated; others are refused), and the handler.
struct Route {
    std::string_view method;
    std::string_view pattern;
    Access access;
    std::string_view purpose;
    std::string_view query;
    Handler handler;
};

/// The routes of each part of the API (api_*.cpp).
[[nodiscard]] std::span<const Route> system_routes();
[[nodiscard]] std::span<const Route> patron_routes();
[[nodiscard]] std::span<const Route> circulation_routes();
[[nodiscard]] std::span<const Route> billing_routes();
[[nodiscard]] std::span<const Route> self_routes();

}  // namespace patron::http
