#pragma once
// Shared fixture of the SIP2 session tests: real libpatron services on this test's database (fast
// Argon2), a kiosk API client "k1" and its token, sessions over them, builders of request
// messages, and readers of response fields. Responses are shown in assertion messages only
// where they hold no patron data; the patrons are synthetic anyway.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.hpp"
#include "common/services.hpp"
#include "db/circulation/circulation_fixture.hpp"
#include "patron/exception.hpp"
#include "sip2/message.hpp"
#include "sip2/response_values.hpp"
#include "sip2/session.hpp"

namespace patron::test {

/// The test's database, made to throw DatabaseError on demand (a storage failure mid-session).
class SwitchableDatabase final : public store::Database {
public:
    explicit SwitchableDatabase(store::Database& inner) : inner_(inner) {}
    [[nodiscard]] store::PoolUse pool_use() const override { return inner_.pool_use(); }
    void ping() override { inner_.ping(); }
    std::unique_ptr<store::Transaction> begin(store::Atomicity atomicity) override {
        if (failing_) throw DatabaseError("the test made the database fail");
        return inner_.begin(atomicity);
    }
    void fail(bool failing) { failing_ = failing; }

private:
    store::Database& inner_;
    std::atomic<bool> failing_{false};
};

/// A request's transaction date (its value does not matter to the ACS).
inline constexpr std::string_view kRequestDate = "20261124    101500";

/// `body` as a message: with AY<sequence>AZ<checksum> when `sequence` is given, then CR.
inline std::string frame(std::string body, std::optional<int> sequence = std::nullopt) {
    if (sequence) {
        body += "AY" + std::to_string(*sequence) + "AZ";
        body += sip2::checksum(body);
    }
    return body + "\r";
}

/// 23 Patron Status with card and PIN (null: no AD field at all).
inline std::string patron_status_body(std::string_view card, const char* pin) {
    std::string body = fmt::format("23000{}AOLIB|AA{}|AC|", kRequestDate, card);
    if (pin != nullptr) body += fmt::format("AD{}|", pin);
    return body;
}

/// 63 Patron Information with card, PIN and the 10-character summary; `extra`: more fields.
inline std::string patron_information_body(std::string_view card, const char* pin,
                                           std::string_view summary = "          ",
                                           std::string_view extra = "") {
    std::string body = fmt::format("63000{}{:<10}AOLIB|AA{}|AC|", kRequestDate, summary, card);
    if (pin != nullptr) body += fmt::format("AD{}|", pin);
    return body + std::string(extra);
}

/// 17 Item Information for `barcode`.
inline std::string item_information_body(std::string_view barcode) {
    return fmt::format("17{}AOLIB|AB{}|AC|", kRequestDate, barcode);
}

/// A response taken apart: code, fixed part and variable fields (without AY/AZ and CR).
struct Reply {
    std::string code;
    std::string fixed;
    std::vector<sip2::Field> fields;

    /// The first value of field `id`, or null.
    [[nodiscard]] const std::string* field(std::string_view id) const {
        for (const auto& f : fields) {
            if (f.id == id) return &f.value;
        }
        return nullptr;
    }
    [[nodiscard]] bool has(std::string_view id) const { return field(id) != nullptr; }
    /// Every value of field `id`, in order.
    [[nodiscard]] std::vector<std::string> all(std::string_view id) const {
        std::vector<std::string> values;
        for (const auto& f : fields) {
            if (f.id == id) values.push_back(f.value);
        }
        return values;
    }
    /// The ids of all fields, in order (e.g. "AO AA BL CQ BH AF").
    [[nodiscard]] std::string ids() const {
        std::string out;
        for (const auto& f : fields) out += (out.empty() ? "" : " ") + f.id;
        return out;
    }
};

/// Length of the fixed part (code included) of each response the session sends.
inline std::size_t fixed_length(std::string_view code) {
    if (code == "94") return 3;
    if (code == "98") return 36;
    if (code == "24") return 37;
    if (code == "64") return 61;
    if (code == "36") return 21;
    if (code == "18") return 26;
    return 2;
}

/// Takes a response apart. Fails the test when it lacks its CR or its fixed part.
inline Reply reply(std::string_view response) {
    Reply out;
    EXPECT_TRUE(!response.empty() && response.back() == '\r');
    if (!response.empty() && response.back() == '\r') response.remove_suffix(1);
    // Error detection, checked elsewhere.
    if (const auto ay = response.rfind("AY"); ay != std::string_view::npos &&
                                              ay + 9 == response.size() &&
                                              response.substr(ay + 3, 2) == "AZ") {
        response = response.substr(0, ay);
    }
    out.code = std::string(response.substr(0, 2));
    const std::size_t length = fixed_length(out.code);
    EXPECT_GE(response.size(), length) << "response " << out.code << " too short";
    if (response.size() < length) return out;
    out.fixed = std::string(response.substr(2, length - 2));
    std::string_view rest = response.substr(length);
    while (!rest.empty()) {
        const std::size_t end = std::min(rest.find('|'), rest.size());
        out.fields.push_back(
            sip2::Field{std::string(rest.substr(0, 2)), std::string(rest.substr(2, end - 2))});
        rest = rest.substr(std::min(end + 1, rest.size()));
    }
    return out;
}

class Sip2SessionTest : public CirculationDbTest {
protected:
    void SetUp() override {
        CirculationDbTest::SetUp();
        database_switch_ = std::make_unique<SwitchableDatabase>(*database_);
        config_.pin = kFastPins;
        start_services();
        auto client = services_->clients.add(staff(Role::admin), "k1", Role::kiosk);
        ASSERT_TRUE(Succeeded(client));
        token_ = client->token;
    }

