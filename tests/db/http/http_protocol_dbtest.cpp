// The HTTP API's own rules, before any libpatron call: the route table against the OpenAPI
// document, 404 and 405, bearer authentication, JSON bodies (content type, well-formedness,
// types, unknown fields), query parameters, path ids, problem details for every error code,
// /healthz, /metrics and /v1/openapi.json, and storage failures answered as 503 or 500.

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <tuple>

#include "db/http/http_fixture.hpp"
#include "http/problem.hpp"
#include "patron/exception.hpp"

namespace patron::test {
namespace {

using RouteKey = std::pair<std::string, std::string>;

std::set<RouteKey> documented_routes(const Json& document) {
    std::set<RouteKey> out;
    for (const auto& [path, methods] : document["paths"].items()) {
        for (const auto& [method, operation] : methods.items()) {
            std::string upper = method;
            for (char& c : upper)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            out.emplace(upper, path);
        }
    }
    return out;
}

/// The pattern with every `{name}` replaced by `value`.
std::string instantiate(std::string pattern, const std::string& value) {
    for (std::size_t open = pattern.find('{'); open != std::string::npos;
         open = pattern.find('{')) {
        pattern.replace(open, pattern.find('}', open) - open + 1, value);
    }
    return pattern;
}

TEST(HttpRoutes, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
    const Json document = Json::parse(http::Api::openapi_document(), nullptr, false);
    ASSERT_TRUE(document.is_object()) << "the embedded document is not JSON";
    EXPECT_EQ(document.value("openapi", ""), "3.1.0");
    std::set<RouteKey> served;
    for (const auto& route : http::Api::routes()) {
        EXPECT_TRUE(served.emplace(route.method, route.pattern).second)
            << "served twice: " << route.method << " " << route.pattern;
    }
    const std::set<RouteKey> documented = documented_routes(document);
    for (const auto& [method, pattern] : served) {
        EXPECT_TRUE(documented.contains({method, pattern}))
            << "not in openapi.json: " << method << " " << pattern;
    }
    for (const auto& [method, pattern] : documented) {
        EXPECT_TRUE(served.contains({method, pattern}))
            << "documented but not served: " << method << " " << pattern;
    }
    EXPECT_EQ(served.size(), 45U);
}

TEST(HttpRoutes, TheDocumentDeclaresBearerSecurityAndTheProblemSchema) {
    const Json document = Json::parse(http::Api::openapi_document());
    EXPECT_EQ(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    EXPECT_EQ(document["security"], Json::array({{{"bearer", Json::array()}}}));
    const Json& problem = document["components"]["schemas"]["Problem"];
    for (const char* member : {"type", "title", "status", "detail", "instance", "field"}) {
        EXPECT_TRUE(problem["properties"].contains(member)) << member;
    }
    // Every operation documents its refusal as problem details.
    for (const auto& [path, methods] : document["paths"].items()) {
        for (const auto& [method, operation] : methods.items()) {
            EXPECT_TRUE(operation["responses"].contains("503")) << method << " " << path;
        }
    }
}

/// The problem helpers, whose status table the routes' tests exercise one code at a time.
TEST(HttpProblem, EveryErrorCodeHasItsStatusAndStableType) {
    const std::vector<std::tuple<ErrorCode, unsigned, std::string_view>> table{
        {ErrorCode::invalid_input, 422, "invalid_input"},
        {ErrorCode::not_found, 404, "not_found"},
        {ErrorCode::conflict, 409, "conflict"},
        {ErrorCode::guardian_required, 422, "guardian_required"},
        {ErrorCode::permission_denied, 403, "permission_denied"},
        {ErrorCode::wrong_pin, 401, "wrong_pin"},
        {ErrorCode::card_locked, 423, "card_locked"},
        {ErrorCode::borrowing_blocked, 409, "borrowing_blocked"},
        {ErrorCode::not_renewable, 409, "not_renewable"},
    };
    for (const auto& [code, status, kind] : table) {
        SCOPED_TRACE(kind);
        const http::Problem p = http::problem(Error{code, "field_x", "reason"});
        EXPECT_EQ(p.status, status);
        EXPECT_EQ(p.kind, kind);
        const http::Response r = http::render(p, "req-9");
        const Json body = Json::parse(r.body);
        EXPECT_EQ(r.content_type, "application/problem+json");
        EXPECT_EQ(body["type"], "urn:patron:problem:" + std::string(kind));
        EXPECT_EQ(body["status"], status);
        EXPECT_EQ(body["detail"], "reason");
        EXPECT_EQ(body["field"], "field_x");
        EXPECT_EQ(body["instance"], "req-9");
        EXPECT_FALSE(body["title"].get<std::string>().empty());
    }
    // Without a request id there is no instance.
    const Json bare = Json::parse(http::render(http::problem(http::Fault::internal), "").body);
    EXPECT_FALSE(bare.contains("instance"));
    EXPECT_FALSE(bare.contains("field"));
}

TEST(HttpProblem, ThePersonalDataCheckFindsWhatItLooksFor) {
    EXPECT_TRUE(HoldsNoPersonalData(R"({"detail":"no such patron","field":"hetu"})"));
    for (const std::string body :
         {"CARD0002", "170580-002X", "010115A123B", "Testinen", "testi@example.fi", "58203917",
          "pt_AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "ps_abcdefghijklmnopqrstuvwxyz"}) {
        SCOPED_TRACE(body.size());
        EXPECT_FALSE(HoldsNoPersonalData(R"({"detail":")" + body + "\"}"));
    }
}

using HttpProtocol = HttpApiTest;

TEST_F(HttpProtocol, ProblemsCarryNoPersonalDataEvenWhenTheRequestDid) {
    const PatronId id = add_adult_with_pin(2);
    const std::string hetu = hetu_for(kAdultBirth, 2);
    const std::string t = token(Role::circulation);
    const std::vector<http::Handled> answers{
        // Values in fields of the wrong type, in unknown fields, and in bad values.
        call("POST", "/v1/patrons/lookup", t, Json{{"hetu", Json::array({hetu})}}),
        call("POST", "/v1/patrons/lookup", t, Json{{"card_number", card_for(2)}, {"x", hetu}}),
        call("POST", "/v1/patrons/lookup", t, Json{{hetu, card_for(2)}}),
        call("POST", "/v1/patrons/lookup", t, Json{{"hetu", hetu + "X"}}),
        call("POST", "/v1/patrons/lookup", token(Role::kiosk), Json{{"hetu", hetu}}),
        call("PATCH", fmt::format("/v1/patrons/{}/contact", id.value), t,
             Json{{"email", "Testinen Testi <testi@example>"}}),
        call("POST", "/v1/patrons", t, form_json(person_form(card_for(2), hetu))),
        call("PUT", fmt::format("/v1/patrons/{}/pin", id.value), t, Json{{"pin", "5820391712"}}),
        login(card_for(2), kWrongPin),
        call("POST", "/v1/kiosk/verify", t,
             Json{{"card_number", card_for(2)}, {"pin", std::string(kPin)}}),
        // A token where an id belongs.
        call("GET", "/v1/patrons/" + t, t),
        call("GET", "/v1/patrons/1", t + "x"),
    };
    for (const auto& answer : answers) {
        EXPECT_GE(answer.response.status, 400U);
        EXPECT_EQ(answer.response.content_type, "application/problem+json");
        EXPECT_TRUE(HoldsNoPersonalData(answer.response.body));
        EXPECT_TRUE(HoldsNoPersonalData(answer.route));
        EXPECT_TRUE(HoldsNoPersonalData(answer.error_code));
    }
}

TEST_F(HttpProtocol, SecuredRoutesAnswer401WithoutATokenAndOpenOnesDoNot) {
    const Json document = Json::parse(http::Api::openapi_document());
    int secured = 0;
    for (const auto& [pattern, methods] : document["paths"].items()) {
        for (const auto& [method, operation] : methods.items()) {
            SCOPED_TRACE(method + " " + pattern);
            std::string upper = method;
            for (char& c : upper)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            const auto answer = call(upper, instantiate(pattern, "1"));
            const bool open = operation.contains("security") && operation["security"].empty();
            if (open) {
                EXPECT_NE(answer.response.status, 401U);
            } else {
                EXPECT_TRUE(IsProblem(answer, 401, "unauthenticated"));
                EXPECT_EQ(header(answer, "WWW-Authenticate"), "Bearer");
                ++secured;
            }
        }
    }
    EXPECT_EQ(secured, 41);
}

TEST_F(HttpProtocol, AnUnknownPathIsANotFoundProblem) {
    for (const std::string target : {"/", "/v1", "/v2/patrons", "/v1/patrons/", "/v1/patrons//x",
                                     "/v1/nothing", "v1/patrons", "/v1/patrons/1/unknown"}) {
        SCOPED_TRACE(target);
        const auto answer = call("GET", target, token(Role::admin));
        EXPECT_TRUE(IsProblem(answer, 404, "not_found"));
        EXPECT_EQ(answer.route, "unmatched");
    }
}

TEST_F(HttpProtocol, AKnownPathWithAnotherMethodIs405WithAllow) {
    const std::vector<std::tuple<std::string, std::string, std::string>> cases{
        {"DELETE", "/v1/patrons", "POST, GET"},
        {"PUT", "/v1/holds/expire", "POST"},
        {"GET", "/v1/clients/someone", "DELETE"},
        {"POST", "/healthz", "GET"},
        {"GET", "/v1/patrons/1/loan-history/consent", "POST, DELETE"},
        {"HEAD", "/v1/me", "GET"},
    };
    for (const auto& [method, target, allow] : cases) {
        SCOPED_TRACE(method + " " + target);
        const auto answer = call(method, target, token(Role::admin));
        EXPECT_TRUE(IsProblem(answer, 405, "method_not_allowed"));
        EXPECT_EQ(header(answer, "Allow"), allow);
    }
}

TEST_F(HttpProtocol, ALiteralSegmentWinsOverAParameter) {
    const PatronId id = add_adult(2);
    // "/v1/holds/expire" is its own route, not the hold "expire".
    const auto expired = call("POST", "/v1/holds/expire", token(Role::circulation));
    EXPECT_EQ(body_of(expired), Json({{"expired", 0}}));
    EXPECT_EQ(expired.route, "/v1/holds/expire");
    // "lookup" is no patron id.
    EXPECT_TRUE(
        IsProblem(call("GET", "/v1/patrons/lookup", token(Role::circulation)), 404, "not_found"));
    const auto read = call("GET", fmt::format("/v1/patrons/{}", id.value), token(Role::admin));
    EXPECT_EQ(body_of(read)["id"], id.value);
    EXPECT_EQ(read.route, "/v1/patrons/{id}");
    EXPECT_EQ(read.actor, "client-admin");
}

TEST_F(HttpProtocol, MissingMalformedUnknownAndRevokedTokensAre401) {
    const std::string valid = token(Role::circulation);
    auto revoked = services_->clients.add(staff(Role::admin), "revoked-one", Role::circulation);
    ASSERT_TRUE(Succeeded(revoked));
    ASSERT_TRUE(Succeeded(services_->clients.revoke(staff(Role::admin), "revoked-one")));
    const std::vector<std::string> authorizations{
        "",
        "Bearer",
        "Bearer ",
        "Basic " + valid,
        "Bearer pt_" + std::string(43, 'A'),
        "Bearer ps_" + std::string(43, 'A'),
        "Bearer xx_" + valid.substr(3),
        "Bearer " + valid + "x",
        "Bearer " + revoked->token,
        "Token " + valid,
    };
    for (const auto& authorization : authorizations) {
        http::Request request{.method = "GET",
                              .target = "/v1/patrons",
                              .authorization = authorization,
                              .request_id = std::string(kRequestId)};
        const auto answer = api_->handle(request);
        EXPECT_TRUE(IsProblem(answer, 401, "unauthenticated"));
        EXPECT_EQ(header(answer, "WWW-Authenticate"), "Bearer");
        EXPECT_EQ(answer.actor, "");
    }
    // The scheme is case-insensitive (RFC 9110 §11.1).
    http::Request request{.method = "GET",
                          .target = "/v1/patrons",
                          .authorization = "bEaReR  " + valid,
                          .request_id = std::string(kRequestId)};
    EXPECT_EQ(api_->handle(request).response.status, 200U);
}

TEST_F(HttpProtocol, AMalformedBodyIs400) {
    const std::string t = token(Role::circulation);
    const std::vector<std::string> bodies{"{",   "{\"barcode\": }", "[1,",
                                          "nul", "{\"a\":1}x",      "{\"barcode\": \"\xff\"}"};
    for (const auto& body : bodies) {
        const auto answer = raw("POST", "/v1/returns", t, body, "application/json");
        EXPECT_TRUE(IsProblem(answer, 400, "malformed_json"));
    }
    // A route that needs a body refuses an empty one.
    EXPECT_TRUE(IsProblem(raw("POST", "/v1/returns", t, "", ""), 400, "malformed_json"));
}

TEST_F(HttpProtocol, ABodyThatIsNotJsonByContentTypeIs415) {
    const std::string t = token(Role::circulation);
    const std::string body = R"({"barcode": "ITEM1"})";
    for (const std::string type : {"", "text/plain", "application/x-www-form-urlencoded",
                                   "application/jsonp", "application/problem+json"}) {
        SCOPED_TRACE(type);
        EXPECT_TRUE(
            IsProblem(raw("POST", "/v1/returns", t, body, type), 415, "unsupported_media_type"));
    }
    // Parameters and case are fine: the item is simply not on loan.
    for (const std::string type : {"application/json; charset=utf-8", "Application/JSON"}) {
        SCOPED_TRACE(type);
        EXPECT_TRUE(
            IsProblem(raw("POST", "/v1/returns", t, body, type), 404, "not_found", "barcode"));
    }
}

TEST_F(HttpProtocol, ABodyThatIsNotAnObjectIs422) {
    const std::string t = token(Role::circulation);
    for (const std::string body : {"[]", "\"ITEM1\"", "1", "null", "true"}) {
        SCOPED_TRACE(body);
        EXPECT_TRUE(IsProblem(raw("POST", "/v1/returns", t, body, "application/json"), 422,
                              "invalid_input"));
    }
}

TEST_F(HttpProtocol, UnknownFieldsAre422NamingTheFieldOnlyWhenItLooksLikeOne) {
    const std::string t = token(Role::circulation);
    EXPECT_TRUE(IsProblem(call("POST", "/v1/returns", t, Json{{"barcode", "I1"}, {"colour", 1}}),
                          422, "invalid_input", "colour"));
    // A misspelt field is reported as unknown rather than the required one as missing.
    EXPECT_TRUE(IsProblem(call("POST", "/v1/returns", t, Json{{"barcod", "I1"}}), 422,
                          "invalid_input", "barcod"));
    // A key that is not a name is not shown back: it could be anything a client sent.
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/returns", t, Json{{"barcode", "I1"}, {"Testinen Testi", 1}}),
                  422, "invalid_input"));
}

TEST_F(HttpProtocol, WrongTypesAndMissingFieldsAre422NamingTheField) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::circulation);
    const Json good{
        {"patron", id.value}, {"barcode", "ITEM1"}, {"title", "T"}, {"material_type", "book"}};
    const std::vector<std::pair<Json, std::string>> cases{
        {{{"barcode", 5}}, "barcode"},
        {{{"patron", std::to_string(id.value)}}, "patron"},
        {{{"patron", 1.5}}, "patron"},
        {{{"patron", true}}, "patron"},
        {{{"patron", 18446744073709551615ULL}}, "patron"},
        {{{"title", nullptr}}, "title"},
        {{{"material_type", Json::array({"book"})}}, "material_type"},
    };
    for (const auto& [change, field] : cases) {
        SCOPED_TRACE(field);
        Json body = good;
        body.update(change);
        EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t, body), 422, "invalid_input", field));
    }
    for (const std::string field : {"patron", "barcode", "title", "material_type"}) {
        SCOPED_TRACE(field);
        Json body = good;
        body.erase(field);
        EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t, body), 422, "invalid_input", field));
    }
    // Lists of strings and booleans.
    EXPECT_TRUE(IsProblem(call("PATCH", fmt::format("/v1/patrons/{}/contact", id.value), t,
                               Json{{"phones", Json::array({1})}}),
                          422, "invalid_input", "phones"));
    EXPECT_TRUE(IsProblem(
        call("PATCH", fmt::format("/v1/patrons/{}/contact", id.value), t, Json{{"phones", "040"}}),
        422, "invalid_input", "phones"));
    EXPECT_TRUE(IsProblem(call("PUT", fmt::format("/v1/patrons/{}/guardians/1/consent", id.value),
                               t, Json{{"consent", "yes"}}),
                          422, "invalid_input", "consent"));
    EXPECT_EQ(rows("loans"), 0);
}

