// Billing and notice routes over the API: fees charged, paid and cancelled; invoices created,
// paid and cancelled; loan bans set and lifted; notices generated, claimed and marked — each
// with the refusals libpatron gives, answered as problems.

#include <gtest/gtest.h>

#include "db/http/http_fixture.hpp"

namespace patron::test {
namespace {

using HttpBilling = HttpApiTest;

TEST_F(HttpBilling, FeesAreChargedPaidAndCancelled) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::billing);
    const Json fee = body_of(call("POST", "/v1/fees", t,
                                  Json{{"patron", id.value},
                                       {"kind", "lost"},
                                       {"amount_cents", 1250},
                                       {"description", "replacement"}}),
                             201);
    EXPECT_EQ(fee["kind"], "lost");
    EXPECT_EQ(fee["amount_cents"], 1250);
    EXPECT_EQ(fee["description"], "replacement");
    EXPECT_EQ(fee["barcode"], nullptr);
    EXPECT_EQ(fee["paid_at"], nullptr);
    EXPECT_EQ(fee["invoice"], nullptr);
    const auto fee_id = fee["id"].get<std::int64_t>();

    EXPECT_EQ(call("POST", fmt::format("/v1/fees/{}/pay", fee_id), t).response.status, 204U);
    EXPECT_TRUE(
        IsProblem(call("POST", fmt::format("/v1/fees/{}/pay", fee_id), t), 409, "conflict", "fee"));
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/fees/{}/cancel", fee_id), t), 409,
                          "conflict", "fee"));
    const Fee other = charge(id, 100);
    EXPECT_EQ(call("POST", fmt::format("/v1/fees/{}/cancel", other.id.value), t).response.status,
              204U);
    EXPECT_TRUE(IsProblem(call("POST", "/v1/fees/999/pay", t), 404, "not_found"));

    const Json base{{"patron", id.value}, {"kind", "other"}, {"amount_cents", 100}};
    auto with = [&](const Json& change) {
        Json body = base;
        body.update(change);
        return call("POST", "/v1/fees", t, body);
    };
    EXPECT_TRUE(IsProblem(with({{"kind", "parking"}}), 422, "invalid_input", "kind"));
    EXPECT_TRUE(IsProblem(with({{"amount_cents", 0}}), 422, "invalid_input", "amount_cents"));
    EXPECT_TRUE(IsProblem(with({{"amount_cents", 1.5}}), 422, "invalid_input", "amount_cents"));
    EXPECT_TRUE(IsProblem(with({{"barcode", "NOSUCH"}}), 404, "not_found", "barcode"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/fees", token(Role::kiosk), base), 403, "permission_denied"));
    EXPECT_EQ(rows("fees"), 2);
}

TEST_F(HttpBilling, InvoicesGroupUnpaidFeesAndArePaidOrCancelled) {
    const PatronId id = add_adult(2);
    const Fee a = charge(id, 100);
    const Fee b = charge(id, 250);
    const std::string t = token(Role::billing);
    const Json invoice = body_of(call("POST", "/v1/invoices", t, Json{{"patron", id.value}}), 201);
    EXPECT_EQ(invoice["total_cents"], 350);
    EXPECT_EQ(invoice["status"], "open");
    EXPECT_EQ(invoice["fees"], Json::array({a.id.value, b.id.value}));
    EXPECT_EQ(invoice["issued_on"], "2026-11-24");
    EXPECT_EQ(invoice["due_on"], "2026-12-08");
    EXPECT_TRUE(invoice["number"].is_string());
    // A fee on an open invoice is settled through the invoice.
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/fees/{}/pay", a.id.value), t), 409,
                          "conflict", "fee"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/invoices", t, Json{{"patron", id.value}}), 422,
                          "invalid_input", "patron"));

    const auto invoice_id = invoice["id"].get<std::int64_t>();
    EXPECT_EQ(call("POST", fmt::format("/v1/invoices/{}/pay", invoice_id), t).response.status,
              204U);
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/invoices/{}/pay", invoice_id), t), 409,
                          "conflict", "invoice"));
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/invoices/{}/cancel", invoice_id), t), 409,
                          "conflict", "invoice"));

    charge(id, 500);
    const Json second = body_of(call("POST", "/v1/invoices", t, Json{{"patron", id.value}}), 201);
    EXPECT_EQ(
        call("POST", fmt::format("/v1/invoices/{}/cancel", second["id"].get<std::int64_t>()), t)
            .response.status,
        204U);
    EXPECT_TRUE(IsProblem(call("POST", "/v1/invoices/999/pay", t), 404, "not_found"));
    // Invoices are the billing unit's (and an administrator's), not the desk's.
    EXPECT_TRUE(IsProblem(
        call("POST", "/v1/invoices", token(Role::circulation), Json{{"patron", id.value}}), 403,
        "permission_denied"));
}