    void TearDown() override {
        services_.reset();
        CirculationDbTest::TearDown();
    }

    /// (Re)builds the services from config_ (after a test changed it).
    void start_services() {
        services_.reset();
        context_.emplace(Context{*database_switch_, keys_, clock_});
        services_ = std::make_unique<service::Services>(*context_, config_);
    }

    /// A session with settings_ (which must stay as they are while it lives).
    [[nodiscard]] std::unique_ptr<sip2::Session> session() {
        return std::make_unique<sip2::Session>(*services_, metrics_, settings_);
    }

    /// A session logged in as k1.
    [[nodiscard]] std::unique_ptr<sip2::Session> logged_in() {
        auto s = session();
        const sip2::Output out = s->receive(frame(login_body()));
        EXPECT_EQ(out.responses, std::vector<std::string>{"941\r"});
        EXPECT_FALSE(out.close);
        return s;
    }

    /// 93 Login as `name` with `token` (default: k1 and its token).
    [[nodiscard]] std::string login_body(std::optional<std::string> name = std::nullopt,
                                         std::optional<std::string> token = std::nullopt) const {
        return fmt::format("9300CN{}|CO{}|CPLOC|", name.value_or("k1"), token.value_or(token_));
    }

    /// The one response to `bytes`; the test fails when there is not exactly one or the session
    /// closes.
    std::string exchange(sip2::Session& s, std::string_view bytes) {
        const sip2::Output out = s.receive(bytes);
        EXPECT_EQ(out.responses.size(), 1U);
        EXPECT_FALSE(out.close);
        return out.responses.empty() ? std::string() : out.responses.front();
    }

    /// exchange() taken apart.
    Reply ask(sip2::Session& s, std::string_view bytes) { return reply(exchange(s, bytes)); }

    /// The transaction date a response made now carries.
    [[nodiscard]] std::string now_field() const { return sip2::transaction_date(clock_.now()); }

    /// A patron (n as in add_person) with kPin.
    PatronId patron_with_pin(int n) { return add_adult_with_pin(n); }

    /// kiosk.verify audit entries after `after_id`.
    [[nodiscard]] long verifications_after(long after_id) const {
        return count(fmt::format(
            "SELECT count(*) FROM audit_log WHERE id > {} AND action = 'kiosk.verify'", after_id));
    }

    /// A line of metrics_ rendered, e.g. `patrond_sip2_messages_total{code="23"}`: its value, or
    /// -1 when absent.
    [[nodiscard]] long metric(std::string_view name) const {
        const std::string text = metrics_.render(store::PoolUse{});
        const std::string key = std::string(name) + " ";
        const auto at = text.find(key);
        if (at == std::string::npos) return -1;
        return std::stol(text.substr(at + key.size()));
    }

    Config config_;
    Sip2Settings settings_;
    service::Metrics metrics_;
    std::unique_ptr<SwitchableDatabase> database_switch_;
    std::optional<Context> context_;
    std::unique_ptr<service::Services> services_;
    std::string token_;
};

}  // namespace patron::test
