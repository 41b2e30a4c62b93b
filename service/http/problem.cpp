#include "http/problem.hpp"

#include <array>

namespace patron::http {
namespace {

struct Kind {
    unsigned status;
    std::string_view name;
    std::string_view title;
};

// By ErrorCode, in enum order. A wrong PIN is 401 like a missing login: the PIN is the credential
// of the request (a web login, a PIN change); a locked card is 423 Locked (RFC 4918).
constexpr std::array<Kind, 9> kErrorKinds{{
    {422, "invalid_input", "Invalid input"},
    {404, "not_found", "Not found"},
    {409, "conflict", "Conflict"},
    {422, "guardian_required", "Guardian required"},
    {403, "permission_denied", "Permission denied"},
    {401, "wrong_pin", "Wrong PIN"},
    {423, "card_locked", "Card locked"},
    {409, "borrowing_blocked", "Borrowing blocked"},
    {409, "not_renewable", "Not renewable"},
}};

struct FaultKind {
    Kind kind;
    std::string_view detail;
};

// By Fault, in enum order.
constexpr std::array<FaultKind, 7> kFaultKinds{{
    {{401, "unauthenticated", "Authentication required"},
     "a live bearer token is required (Authorization: Bearer ...)"},
    {{400, "malformed_json", "Malformed JSON"}, "the body is not well-formed UTF-8 JSON"},
    {{415, "unsupported_media_type", "Unsupported media type"},
     "the body must be application/json"},
    {{405, "method_not_allowed", "Method not allowed"},
     "the resource does not support this method"},
    {{429, "throttled", "Too many attempts"}, "too many failed attempts: try again later"},
    {{503, "unavailable", "Service unavailable"}, "the register is unavailable: try again later"},
    {{500, "internal", "Internal error"}, "the request could not be answered"},
}};

}  // namespace

Problem problem(const Error& error) {
    const Kind& kind = kErrorKinds.at(static_cast<std::size_t>(error.code));
    Problem out{.status = kind.status,
                .kind = std::string(kind.name),
                .title = std::string(kind.title),
                .detail = error.message,
                .field = error.field};
    // RFC 9110 §15.5.2: every 401 names the scheme that would authenticate.
    if (out.status == 401) out.headers.emplace_back("WWW-Authenticate", "Bearer");
    return out;
}

Problem problem(Fault fault, std::string detail) {
    const FaultKind& fk = kFaultKinds.at(static_cast<std::size_t>(fault));
    Problem out{.status = fk.kind.status,
                .kind = std::string(fk.kind.name),
                .title = std::string(fk.kind.title),
                .detail = detail.empty() ? std::string(fk.detail) : std::move(detail)};
    if (out.status == 401) out.headers.emplace_back("WWW-Authenticate", "Bearer");
    return out;
}

std::string problem_type(std::string_view kind) {
    return "urn:patron:problem:" + std::string(kind);
}

Response render(const Problem& problem, std::string_view request_id) {
    nlohmann::json body = problem.extensions;
    body["type"] = problem_type(problem.kind);
    body["title"] = problem.title;
    body["status"] = problem.status;
    body["detail"] = problem.detail;
    if (!request_id.empty()) body["instance"] = request_id;
    if (!problem.field.empty()) body["field"] = problem.field;
    Response response = json_response(problem.status, body);
    response.content_type = "application/problem+json";
    response.headers = problem.headers;
    return response;
}

Response json_response(unsigned status, const nlohmann::json& body) {
    return Response{.status = status,
                    .content_type = "application/json",
                    .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    .headers = {}};
}

Response no_content() {
    return Response{.status = 204, .content_type = "", .body = "", .headers = {}};
}

Reply done(const Result<void>& result) {
    if (!result) return refuse(result.error());
    return no_content();
}

}  // namespace patron::http
