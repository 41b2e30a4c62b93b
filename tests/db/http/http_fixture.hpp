#pragma once
// Shared fixture of the HTTP API database tests: the real libpatron services over this test's
// database behind patron::http::Api, API clients of every role with their tokens, web-library
// sessions, requests built from JSON, and checks of problem details that also fail when a body
// carries personal data (a name, address, identity code, card number, PIN or token).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>

#include "common/metrics.hpp"
#include "common/services.hpp"
#include "db/circulation/circulation_fixture.hpp"
#include "http/api.hpp"

namespace patron::test {

using Json = nlohmann::json;

/// The request id every test request carries; problems name it as `instance`.
inline constexpr std::string_view kRequestId = "req-test-1";
/// The remote address of test requests (TEST-NET-1: nobody's).
inline constexpr std::string_view kRemote = "192.0.2.10";

/// What a body must never hold: the synthetic personal data of the test patrons (test_data.cpp
/// and the PINs), card numbers, identity codes and tokens of any value.
inline ::testing::AssertionResult HoldsNoPersonalData(std::string_view body) {
    static const std::array<std::string_view, 11> kTexts{
        "Testinen", "Testi ",     "\"Testi\"", "Testikatu", "testi@example", "040 000",
        "+358400",  "Testikoulu", kPin,        kOtherPin,   kWrongPin};
    for (const std::string_view text : kTexts) {
        if (body.find(text) != std::string_view::npos) {
            return ::testing::AssertionFailure() << "the body holds a test patron's data";
        }
    }
    // Card numbers of the fixtures, identity codes (DDMMYY, century sign, individual number,
    // check character) and bearer tokens.
    static const std::regex kPatterns(
        R"(CARD[0-9]{4}|[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]|p[st]_[A-Za-z0-9_-]{20,})");
    if (std::regex_search(body.begin(), body.end(), kPatterns)) {
        return ::testing::AssertionFailure()
               << "the body holds a card number, identity code or token";
    }
    return ::testing::AssertionSuccess();
}

/// A problem details answer of `status` and kind (`type` urn:patron:problem:<kind>), naming
/// `field` (empty: no field), with the request id as `instance` and no personal data.
inline ::testing::AssertionResult IsProblem(const http::Handled& handled, unsigned status,
                                            std::string_view kind, std::string_view field = "") {
    const http::Response& r = handled.response;
    const Json body = Json::parse(r.body, nullptr, false);
    auto fail = [&]() {
        return ::testing::AssertionFailure()
               << "got status " << r.status << " type "
               << (body.is_object() && body.contains("type") ? body["type"].dump() : "none")
               << " field "
               << (body.is_object() && body.contains("field") ? body["field"].dump() : "none")
               << "; expected " << status << " " << kind << " field '" << field << "'";
    };
    if (r.status != status || r.content_type != "application/problem+json" || !body.is_object()) {
        return fail();
    }
    if (body.value("type", "") != "urn:patron:problem:" + std::string(kind) ||
        body.value("status", 0U) != status || !body["title"].is_string() ||
        !body["detail"].is_string() || body.value("instance", "") != kRequestId ||
        handled.error_code != kind) {
        return fail();
    }
    if (field.empty() ? body.contains("field") : body.value("field", "") != field) return fail();
    if (auto clean = HoldsNoPersonalData(r.body); !clean) return clean;
    return ::testing::AssertionSuccess();
}

class HttpApiTest : public CirculationDbTest {
protected:
    void SetUp() override {
        CirculationDbTest::SetUp();
        context_.emplace(context());
        config_.pin = kFastPins;
        config_.circulation = settings_;
        services_ = std::make_unique<service::Services>(*context_, config_);
        api_ = std::make_unique<http::Api>(*services_, metrics_);
    }

    /// New services and API after a change of config_.
    void rebuild() {
        api_.reset();
        services_ = std::make_unique<service::Services>(*context_, config_);
        api_ = std::make_unique<http::Api>(*services_, metrics_);
    }

    void TearDown() override {
        api_.reset();
        services_.reset();
        CirculationDbTest::TearDown();
    }

