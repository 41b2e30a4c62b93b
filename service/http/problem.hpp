#pragma once
// Problem details (RFC 9457): every refusal the API answers, with a stable `type` per kind. One
// table maps libpatron's ErrorCode to an HTTP status, one the transport's own faults.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "http/api.hpp"
#include "patron/result.hpp"

namespace patron::http {

/// Refusals that are the API's own, not libpatron's.
enum class Fault {
    unauthenticated,         ///< 401: no bearer token, or not a live one
    malformed_json,          ///< 400: the body is not JSON (or not UTF-8)
    unsupported_media_type,  ///< 415: a body that is not application/json
    method_not_allowed,      ///< 405: the path exists, the method does not
    throttled,               ///< 429: too many failed attempts from this client
    unavailable,             ///< 503: the database failed
    internal,                ///< 500: anything else unexpected
};

/// One refusal. Texts are fixed or libpatron's messages, which name no personal data.
struct Problem {
    unsigned status = 500;
    std::string kind;  ///< ErrorCode or Fault name: the type's last segment, Handled::error_code
    std::string title;
    std::string detail;
    std::string field;  ///< the input field at fault; empty: none
    nlohmann::json extensions = nlohmann::json::object();  ///< e.g. locked_until
    std::vector<std::pair<std::string, std::string>> headers;
};

/// The problem of a libpatron refusal: status from the one ErrorCode table, detail its message.
[[nodiscard]] Problem problem(const Error& error);
/// The problem of a fault; `detail` empty: the fault's generic text.
[[nodiscard]] Problem problem(Fault fault, std::string detail = {});

/// "urn:patron:problem:<kind>".
[[nodiscard]] std::string problem_type(std::string_view kind);

/// The application/problem+json response; `request_id` becomes `instance` (omitted if empty).
[[nodiscard]] Response render(const Problem& problem, std::string_view request_id);

/// What a handler answers: a response, or a problem.
using Reply = tl::expected<Response, Problem>;

[[nodiscard]] inline tl::unexpected<Problem> refuse(const Error& error) {
    return tl::unexpected<Problem>(problem(error));
}
[[nodiscard]] inline tl::unexpected<Problem> refuse(Fault fault, std::string detail = {}) {
    return tl::unexpected<Problem>(problem(fault, std::move(detail)));
}
[[nodiscard]] inline tl::unexpected<Problem> refuse(Problem problem) {
    return tl::unexpected<Problem>(std::move(problem));
}

/// A JSON response. Invalid UTF-8 in stored text is replaced, never thrown on.
[[nodiscard]] Response json_response(unsigned status, const nlohmann::json& body);
/// 204 No Content.
[[nodiscard]] Response no_content();
/// 204 on success, else the refusal's problem.
[[nodiscard]] Reply done(const Result<void>& result);

}  // namespace patron::http
