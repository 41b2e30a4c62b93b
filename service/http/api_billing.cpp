// Billing and notice routes: fees, invoices, loan bans, and the message outbox.

#include "http/exchange.hpp"
#include "http/json_input.hpp"

namespace patron::http {
namespace {

constexpr std::int64_t kDefaultClaim = 100;

Reply charge_fee(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::int64_t patron = 0;
    std::string kind;
    std::int64_t amount = 0;
    std::string description;
    std::optional<std::string> barcode;
    in->required_integer("patron", patron);
    in->required_text("kind", kind);
    in->required_integer("amount_cents", amount);
    in->text("description", description);
    in->text("barcode", barcode);
    if (auto p = in->finish()) return refuse(std::move(*p));
    const auto fee_kind = parse_fee_kind(kind);
    if (!fee_kind) {
        return refuse(Error{ErrorCode::invalid_input, "kind",
                            "must be overdue, lost, damaged, hold_not_picked_up or other"});
    }
    return answer(ex.services.circulation.charge_fee(ex.caller, PatronId{patron}, *fee_kind, amount,
                                                     description, barcode),
                  201);
}

Reply pay_fee(Exchange& ex) {
    const auto fee = ex.id<FeeId>("id");
    if (!fee) return refuse(fee.error());
    return done(ex.services.circulation.pay_fee(ex.caller, *fee));
}

Reply cancel_fee(Exchange& ex) {
    const auto fee = ex.id<FeeId>("id");
    if (!fee) return refuse(fee.error());
    return done(ex.services.circulation.cancel_fee(ex.caller, *fee));
}

Reply create_invoice(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::int64_t patron = 0;
    in->required_integer("patron", patron);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return answer(ex.services.circulation.create_invoice(ex.caller, PatronId{patron}), 201);
}

Reply pay_invoice(Exchange& ex) {
    const auto invoice = ex.id<InvoiceId>("id");
    if (!invoice) return refuse(invoice.error());
    return done(ex.services.circulation.pay_invoice(ex.caller, *invoice));
}

Reply cancel_invoice(Exchange& ex) {
    const auto invoice = ex.id<InvoiceId>("id");
    if (!invoice) return refuse(invoice.error());
    return done(ex.services.circulation.cancel_invoice(ex.caller, *invoice));
}

Reply set_loan_ban(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::int64_t patron = 0;
    std::string reason;
    std::optional<Date> starts_on;
    std::optional<Date> ends_on;
    in->required_integer("patron", patron);
    in->required_text("reason", reason);
    in->date("starts_on", starts_on);
    in->date("ends_on", ends_on);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return answer(ex.services.circulation.set_loan_ban(
                      ex.caller, PatronId{patron}, reason,
                      starts_on.value_or(ex.services.context.clock.today()), ends_on),
                  201);
}

Reply lift_loan_ban(Exchange& ex) {
    const auto ban = ex.id<LoanBanId>("id");
    if (!ban) return refuse(ban.error());
    return done(ex.services.circulation.lift_loan_ban(ex.caller, *ban));
}

Reply generate_messages(Exchange& ex) {
    const auto generated = ex.services.messages.generate(ex.caller);
    if (!generated) return refuse(generated.error());
    return json_response(200, {{"generated", *generated}});
}

Reply claim_messages(Exchange& ex) {
    auto in = JsonReader::of(ex.request, true);
    if (!in) return refuse(std::move(in.error()));
    std::optional<std::int64_t> limit;
    in->integer("limit", limit);
    if (auto p = in->finish()) return refuse(std::move(*p));
    const std::int64_t size = limit.value_or(kDefaultClaim);
    // MessageOutbox::claim checks the range; a negative number must not wrap into it.
    const auto claimed =
        ex.services.messages.claim(ex.caller, size < 0 ? 0 : static_cast<std::size_t>(size));
    if (!claimed) return refuse(claimed.error());
    auto messages = nlohmann::json::array();
    for (const auto& message : *claimed) messages.push_back(service::to_json(message));
    return json_response(200, {{"messages", messages}});
}

Reply message_sent(Exchange& ex) {
    const auto message = ex.id<MessageId>("id");
    if (!message) return refuse(message.error());
    return done(ex.services.messages.mark_sent(ex.caller, *message));
}

Reply message_failed(Exchange& ex) {
    const auto message = ex.id<MessageId>("id");
    if (!message) return refuse(message.error());
    return done(ex.services.messages.mark_failed(ex.caller, *message));
}

constexpr Access B = Access::bearer;

constexpr Route kRoutes[] = {
    {"POST", "/v1/fees", B, "fee via API", "", charge_fee},
    {"POST", "/v1/fees/{id}/pay", B, "fee payment via API", "", pay_fee},
    {"POST", "/v1/fees/{id}/cancel", B, "fee cancellation via API", "", cancel_fee},
    {"POST", "/v1/invoices", B, "invoicing via API", "", create_invoice},
    {"POST", "/v1/invoices/{id}/pay", B, "invoice payment via API", "", pay_invoice},
    {"POST", "/v1/invoices/{id}/cancel", B, "invoice cancellation via API", "", cancel_invoice},
    {"POST", "/v1/loan-bans", B, "loan ban via API", "", set_loan_ban},
    {"POST", "/v1/loan-bans/{id}/lift", B, "loan ban lifting via API", "", lift_loan_ban},
    {"POST", "/v1/messages/generate", B, "notice generation via API", "", generate_messages},
    {"POST", "/v1/messages/claim", B, "notice delivery via API", "", claim_messages},
    {"POST", "/v1/messages/{id}/sent", B, "notice delivery via API", "", message_sent},
    {"POST", "/v1/messages/{id}/failed", B, "notice delivery via API", "", message_failed},
};

}  // namespace

std::span<const Route> billing_routes() { return kRoutes; }

}  // namespace patron::http
