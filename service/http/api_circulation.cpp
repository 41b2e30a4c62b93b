// Circulation routes: a patron's record and summary, item status, loans, returns and holds.

#include "common/patron_json.hpp"
#include "http/exchange.hpp"
#include "http/json_input.hpp"

namespace patron::http {
namespace {

/// The patron and item of a checkout or hold: {patron, barcode, title, material_type}.
struct PatronItem {
    PatronId patron;
    Item item;
};

tl::expected<PatronItem, Problem> patron_item(const Request& request) {
    auto in = JsonReader::of(request);
    if (!in) return refuse(std::move(in.error()));
    std::int64_t patron = 0;
    std::string barcode;
    std::string title;
    std::string material_type;
    in->required_integer("patron", patron);
    in->required_text("barcode", barcode);
    in->required_text("title", title);
    in->required_text("material_type", material_type);
    if (auto p = in->finish()) return refuse(std::move(*p));
    auto item = Item::make(barcode, title, material_type);
    if (!item) return refuse(item.error());
    return PatronItem{PatronId{patron}, std::move(*item)};
}

Reply read_record(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    return answer(ex.services.circulation.record(ex.caller, *id));
}

Reply read_summary(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    return answer(ex.services.circulation.summary(ex.caller, *id));
}

Reply item_status(Exchange& ex) {
    return answer(ex.services.circulation.item_status(ex.caller, ex.param("barcode")));
}

Reply checkout(Exchange& ex) {
    const auto what = patron_item(ex.request);
    if (!what) return refuse(what.error());
    return answer(ex.services.circulation.checkout(ex.caller, what->patron, what->item), 201);
}

Reply renew(Exchange& ex) {
    const auto loan = ex.id<LoanId>("id");
    if (!loan) return refuse(loan.error());
    return answer(ex.services.circulation.renew(ex.caller, *loan));
}

Reply return_item(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::string barcode;
    in->required_text("barcode", barcode);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return done(ex.services.circulation.return_item(ex.caller, barcode));
}

Reply place_hold(Exchange& ex) {
    const auto what = patron_item(ex.request);
    if (!what) return refuse(what.error());
    return answer(ex.services.circulation.place_hold(ex.caller, what->patron, what->item), 201);
}

Reply cancel_hold(Exchange& ex) {
    const auto hold = ex.id<HoldId>("id");
    if (!hold) return refuse(hold.error());
    return done(ex.services.circulation.cancel_hold(ex.caller, *hold));
}

Reply hold_ready(Exchange& ex) {
    const auto hold = ex.id<HoldId>("id");
    if (!hold) return refuse(hold.error());
    return answer(ex.services.circulation.hold_ready(ex.caller, *hold));
}

Reply expire_holds(Exchange& ex) {
    const auto expired = ex.services.circulation.expire_holds(ex.caller);
    if (!expired) return refuse(expired.error());
    return json_response(200, {{"expired", *expired}});
}

constexpr Access B = Access::bearer;

constexpr Route kRoutes[] = {
    {"GET", "/v1/patrons/{id}/circulation", B, "circulation record via API", "", read_record},
    {"GET", "/v1/patrons/{id}/circulation/summary", B, "circulation summary via API", "",
     read_summary},
    {"GET", "/v1/items/{barcode}", B, "item status via API", "", item_status},
    {"POST", "/v1/loans", B, "checkout via API", "", checkout},
    {"POST", "/v1/loans/{id}/renew", B, "renewal via API", "", renew},
    {"POST", "/v1/returns", B, "return via API", "", return_item},
    {"POST", "/v1/holds", B, "hold via API", "", place_hold},
    {"DELETE", "/v1/holds/{id}", B, "hold cancellation via API", "", cancel_hold},
    {"POST", "/v1/holds/{id}/ready", B, "hold pickup via API", "", hold_ready},
    {"POST", "/v1/holds/expire", B, "hold expiry via API", "", expire_holds},
};

}  // namespace

std::span<const Route> circulation_routes() { return kRoutes; }

}  // namespace patron::http
