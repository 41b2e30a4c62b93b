#pragma once
// The HTTP API of patrond without a transport: a request in, a response out. The Beast server
// (http/server.hpp) only moves bytes; routing, authentication, JSON and problem details live
// here, so handlers are tested in-process and the route table feeds the OpenAPI coverage test.
// The routes, bodies and answers are documented in service/http/openapi.json.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metrics.hpp"
#include "common/services.hpp"

namespace patron::http {

/// One request, as the transport read it. Header values are raw; the body is bytes.
struct Request {
    std::string method;         ///< "GET", "POST", ...
    std::string target;         ///< path and query, as sent ("/v1/patrons?limit=10")
    std::string authorization;  ///< the Authorization header; empty if none
    std::string content_type;   ///< the Content-Type header; empty if none
    std::string body;
    /// The peer, as a pseudonym of its IP address (the transport's salted hash, never the
    /// address): web logins are verified as the kiosk "web@<pseudonym>", so failed logins are
    /// throttled per peer, and the audit entries of logins hold no IP address.
    std::string remote_address;
    std::string request_id;  ///< echoed as X-Request-Id; in problem details as `instance`
};

/// The answer.
struct Response {
    unsigned status = 200;
    /// Empty for 204 No Content: send no Content-Type then. Problems are
    /// "application/problem+json" (RFC 9457).
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra, e.g. Retry-After
};

/// What the access log and metrics may know of a request: never a path with ids or values.
struct Handled {
    Response response;
    std::string route;  ///< the matched pattern ("/v1/patrons/{id}"), or "unmatched"
    /// When refused: the problem's kind, the last segment of its type — an ErrorCode name
    /// ("not_found") or the API's own ("unauthenticated", "malformed_json",
    /// "unsupported_media_type", "method_not_allowed", "throttled", "unavailable" (a storage
    /// failure), "internal" (any other exception)); else empty.
    std::string error_code;
    std::string actor;  ///< the API client's name, "web-session" or empty (anonymous)
    /// For the operator's log on "unavailable": the storage failure's text (libpatron's, which
    /// names no personal data); else empty. Other exceptions' texts are not trusted to be clean
    /// and are never passed on.
    std::string cause;
};

/// A route: method and path pattern with `{name}` segments.
struct RouteInfo {
    std::string method;
    std::string pattern;
};

class Api {
public:
    /// `services` and `metrics` must outlive the API.
    Api(service::Services& services, service::Metrics& metrics);
    ~Api();
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;

    /// Answers one request. Routes need `Authorization: Bearer <token>` — an API client's
    /// "pt_..." or a web-library session's "ps_..." — except GET /healthz, GET /metrics,
    /// GET /v1/openapi.json and POST /v1/sessions; libpatron's permission table decides what
    /// the caller may do, and each route's calls are audited under a fixed purpose. Unknown
    /// path: 404; known path, other method: 405 with Allow. Never throws: a storage failure is a
    /// 503 problem, anything else unexpected a 500 problem, both with a generic text (the
    /// transport logs `Handled::error_code`). Does not record request metrics (the transport
    /// does); records kiosk verifications and web logins. Thread-safe; blocks on the database.
    [[nodiscard]] Handled handle(const Request& request) noexcept;

    /// Every route the API serves, for the OpenAPI coverage test.
    [[nodiscard]] static std::vector<RouteInfo> routes();

    /// The OpenAPI 3.1 document served at /v1/openapi.json (embedded at build time).
    [[nodiscard]] static std::string_view openapi_document();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron::http
