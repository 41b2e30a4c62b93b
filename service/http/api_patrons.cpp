// Patron routes: registering, reading, listing and looking up records, contact data, category,
// card activity, guardians, PINs, and loan-history consent and history. Identity codes and card
// numbers arrive only in bodies, never in URLs (URLs end up in logs and browser histories).

#include <algorithm>

#include "common/patron_json.hpp"
#include "http/exchange.hpp"
#include "http/json_input.hpp"

namespace patron::http {
namespace {

constexpr std::int64_t kDefaultPageSize = 100;
// One more than a page is read to know whether another follows, within Register::list's 1000.
constexpr std::int64_t kMaxPageSize = 500;

Reply record_of(const Exchange& ex, const Result<Patron>& patron) {
    if (!patron) return refuse(patron.error());
    return json_response(200, service::to_json(*patron, ex.services.context.clock.today()));
}

Reply register_patron(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    PatronForm form;
    std::optional<std::int64_t> guardian;
    std::optional<std::int64_t> responsible;
    std::optional<SecretBytes> hetu;
    in->text("kind", form.kind);
    in->secret("hetu", hetu);
    in->text("surname", form.surname);
    in->text("given_names", form.given_names);
    in->text("organisation_name", form.organisation_name);
    in->text("street_address", form.street_address);
    in->text("postal_code", form.postal_code);
    in->text("post_office", form.post_office);
    in->text("country", form.country);
    in->text("email", form.email);
    in->texts("phones", form.phones);
    in->text("card_number", form.card_number);
    in->text("card_expires_on", form.card_expires_on);
    in->text("home_library", form.home_library);
    in->text("category", form.category);
    in->text("mother_tongue", form.mother_tongue);
    in->text("gender", form.gender);
    in->text("due_date_reminder", form.due_date_reminder);
    in->text("overdue_notice", form.overdue_notice);
    in->text("hold_ready", form.hold_ready);
    in->integer("guardian", guardian);
    in->flag("guardian_consent", form.guardian_consent);
    in->integer("responsible_person", responsible);
    if (auto p = in->finish()) return refuse(std::move(*p));
    if (hetu) form.hetu = std::string(text_of(*hetu));
    if (guardian) form.guardian = PatronId{*guardian};
    if (responsible) form.responsible_person = PatronId{*responsible};

    const auto id = ex.services.patrons.register_patron(ex.caller, form);
    // The form's copy of the identity code goes as soon as it is registered.
    std::fill(form.hetu.begin(), form.hetu.end(), '\0');
    if (!id) return refuse(id.error());
    Response response = json_response(201, {{"id", id->value}});
    response.headers.emplace_back("Location", "/v1/patrons/" + std::to_string(id->value));
    return response;
}

Reply list_patrons(Exchange& ex) {
    const auto after = ex.query_integer("after");
    if (!after) return refuse(after.error());
    const auto limit = ex.query_integer("limit");
    if (!limit) return refuse(limit.error());
    const std::int64_t from = after->value_or(0);
    const std::int64_t size = limit->value_or(kDefaultPageSize);
    if (from < 0) return refuse(Error{ErrorCode::invalid_input, "after", "must not be negative"});
    if (size < 1 || size > kMaxPageSize) {
        return refuse(Error{ErrorCode::invalid_input, "limit", "must be 1-500"});
    }
    auto page =
        ex.services.patrons.list(ex.caller, PatronId{from}, static_cast<std::size_t>(size) + 1);
    if (!page) return refuse(page.error());
    nlohmann::json next = nullptr;
    if (page->size() > static_cast<std::size_t>(size)) {
        page->pop_back();
        next = page->back().id.value;
    }
    auto patrons = nlohmann::json::array();
    for (const auto& summary : *page) patrons.push_back(service::to_json(summary));
    return json_response(200, {{"patrons", patrons}, {"next", next}});
}

Reply lookup(Exchange& ex) {
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::optional<std::string> card;
    std::optional<SecretBytes> hetu;
    in->text("card_number", card);
    in->secret("hetu", hetu);
    if (auto p = in->finish()) return refuse(std::move(*p));
    if (card.has_value() == hetu.has_value()) {
        return refuse(
            Error{ErrorCode::invalid_input, "card_number", "give either card_number or hetu"});
    }
    if (card) return record_of(ex, ex.services.patrons.find_by_card(ex.caller, *card));
    return record_of(ex, ex.services.patrons.find_by_hetu(ex.caller, text_of(*hetu)));
}

Reply read_patron(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    return record_of(ex, ex.services.patrons.find_by_id(ex.caller, *id));
}

Reply update_contact(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    ContactForm change;
    in->text("street_address", change.street_address);
    in->text("postal_code", change.postal_code);
    in->text("post_office", change.post_office);
    in->text("country", change.country);
    in->text("email", change.email);
    in->texts("phones", change.phones);
    in->text("due_date_reminder", change.due_date_reminder);
    in->text("overdue_notice", change.overdue_notice);
    in->text("hold_ready", change.hold_ready);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return record_of(ex, ex.services.patrons.update_contact(ex.caller, *id, change));
}

Reply set_category(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::string category;
    in->required_text("category", category);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return done(ex.services.patrons.set_category(ex.caller, *id, category));
}

Reply card_activity(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    auto in = JsonReader::of(ex.request, true);
    if (!in) return refuse(std::move(in.error()));
    std::optional<Date> on;
    in->date("date", on);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return done(ex.services.patrons.record_card_activity(
        ex.caller, *id, on.value_or(ex.services.context.clock.today())));
}

Reply add_guardian(Exchange& ex) {
    const auto ward = ex.id<PatronId>("id");
    if (!ward) return refuse(ward.error());
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    std::int64_t guardian = 0;
    in->required_integer("guardian", guardian);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return done(ex.services.patrons.add_guardian(ex.caller, *ward, PatronId{guardian}));
}

Reply guardian_consent(Exchange& ex) {
    const auto ward = ex.id<PatronId>("id");
    if (!ward) return refuse(ward.error());
    const auto guardian = ex.id<PatronId>("guardian");
    if (!guardian) return refuse(guardian.error());
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    bool consent = false;
    in->required_flag("consent", consent);
    if (auto p = in->finish()) return refuse(std::move(*p));
    return done(ex.services.patrons.set_guardian_consent(ex.caller, *ward, *guardian, consent));
}

// Staff set a PIN with {"pin"}; a patron (or guardian) changes it with {"old_pin", "pin"}.
Reply put_pin(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    auto in = JsonReader::of(ex.request);
    if (!in) return refuse(std::move(in.error()));
    SecretBytes pin;
    std::optional<SecretBytes> old_pin;
    in->required_secret("pin", pin);
    in->secret("old_pin", old_pin);
    if (auto p = in->finish()) return refuse(std::move(*p));
    if (!old_pin) return done(ex.services.pins.set_pin(ex.caller, *id, text_of(pin)));
    return done(ex.services.pins.change_pin(ex.caller, *id, text_of(*old_pin), text_of(pin)));
}

Reply read_loan_history(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    const auto history = ex.services.loan_history.read(ex.caller, *id);
    if (!history) return refuse(history.error());
    return json_response(200, service::to_json(*history));
}

Reply grant_loan_history(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    auto in = JsonReader::of(ex.request, true);
    if (!in) return refuse(std::move(in.error()));
    // A patron's own consent is electronic; staff say how the patron gave it.
    std::string method = ex.caller.role == Role::patron ? "electronic" : "";
    if (ex.caller.role == Role::patron) {
        in->text("method", method);
    } else {
        in->required_text("method", method);
    }
    if (auto p = in->finish()) return refuse(std::move(*p));
    const auto parsed = parse_consent_method(method);
    if (!parsed) {
        return refuse(
            Error{ErrorCode::invalid_input, "method", "must be written, verbal or electronic"});
    }
    return done(ex.services.loan_history.grant_consent(ex.caller, *id, *parsed));
}

Reply withdraw_loan_history(Exchange& ex) {
    const auto id = ex.id<PatronId>("id");
    if (!id) return refuse(id.error());
    const auto deleted = ex.services.loan_history.withdraw_consent(ex.caller, *id);
    if (!deleted) return refuse(deleted.error());
    return json_response(200, {{"deleted_entries", *deleted}});
}

constexpr Access B = Access::bearer;

constexpr Route kRoutes[] = {
    {"POST", "/v1/patrons", B, "patron registration via API", "", register_patron},
    {"GET", "/v1/patrons", B, "patron listing via API", "after limit", list_patrons},
    {"POST", "/v1/patrons/lookup", B, "patron lookup via API", "", lookup},
    {"GET", "/v1/patrons/{id}", B, "patron record via API", "", read_patron},
    {"PATCH", "/v1/patrons/{id}/contact", B, "contact data update via API", "", update_contact},
    {"PUT", "/v1/patrons/{id}/category", B, "patron category via API", "", set_category},
    {"POST", "/v1/patrons/{id}/card-activity", B, "card activity via API", "", card_activity},
    {"POST", "/v1/patrons/{id}/guardians", B, "guardianship via API", "", add_guardian},
    {"PUT", "/v1/patrons/{id}/guardians/{guardian}/consent", B, "guardian consent via API", "",
     guardian_consent},
    {"PUT", "/v1/patrons/{id}/pin", B, "PIN via API", "", put_pin},
    {"GET", "/v1/patrons/{id}/loan-history", B, "loan history via API", "", read_loan_history},
    {"POST", "/v1/patrons/{id}/loan-history/consent", B, "loan-history consent via API", "",
     grant_loan_history},
    {"DELETE", "/v1/patrons/{id}/loan-history/consent", B, "loan-history consent via API", "",
     withdraw_loan_history},
};

}  // namespace

std::span<const Route> patron_routes() { return kRoutes; }

}  // namespace patron::http
