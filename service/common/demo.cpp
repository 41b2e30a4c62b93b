#include "common/demo.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "patron/circulation/circulation.hpp"
#include "patron/domain/date.hpp"
#include "patron/domain/hetu.hpp"
#include "patron/exception.hpp"
#include "patron/pg/database.hpp"
#include "patron/pg/migrations.hpp"
#include "patron/pin/pin_service.hpp"
#include "patron/register/register.hpp"

namespace patron::service {
namespace {

// The Digital and Population Data Services Agency's published example code.
constexpr const char* kAdultHetu = "131052-308T";
template <class T>
T must(Result<T> result) {
    if (!result) {
        throw Exception(
            fmt::format("demo data refused: {}: {}", result.error().field, result.error().message));
    }
    return std::move(*result);
}

// The child is 8 today, whenever the demo runs, so it stays a ward under 15.
std::string child_hetu(Date today) {
    const Date birth = birthday(today, -8);
    const auto code = PersonalIdentityCode::make(birth, 350, today);
    if (!code) throw Exception("demo identity code could not be composed");
    return code->text();
}

Item demo_item(const char* barcode, const char* title, const char* material_type) {
    auto item = Item::make(barcode, title, material_type);
    if (!item) throw Exception("demo item refused: " + item.error().message);
    return std::move(*item);
}

// Two loans, a hold and a fee for the adult, so `patron summary` has something to show.
void lend(Circulation& circulation, const Caller& caller, PatronId adult) {
    must(circulation.checkout(caller, adult, demo_item("DEMO-1001", "Seitsemän veljestä", "book")));
    must(circulation.checkout(caller, adult, demo_item("DEMO-1002", "Muumipappa ja meri", "book")));
    must(
        circulation.place_hold(caller, adult, demo_item("DEMO-2001", "Tuntematon sotilas", "dvd")));
    must(circulation.charge_fee(caller, adult, FeeKind::overdue, 150, "late return"));
}

void load(Register& reg, PinService& pins, Circulation& circulation, const Caller& caller,
          Date today) {
    PatronForm adult;
    adult.hetu = kAdultHetu;
    adult.surname = "Esimerkki";
    adult.given_names = "Aino Maria";
    adult.street_address = "Kirjastokatu 1 A 2";
    adult.postal_code = "55100";
    adult.post_office = "Imatra";
    adult.email = "aino.esimerkki@example.fi";
    adult.phones = {"040 000 0001"};
    adult.card_number = std::string(kDemoCards[0]);
    adult.home_library = "Imatra main library";
    adult.mother_tongue = "fi";
    adult.gender = "female";
    adult.due_date_reminder = "email";
    adult.overdue_notice = "sms";
    adult.hold_ready = "sms";
    const PatronId adult_id = must(reg.register_patron(caller, adult));

    PatronForm child;
    child.hetu = child_hetu(today);
    child.surname = "Esimerkki";
    child.given_names = "Eino";
    child.card_number = std::string(kDemoCards[1]);
    child.home_library = "Imatra main library";
    child.mother_tongue = "fi";
    child.guardian = adult_id;
    child.guardian_consent = true;
    const PatronId child_id = must(reg.register_patron(caller, child));

    PatronForm school;
    school.kind = "organisation";
    school.organisation_name = "Esimerkin koulu";
    school.street_address = "Koulutie 5";
    school.postal_code = "55120";
    school.post_office = "Imatra";
    school.email = "kirjasto@esimerkinkoulu.example.fi";
    school.card_number = std::string(kDemoCards[2]);
    school.home_library = "Imatra main library";
    school.mother_tongue = "fi";
    school.due_date_reminder = "email";
    school.responsible_person = adult_id;
    must(reg.register_patron(caller, school));

    for (const PatronId id : {adult_id, child_id}) {
        if (auto ok = pins.set_pin(caller, id, std::string(kDemoPin)); !ok) {
            throw Exception("demo PIN refused: " + ok.error().message);
        }
    }
    lend(circulation, caller, adult_id);
}

}  // namespace

void prepare_demo(const Config& config, const std::string& url, std::ostream& report) {
    report << (config.database_url ? fmt::format("database: {}\n", pg::redact_url(url))
                                   : fmt::format("database: embedded PostgreSQL in {}\n",
                                                 config.embedded_dir().string()));
    for (int version : pg::migrate(url)) {
        report << fmt::format("applied migration {:04}\n", version);
    }
    if (!std::filesystem::exists(config.key_file)) {
        KeyRing::create_file(config.key_file);
        report << fmt::format("created key file {} (mode 0600)\n", config.key_file.string());
    }
}

bool load_demo_register(const Context& context, const Config& config, const Caller& caller) {
    Register reg(context);
    const auto existing = reg.find_by_card(caller, kDemoCards[0]);
    if (existing) return false;
    if (existing.error().code != ErrorCode::not_found) {
        throw Exception("demo register cannot be read: " + existing.error().message);
    }
    PinService pins(context, config.pin);
    Circulation circulation(context, config.circulation);
    load(reg, pins, circulation, caller, context.clock.today());
    return true;
}

}  // namespace patron::service
