// Circulation routes over the API: checkout (201), renewal, return, item status, a patron's
// record and summary, and holds placed, made ready, cancelled and expired — each with the
// refusals libpatron gives, answered as problems.

#include <gtest/gtest.h>

#include "db/http/http_fixture.hpp"

namespace patron::test {
namespace {

using HttpCirculation = HttpApiTest;

Json item_body(PatronId patron, const std::string& barcode, const std::string& type = "book") {
    return {{"patron", patron.value},
            {"barcode", barcode},
            {"title", "Title " + barcode},
            {"material_type", type}};
}

TEST_F(HttpCirculation, AnItemIsLentRenewedAndReturned) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::circulation);
    const auto lent = call("POST", "/v1/loans", t, item_body(id, "ITEM1"));
    const Json loan = body_of(lent, 201);
    EXPECT_EQ(lent.route, "/v1/loans");
    EXPECT_EQ(loan["patron"], id.value);
    EXPECT_EQ(loan["item"],
              Json({{"barcode", "ITEM1"}, {"title", "Title ITEM1"}, {"material_type", "book"}}));
    EXPECT_EQ(loan["due_on"], "2026-12-22");  // the default rule: 28 days
    EXPECT_EQ(loan["renewals"], 0);
    EXPECT_TRUE(loan["checked_out_at"].is_string());

    clock_.set_today(days_from_today(3));
    const auto renewed =
        call("POST", fmt::format("/v1/loans/{}/renew", loan["id"].get<std::int64_t>()), t);
    EXPECT_EQ(body_of(renewed)["renewals"], 1);
    EXPECT_EQ(body_of(renewed)["due_on"], "2026-12-25");
    EXPECT_EQ(renewed.route, "/v1/loans/{id}/renew");

    const Json status = body_of(call("GET", "/v1/items/ITEM1", token(Role::kiosk)));
    EXPECT_EQ(status, Json({{"item", loan["item"]},
                            {"due_on", "2026-12-25"},
                            {"holds", 0},
                            {"on_hold_shelf", false}}));

    EXPECT_EQ(call("POST", "/v1/returns", t, Json{{"barcode", "ITEM1"}}).response.status, 204U);
    EXPECT_TRUE(IsProblem(call("POST", "/v1/returns", t, Json{{"barcode", "ITEM1"}}), 404,
                          "not_found", "barcode"));
    EXPECT_EQ(body_of(call("GET", "/v1/items/ITEM1", t))["due_on"], nullptr);
    EXPECT_EQ(body_of(call("GET", fmt::format("/v1/patrons/{}/circulation", id.value), t))["loans"],
              Json::array());
}

TEST_F(HttpCirculation, CheckoutRefusalsAreProblemsAndLendNothing) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const PatronId banned = add_adult(4);
    const std::string t = token(Role::circulation);
    lend(first, "ITEM1");
    add_loan_ban(banned, clock_.today());

    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t, item_body(second, "ITEM1")), 409, "conflict",
                          "barcode"));
    const auto blocked = call("POST", "/v1/loans", t, item_body(banned, "ITEM2"));
    EXPECT_TRUE(IsProblem(blocked, 409, "borrowing_blocked", "patron"));
    EXPECT_EQ(Json::parse(blocked.response.body)["detail"], "may not borrow: loan_ban");
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t, item_body(PatronId{999}, "ITEM3")), 404,
                          "not_found"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t, item_body(second, "bad barcode!")), 422,
                          "invalid_input", "barcode"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans", t, item_body(second, "ITEM4", "Book")), 422,
                          "invalid_input", "material_type"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/loans", token(Role::billing), item_body(second, "ITEM5")), 403,
                  "permission_denied"));
    EXPECT_EQ(rows("loans"), 1);
}

TEST_F(HttpCirculation, ALoanAtItsRenewalLimitIsNotRenewable) {
    add_rule("dvd", "*", 7, 0);
    const PatronId id = add_adult(2);
    const Loan loan = lend(id, "DVD1", "dvd");
    const std::string t = token(Role::circulation);
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/loans/{}/renew", loan.id.value), t), 409,
                          "not_renewable", "loan"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/loans/999/renew", t), 404, "not_found"));
    EXPECT_TRUE(IsProblem(
        call("POST", fmt::format("/v1/loans/{}/renew", loan.id.value), token(Role::billing)), 403,
        "permission_denied"));
}

