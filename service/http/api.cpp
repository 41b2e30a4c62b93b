#include "http/api.hpp"

#include <algorithm>
#include <cctype>

#include "http/exchange.hpp"
#include "http/json_input.hpp"
#include "http/router.hpp"
#include "patron/exception.hpp"

namespace patron::http {
namespace {

// "Bearer <token>", the scheme in any case (RFC 9110 §11.1); empty when not that form.
std::string_view bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size()) return {};
    const bool scheme =
        std::equal(kScheme.begin(), kScheme.end(), authorization.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    if (!scheme) return {};
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

Reply healthz(Exchange& ex) {
    // A failure throws DatabaseError: handle() answers it as 503 unavailable.
    ex.services.context.database.ping();
    return json_response(200, {{"status", "ok"}});
}

Reply metrics(Exchange& ex) {
    return Response{.status = 200,
                    .content_type = "text/plain; version=0.0.4",
                    .body = ex.metrics.render(ex.services.context.database.pool_use()),
                    .headers = {}};
}

Reply openapi(Exchange&) {
    return Response{.status = 200,
                    .content_type = "application/json",
                    .body = std::string(Api::openapi_document()),
                    .headers = {}};
}

constexpr Route kSystemRoutes[] = {
    {"GET", "/healthz", Access::anonymous, "", "", healthz},
    {"GET", "/metrics", Access::anonymous, "", "", metrics},
    {"GET", "/v1/openapi.json", Access::anonymous, "", "", openapi},
};

// The query parameters `route` takes, separated by spaces, include `name`.
bool takes_query(const Route& route, std::string_view name) {
    std::string_view names = route.query;
    while (!names.empty()) {
        const std::size_t space = names.find(' ');
        if (names.substr(0, space) == name) return true;
        names = space == std::string_view::npos ? std::string_view() : names.substr(space + 1);
    }
    return false;
}

}  // namespace

std::span<const Route> system_routes() { return kSystemRoutes; }

const std::string& Exchange::param(std::string_view name) const {
    const auto it =
        std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    // The pattern declares every name its handler asks for.
    static const std::string kNone;
    return it == params.end() ? kNone : it->second;
}

tl::expected<std::optional<std::int64_t>, Problem> Exchange::query_integer(
    std::string_view name) const {
    const auto it =
        std::find_if(query.rbegin(), query.rend(), [&](const auto& p) { return p.first == name; });
    if (it == query.rend()) return std::optional<std::int64_t>();
    const std::string& text = it->second;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return refuse(Error{ErrorCode::invalid_input, std::string(name), "must be an integer"});
    }
    return std::optional<std::int64_t>(value);
}

struct Api::Impl {
    service::Services& services;
    service::Metrics& metrics;

    // Everything that may throw, and the route and actor the answer belongs to.
    Reply dispatch(const Request& request, Handled& handled) {
        const std::string_view target = request.target;
        const std::size_t question = target.find('?');
        const std::string_view path = target.substr(0, question);
        Match found = match(request.method, path);
        if (!found.route) {
            if (found.allow.empty()) {
                return refuse(Error{ErrorCode::not_found, "", "no such resource"});
            }
            Problem p = problem(Fault::method_not_allowed);
            p.headers.emplace_back("Allow", std::move(found.allow));
            return tl::unexpected(std::move(p));
        }
        const Route& route = *found.route;
        handled.route = std::string(route.pattern);

        // Authentication first: nothing about a request is judged for an unknown caller.
        std::string_view token;
        Caller caller;
        if (route.access == Access::bearer) {
            token = bearer_token(request.authorization);
            std::optional<Caller> found_caller;
            // The prefix tells which registry issued the token.
            if (token.starts_with("pt_")) {
                found_caller = services.clients.authenticate(token, route.purpose);
            } else if (token.starts_with("ps_")) {
                found_caller = services.sessions.authenticate(token, route.purpose);
            }
            if (!found_caller) return refuse(Fault::unauthenticated);
            caller = std::move(*found_caller);
            handled.actor = caller.actor;
        }

        auto query = parse_query(question == std::string_view::npos ? std::string_view()
                                                                    : target.substr(question + 1));
        if (!query) return tl::unexpected(std::move(query.error()));
        for (const auto& [name, value] : *query) {
            if (!takes_query(route, name)) {
                return refuse(Error{ErrorCode::invalid_input, "query",
                                    "the resource takes no such query parameter"});
            }
        }
        Exchange ex{.services = services,
                    .metrics = metrics,
                    .request = request,
                    .token = token,
                    .caller = std::move(caller),
                    .params = std::move(found.params),
                    .query = std::move(*query)};
        return route.handler(ex);
    }
};

Api::Api(service::Services& services, service::Metrics& metrics)
    : impl_(std::make_unique<Impl>(Impl{services, metrics})) {}
Api::~Api() = default;

Handled Api::handle(const Request& request) noexcept {
    Handled handled;
    try {
        handled.route = "unmatched";
        Reply reply = [&]() -> Reply {
            try {
                return impl_->dispatch(request, handled);
            } catch (const DatabaseError& e) {
                // TransactionConflict too: the client may retry the request whole.
                handled.cause = e.what();
                return refuse(Fault::unavailable);
            } catch (...) {
                return refuse(Fault::internal);
            }
        }();
        if (reply) {
            handled.response = std::move(*reply);
        } else {
            handled.error_code = reply.error().kind;
            handled.response = render(reply.error(), request.request_id);
        }
    } catch (...) {
        // Rendering the problem failed (out of memory): a bare 500.
        handled.error_code = "internal";
        handled.response.status = 500;
        handled.response.content_type.clear();
        handled.response.body.clear();
        handled.response.headers.clear();
    }
    return handled;
}

std::vector<RouteInfo> Api::routes() {
    std::vector<RouteInfo> out;
    for (const Route& route : all_routes()) {
        out.push_back({std::string(route.method), std::string(route.pattern)});
    }
    return out;
}

}  // namespace patron::http
