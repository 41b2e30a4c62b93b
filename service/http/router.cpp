#include "http/router.hpp"

#include <algorithm>

#include "http/json_input.hpp"

namespace patron::http {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    // Every path starts with '/'; each segment follows one.
    while (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
        const std::size_t slash = path.find('/');
        out.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

struct Parsed {
    const Route* route;
    std::vector<std::string_view> segments;
    std::string specificity;  // per segment: 'b' literal, 'a' parameter; greater: more specific
};

const std::vector<Parsed>& parsed_routes() {
    static const std::vector<Parsed> parsed = [] {
        std::vector<Parsed> out;
        for (const Route& route : all_routes()) {
            Parsed p{&route, segments(route.pattern), {}};
            for (const auto s : p.segments) p.specificity += is_param(s) ? 'a' : 'b';
            out.push_back(std::move(p));
        }
        return out;
    }();
    return parsed;
}

bool matches(const Parsed& route, const std::vector<std::string_view>& path) {
    if (route.segments.size() != path.size()) return false;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i].empty()) return false;
        if (!is_param(route.segments[i]) && route.segments[i] != path[i]) return false;
    }
    return true;
}

}  // namespace

std::span<const Route> all_routes() {
    static const std::vector<Route> routes = [] {
        std::vector<Route> out;
        for (const auto part : {system_routes(), patron_routes(), circulation_routes(),
                                billing_routes(), self_routes()}) {
            out.insert(out.end(), part.begin(), part.end());
        }
        return out;
    }();
    return routes;
}

Match match(std::string_view method, std::string_view path) {
    const std::vector<std::string_view> wanted = segments(path);
    if (wanted.empty() || path.front() != '/') return {};
    const Parsed* best_any = nullptr;
    const Parsed* best_method = nullptr;
    for (const Parsed& route : parsed_routes()) {
        if (!matches(route, wanted)) continue;
        if (!best_any || route.specificity > best_any->specificity) best_any = &route;
        if (route.route->method == method &&
            (!best_method || route.specificity > best_method->specificity)) {
            best_method = &route;
        }
    }
    Match out;
    if (!best_method) {
        if (!best_any) return out;
        // The methods of the path as the most specific pattern serves it.
        for (const Parsed& route : parsed_routes()) {
            if (route.route->pattern != best_any->route->pattern) continue;
            if (!out.allow.empty()) out.allow += ", ";
            out.allow += route.route->method;
        }
        return out;
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        const std::string_view segment = best_method->segments[i];
        if (!is_param(segment)) continue;
        auto value = percent_decode(wanted[i], false);
        if (!value) return {};
        out.params.emplace_back(segment.substr(1, segment.size() - 2), std::move(*value));
    }
    out.route = best_method->route;
    return out;
}

}  // namespace patron::http
