// Routes of the people and systems behind the API rather than of patrons' records: web-library
// login and logout, the session patron's own view, kiosk verification, and API clients.

#include "http/exchange.hpp"
#include "http/json_input.hpp"
#include "patron/domain/date.hpp"

namespace patron::http {
namespace {

/// Card number and PIN of a login or a kiosk verification.
struct Credentials {
    std::string card_number;
    SecretBytes pin;
};

tl::expected<Credentials, Problem> credentials(const Request& request) {
    auto in = JsonReader::of(request);
    if (!in) return refuse(std::move(in.error()));
    Credentials out;
    in->required_text("card_number", out.card_number);
    in->required_secret("pin", out.pin);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return out;
}

Problem throttled(const KioskAnswer& answer) {
    Problem p = problem(Fault::throttled);
    const auto seconds = answer.retry_after.value_or(std::chrono::seconds(1)).count();
    p.extensions["retry_after_seconds"] = seconds;
    p.headers.emplace_back("Retry-After", std::to_string(seconds));
    return p;
}

// A failed login. Wrong PIN, unknown card and a card without a PIN get one identical answer, so
// the web cannot be used to find out which card numbers exist. A lock is told apart (with its
// end), so the patron stops retrying; throttling is the client's, not the card's.
Problem login_refused(const KioskAnswer& answer) {
    if (answer.outcome == VerifyOutcome::throttled) return throttled(answer);
    if (answer.locked_until) {
        Problem p = problem(Error{ErrorCode::card_locked, "",
                                  "the card is locked for a while "
                                  "after too many wrong PINs"});
        p.extensions["locked_until"] = to_iso(*answer.locked_until);
        return p;
    }
    return problem(Error{ErrorCode::wrong_pin, "", "the card number or PIN is wrong"});
}

Reply login(Exchange& ex) {
    const auto given = credentials(ex.request);
    if (!given) return refuse(given.error());
    // patrond carries the attempt as a kiosk of its own per remote address, so the verifier's
    // per-kiosk failure limit throttles each guessing client without locking out the others.
    const Caller gateway{
        "web@" + (ex.request.remote_address.empty() ? "unknown" : ex.request.remote_address),
        Role::kiosk, "web library login", std::nullopt};
    const auto login = ex.services.sessions.login(gateway, given->card_number, text_of(given->pin));
    if (!login) return refuse(login.error());
    ex.metrics.record_verification(service::Transport::http, login->answer);
    if (!login->session) return refuse(login_refused(login->answer));
    return json_response(201, {{"token", login->session->token},
                               {"expires_at", to_iso(login->session->expires_at)}});
}

Reply logout(Exchange& ex) {
    if (!ex.token.starts_with("ps_")) {
        return refuse(Error{ErrorCode::permission_denied, "",
                            "only a web-library session can be ended here"});
    }
    (void)ex.services.sessions.logout(ex.token);
    return no_content();
}

// The patron's own record and those they act for (wards under 15), each of which they then
// reach through the same /v1/patrons/{id}/... routes as staff.
Reply me(Exchange& ex) {
    if (!ex.caller.self) {
        return refuse(Error{ErrorCode::permission_denied, "",
                            "only a web-library session acts for a patron"});
    }
    const auto patron = ex.services.patrons.find_by_id(ex.caller, *ex.caller.self);
    if (!patron) return refuse(patron.error());
    auto acts_for = nlohmann::json::array();
    for (const PatronId ward : patron->wards) {
        const auto record = ex.services.patrons.find_by_id(ex.caller, ward);
        // A ward who turned 15 since the record was read is no longer theirs to see.
        if (!record) continue;
        acts_for.push_back({{"id", ward.value},
                            {"kind", to_string(record->kind)},
                            {"name", record->display_name()},
                            {"relation", "ward"}});
    }
    return json_response(200,
                         {{"patron", service::to_json(*patron, ex.services.context.clock.today())},
                          {"acts_for", acts_for}});
}

// A kiosk's verification. Throttling is a 429 problem with Retry-After (HTTP clients back off on
// it by themselves); every other outcome is an answer with 200.
Reply kiosk_verify(Exchange& ex) {
    const auto given = credentials(ex.request);
    if (!given) return refuse(given.error());
    const auto answer =
        ex.services.kiosk.verify(ex.caller, given->card_number, text_of(given->pin));
    if (!answer) return refuse(answer.error());
    ex.metrics.record_verification(service::Transport::http, *answer);
    if (answer->outcome == VerifyOutcome::throttled) return refuse(throttled(*answer));
    return json_response(200, service::to_json(*answer));
}

Reply list_clients(Exchange& ex) {
    const auto clients = ex.services.clients.list(ex.caller);
    if (!clients) return refuse(clients.error());
    auto items = nlohmann::json::array();
    for (const auto& client : *clients) items.push_back(service::to_json(client));
    return json_response(200, {{"clients", items}});
}

Reply add_client(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::string name;
    std::string role_name;
    in->required_text("name", name);
    in->required_text("role", role_name);
    if (auto p = in->finish()) return refuse(std::move(*p));
    const auto role = parse_role(role_name);
    if (!role) {
        return refuse(Error{ErrorCode::invalid_input, "role",
                            "must be circulation, home_service, kiosk, billing, dpo or admin"});
    }
    const auto added = ex.services.clients.add(ex.caller, name, *role);
    if (!added) return refuse(added.error());
    nlohmann::json body = service::to_json(added->info);
    body["token"] = added->token;
    return json_response(201, body);
}

Reply revoke_client(Exchange& ex) {
    return done(ex.services.clients.revoke(ex.caller, ex.param("name")));
}

constexpr Access B = Access::bearer;

constexpr Route kRoutes[] = {
    {"POST", "/v1/sessions", Access::anonymous, "", "", login},
    {"DELETE", "/v1/sessions/current", B, "web library logout", "", logout},
    {"GET", "/v1/me", B, "self-service via API", "", me},
    {"POST", "/v1/kiosk/verify", B, "kiosk verification via API", "", kiosk_verify},
    {"GET", "/v1/clients", B, "API client management via API", "", list_clients},
    {"POST", "/v1/clients", B, "API client management via API", "", add_client},
    {"DELETE", "/v1/clients/{name}", B, "API client management via API", "", revoke_client},
};

}  // namespace

std::span<const Route> self_routes() { return kRoutes; }

}  // namespace patron::http