TEST_F(HttpProtocol, QueryParametersAreCheckedByName) {
    const std::string t = token(Role::circulation);
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?color=red", t), 422, "invalid_input", "query"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons/1?after=1", t), 422, "invalid_input", "query"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?limit=ten", t), 422, "invalid_input", "limit"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?limit=", t), 422, "invalid_input", "limit"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?limit=0", t), 422, "invalid_input", "limit"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?limit=501", t), 422, "invalid_input", "limit"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?after=-1", t), 422, "invalid_input", "after"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?after=%zz", t), 422, "invalid_input", "query"));
    // Only for a known caller.
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons?color=red"), 401, "unauthenticated"));
    add_adult(2);
    add_adult(3);
    // Percent-encoded digits are digits; the last of a repeated parameter counts.
    const Json page = body_of(call("GET", "/v1/patrons?after=%31&limit=5&limit=1", t));
    ASSERT_EQ(page["patrons"].size(), 1U);
    EXPECT_EQ(page["patrons"][0]["id"], 2);
}

TEST_F(HttpProtocol, APathIdThatIsNoPositiveIntegerIsNotFound) {
    add_adult(2);
    const std::string t = token(Role::admin);
    for (const std::string id :
         {"abc", "0", "-1", "1.0", "+1", "99999999999999999999", "%31x", "1%", "0x1"}) {
        SCOPED_TRACE(id);
        EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons/" + id, t), 404, "not_found"));
    }
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans/abc/renew", t), 404, "not_found"));
    // Percent-encoded digits name the same patron.
    EXPECT_EQ(body_of(call("GET", "/v1/patrons/%31", t))["id"], 1);
}