    /// One request; `body` is sent as application/json when given.
    http::Handled call(std::string method, std::string target, const std::string& token = {},
                       const std::optional<Json>& body = std::nullopt) {
        return raw(std::move(method), std::move(target), token, body ? body->dump() : "",
                   body ? "application/json" : "");
    }

    /// One request with the body and content type as given.
    http::Handled raw(std::string method, std::string target, const std::string& token,
                      std::string body, std::string content_type) {
        http::Request request{.method = std::move(method),
                              .target = std::move(target),
                              .authorization = token.empty() ? "" : "Bearer " + token,
                              .content_type = std::move(content_type),
                              .body = std::move(body),
                              .remote_address = std::string(kRemote),
                              .request_id = std::string(kRequestId)};
        return api_->handle(request);
    }

    /// The token of an API client of `role` (added once per test by an administrator).
    std::string token(Role role) {
        auto& token = tokens_[role];
        if (token.empty()) {
            auto added = services_->clients.add(staff(Role::admin),
                                                fmt::format("client-{}", to_string(role)), role);
            EXPECT_TRUE(Succeeded(added));
            if (added) token = added->token;
        }
        return token;
    }

    /// Logs in over the API with `card` and `pin`.
    http::Handled login(const std::string& card, std::string_view pin) {
        return call("POST", "/v1/sessions", {},
                    Json{{"card_number", card}, {"pin", std::string(pin)}});
    }

    /// A web-library session token of `patron`, whose PIN staff set to kPin first.
    std::string session_of(PatronId patron) {
        set_pin(patron, kPin);
        const auto done = login(card_of(patron), kPin);
        EXPECT_EQ(done.response.status, 201U) << done.error_code;
        return Json::parse(done.response.body, nullptr, false).value("token", "");
    }

    /// The JSON body of a successful answer of `status` (the test fails otherwise).
    static Json body_of(const http::Handled& handled, unsigned status = 200) {
        EXPECT_EQ(handled.response.status, status) << "error " << handled.error_code;
        EXPECT_EQ(handled.response.content_type, "application/json");
        return Json::parse(handled.response.body, nullptr, false);
    }

    /// A registration form as the JSON body of POST /v1/patrons.
    static Json form_json(const PatronForm& f) {
        Json j{{"kind", f.kind},
               {"hetu", f.hetu},
               {"surname", f.surname},
               {"given_names", f.given_names},
               {"organisation_name", f.organisation_name},
               {"street_address", f.street_address},
               {"postal_code", f.postal_code},
               {"post_office", f.post_office},
               {"country", f.country},
               {"email", f.email},
               {"phones", f.phones},
               {"card_number", f.card_number},
               {"card_expires_on", f.card_expires_on},
               {"home_library", f.home_library},
               {"category", f.category},
               {"mother_tongue", f.mother_tongue},
               {"gender", f.gender},
               {"due_date_reminder", f.due_date_reminder},
               {"overdue_notice", f.overdue_notice},
               {"hold_ready", f.hold_ready},
               {"guardian_consent", f.guardian_consent}};
        if (f.guardian) j["guardian"] = f.guardian->value;
        if (f.responsible_person) j["responsible_person"] = f.responsible_person->value;
        return j;
    }

    /// Audit entries after `after_id` as "action|patron_id|actor|role|purpose", by id.
    [[nodiscard]] std::vector<std::string> audit_callers_after(long after_id) const {
        std::vector<std::string> out;
        for (const auto& row : sql(fmt::format(
                 "SELECT action || '|' || coalesce(patron_id::text, '') || '|' || actor || '|' || "
                 "role || '|' || purpose FROM audit_log WHERE id > {} ORDER BY id",
                 after_id))) {
            out.push_back(row[0]);
        }
        return out;
    }

    /// The value of response header `name`; empty when absent.
    static std::string header(const http::Handled& handled, std::string_view name) {
        for (const auto& [key, value] : handled.response.headers) {
            if (key == name) return value;
        }
        return {};
    }

    std::optional<Context> context_;
    Config config_;
    service::Metrics metrics_;
    std::unique_ptr<service::Services> services_;
    std::unique_ptr<http::Api> api_;
    std::map<Role, std::string> tokens_;
};

}  // namespace patron::test