TEST_F(HttpCirculation, TheRecordAndSummaryShowLoansHoldsAndFees) {
    const PatronId id = add_adult(2);
    lend(id, "ITEM1");
    hold(id, "ITEM2");
    charge(id, 250);
    const std::string path = fmt::format("/v1/patrons/{}/circulation", id.value);

    const Json record = body_of(call("GET", path, token(Role::billing)));
    EXPECT_EQ(record["loans"].size(), 1U);
    EXPECT_EQ(record["holds"].size(), 1U);
    EXPECT_EQ(record["holds"][0]["status"], "placed");
    EXPECT_EQ(record["fees"].size(), 1U);
    EXPECT_EQ(record["fees"][0]["amount_cents"], 250);
    EXPECT_EQ(record["invoices"], Json::array());
    EXPECT_EQ(record["loan_bans"], Json::array());
    EXPECT_EQ(record["messages"], Json::array());

    const auto summary = call("GET", path + "/summary", token(Role::kiosk));
    EXPECT_EQ(body_of(summary), Json({{"loans", 1},
                                      {"overdue_loans", 0},
                                      {"holds_placed", 1},
                                      {"holds_ready", 0},
                                      {"unpaid_fees_cents", 250},
                                      {"open_invoices", 0},
                                      {"open_invoices_cents", 0},
                                      {"loan_ban", false},
                                      {"may_borrow", true},
                                      {"blocks", Json::array()}}));
    EXPECT_EQ(summary.route, "/v1/patrons/{id}/circulation/summary");
    // Kiosks see counts, never the record.
    EXPECT_TRUE(IsProblem(call("GET", path, token(Role::kiosk)), 403, "permission_denied"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/patrons/999/circulation", token(Role::circulation)), 404,
                          "not_found"));
}

TEST_F(HttpCirculation, ItemStatusNamesTheItemOnly) {
    const std::string t = token(Role::circulation);
    EXPECT_TRUE(IsProblem(call("GET", "/v1/items/NOSUCH", t), 404, "not_found", "barcode"));
    EXPECT_TRUE(IsProblem(call("GET", "/v1/items/a%20b", t), 422, "invalid_input", "barcode"));
    lend(add_adult(2), "ITEM-1");
    // The barcode is percent-decoded.
    EXPECT_EQ(body_of(call("GET", "/v1/items/ITEM%2D1", t))["item"]["barcode"], "ITEM-1");
    EXPECT_TRUE(
        IsProblem(call("GET", "/v1/items/ITEM-1", token(Role::billing)), 403, "permission_denied"));
}

TEST_F(HttpCirculation, HoldsArePlacedMadeReadyCancelledAndExpired) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::circulation);
    const Json placed = body_of(call("POST", "/v1/holds", t, item_body(id, "ITEM1")), 201);
    EXPECT_EQ(placed["status"], "placed");
    EXPECT_EQ(placed["pickup_by"], nullptr);
    EXPECT_TRUE(IsProblem(call("POST", "/v1/holds", t, item_body(id, "ITEM1")), 409, "conflict",
                          "barcode"));
    const auto hold_id = placed["id"].get<std::int64_t>();

    const Json ready = body_of(call("POST", fmt::format("/v1/holds/{}/ready", hold_id), t));
    EXPECT_EQ(ready["status"], "ready");
    EXPECT_EQ(ready["pickup_by"], "2026-12-01");
    EXPECT_TRUE(IsProblem(call("POST", fmt::format("/v1/holds/{}/ready", hold_id), t), 409,
                          "conflict", "hold"));
    EXPECT_EQ(call("DELETE", fmt::format("/v1/holds/{}", hold_id), t).response.status, 204U);
    EXPECT_TRUE(IsProblem(call("DELETE", fmt::format("/v1/holds/{}", hold_id), t), 409, "conflict",
                          "hold"));
    EXPECT_TRUE(IsProblem(call("DELETE", "/v1/holds/999", t), 404, "not_found"));

    ready_hold(id, "ITEM2");
    EXPECT_EQ(body_of(call("POST", "/v1/holds/expire", t)), Json({{"expired", 0}}));
    clock_.set_today(days_from_today(8));
    EXPECT_EQ(body_of(call("POST", "/v1/holds/expire", t)), Json({{"expired", 1}}));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/holds", token(Role::kiosk), item_body(id, "ITEM3")),
                          403, "permission_denied"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/holds/expire", token(Role::home_service)), 403,
                          "permission_denied"));
}

}  // namespace
}  // namespace patron::test