TEST_F(HttpProtocol, HealthMetricsAndTheDocumentNeedNoToken) {
    const auto health = call("GET", "/healthz");
    EXPECT_EQ(body_of(health), Json({{"status", "ok"}}));
    EXPECT_EQ(health.route, "/healthz");

    metrics_.record_request("GET", "/v1/patrons/{id}", 200, std::chrono::milliseconds(3));
    const auto metrics = call("GET", "/metrics");
    EXPECT_EQ(metrics.response.status, 200U);
    EXPECT_EQ(metrics.response.content_type, "text/plain; version=0.0.4");
    EXPECT_NE(metrics.response.body.find("patrond_http_requests_total{method=\"GET\",route=\"/v1/"
                                         "patrons/{id}\",status=\"200\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics.response.body.find("patrond_db_pool_connections{state=\"max\"} 8"),
              std::string::npos);

    const auto document = call("GET", "/v1/openapi.json");
    EXPECT_EQ(document.response.status, 200U);
    EXPECT_EQ(document.response.content_type, "application/json");
    EXPECT_EQ(document.response.body, http::Api::openapi_document());
}

/// A database that fails every call with `E`.
template <class E>
class FailingDatabase final : public store::Database {
public:
    store::PoolUse pool_use() const override { return {}; }
    void ping() override { throw E("connection refused (Testinen)"); }
    std::unique_ptr<store::Transaction> begin(store::Atomicity) override {
        throw E("connection refused (Testinen)");
    }
};

/// The API over services whose database fails with `E`.
template <class E>
class BrokenApi {
public:
    explicit BrokenApi(const KeyRing& keys, const Clock& clock, const Config& config)
        : context_{database_, keys, clock},
          services_(context_, config),
          api_(services_, metrics_) {}
    http::Handled call(std::string method, std::string target, std::string token = {}) {
        return api_.handle({.method = std::move(method),
                            .target = std::move(target),
                            .authorization = token.empty() ? "" : "Bearer " + token,
                            .request_id = std::string(kRequestId)});
    }

private:
    FailingDatabase<E> database_;
    Context context_;
    service::Metrics metrics_;
    service::Services services_;
    http::Api api_;
};

TEST_F(HttpProtocol, AStorageFailureIs503WithAGenericText) {
    BrokenApi<DatabaseError> down(keys_, clock_, config_);
    const auto health = down.call("GET", "/healthz");
    EXPECT_TRUE(IsProblem(health, 503, "unavailable"));
    // The operator's log learns why; the client does not.
    EXPECT_EQ(health.cause, "connection refused (Testinen)");
    // Authentication itself needs the database.
    EXPECT_TRUE(IsProblem(down.call("GET", "/v1/patrons/1", "pt_" + std::string(43, 'A')), 503,
                          "unavailable"));
    EXPECT_TRUE(
        IsProblem(down.call("GET", "/v1/me", "ps_" + std::string(43, 'A')), 503, "unavailable"));
    BrokenApi<TransactionConflict> conflicted(keys_, clock_, config_);
    EXPECT_TRUE(IsProblem(conflicted.call("GET", "/healthz"), 503, "unavailable"));
}

TEST_F(HttpProtocol, AnyOtherExceptionIs500WithAGenericText) {
    BrokenApi<std::runtime_error> broken(keys_, clock_, config_);
    const auto answer = broken.call("GET", "/healthz");
    EXPECT_TRUE(IsProblem(answer, 500, "internal"));
    EXPECT_EQ(answer.response.body.find("connection refused"), std::string::npos);
    EXPECT_TRUE(answer.cause.empty());
}

}  // namespace
}  // namespace patron::test