TEST_F(HttpBilling, LoanBansAreSetAndLifted) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::circulation);
    const Json ban = body_of(
        call("POST", "/v1/loan-bans", t,
             Json{{"patron", id.value}, {"reason", "unreturned items"}, {"ends_on", "2027-01-31"}}),
        201);
    EXPECT_EQ(ban["starts_on"], "2026-11-24");
    EXPECT_EQ(ban["ends_on"], "2027-01-31");
    EXPECT_EQ(ban["lifted_at"], nullptr);
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t,
                               Json{{"patron", id.value},
                                    {"barcode", "ITEM1"},
                                    {"title", "T"},
                                    {"material_type", "book"}}),
                          409, "borrowing_blocked", "patron"));

    const auto ban_id = ban["id"].get<std::int64_t>();
    EXPECT_EQ(call("POST", fmt::format("/v1/loan-bans/{}/lift", ban_id), t).response.status, 204U);
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/loan-bans/{}/lift", ban_id), t), 409,
                          "conflict", "loan_ban"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loan-bans/999/lift", t), 404, "not_found"));

    EXPECT_TRUE(IsProblem(call("POST", "/v1/loan-bans", t,
                               Json{{"patron", id.value},
                                    {"reason", "x"},
                                    {"starts_on", "2026-12-01"},
                                    {"ends_on", "2026-11-30"}}),
                          422, "invalid_input", "ends_on"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loan-bans", t,
                               Json{{"patron", id.value}, {"reason", "x"}, {"starts_on", "soon"}}),
                          422, "invalid_input", "starts_on"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loan-bans", t, Json{{"patron", id.value}}), 422,
                          "invalid_input", "reason"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loan-bans", token(Role::billing),
                               Json{{"patron", id.value}, {"reason", "x"}}),
                          403, "permission_denied"));
}

TEST_F(HttpBilling, NoticesAreGeneratedClaimedAndMarked) {
    const PatronId id = add_adult(2);
    ready_hold(id, "ITEM1");  // a hold-ready notice, by letter (the test form's channel)
    const std::string t = token(Role::circulation);
    EXPECT_EQ(body_of(call("POST", "/v1/messages/generate", t)), Json({{"generated", 1}}));
    EXPECT_EQ(body_of(call("POST", "/v1/messages/generate", t)), Json({{"generated", 0}}));

    const Json claimed = body_of(call("POST", "/v1/messages/claim", t, Json{{"limit", 10}}));
    ASSERT_EQ(claimed["messages"].size(), 1U);
    const Json& message = claimed["messages"][0];
    EXPECT_EQ(message["patron"], id.value);
    EXPECT_EQ(message["kind"], "hold_ready");
    EXPECT_EQ(message["channel"], "letter");
    EXPECT_EQ(message["recipient"]["address"]["postal_code"], "00100");
    EXPECT_EQ(message["title"], "Title ITEM1");
    EXPECT_EQ(message["pickup_by"], "2026-12-01");
    EXPECT_EQ(message["attempts"], 1);
    // Leased: nothing more to claim (the default limit without a body).
    EXPECT_EQ(body_of(call("POST", "/v1/messages/claim", t)), Json({{"messages", Json::array()}}));

    const auto message_id = message["id"].get<std::int64_t>();
    EXPECT_EQ(call("POST", fmt::format("/v1/messages/{}/sent", message_id), t).response.status,
              204U);
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/messages/{}/sent", message_id), t), 404,
                          "not_found", "message"));
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/messages/{}/failed", message_id), t), 404,
                          "not_found", "message"));
    const Json record =
        body_of(call("GET", fmt::format("/v1/patrons/{}/circulation", id.value), t));
    EXPECT_EQ(record["messages"][0]["status"], "sent");

    for (const std::int64_t limit : {0, -1, 1001}) {
        SCOPED_TRACE(limit);
        EXPECT_TRUE(IsProblem(call("POST", "/v1/messages/claim", t, Json{{"limit", limit}}), 422,
                              "invalid_input", "limit"));
    }
    EXPECT_TRUE(IsProblem(call("POST", "/v1/messages/generate", token(Role::billing)), 403,
                          "permission_denied"));
}

TEST_F(HttpBilling, AFailedDeliveryIsClaimedAgainLater) {
    const PatronId id = add_adult(2);
    ready_hold(id, "ITEM1");
    const std::string t = token(Role::admin);
    ASSERT_EQ(body_of(call("POST", "/v1/messages/generate", t))["generated"], 1);
    const Json first = body_of(call("POST", "/v1/messages/claim", t));
    ASSERT_EQ(first["messages"].size(), 1U);
    const auto message_id = first["messages"][0]["id"].get<std::int64_t>();
    EXPECT_EQ(call("POST", fmt::format("/v1/messages/{}/failed", message_id), t).response.status,
              204U);
    clock_.advance(std::chrono::minutes(11));
    const Json again = body_of(call("POST", "/v1/messages/claim", t));
    ASSERT_EQ(again["messages"].size(), 1U);
    EXPECT_EQ(again["messages"][0]["attempts"], 2);
}

}  // namespace
}  // namespace patron::test
