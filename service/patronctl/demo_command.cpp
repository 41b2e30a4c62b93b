#include <fmt/format.h>

#include <iostream>

#include "common/patron_json.hpp"
#include "patron/circulation/circulation.hpp"
#include "patron/domain/date.hpp"
#include "patron/exception.hpp"
#include "patron/pg/database.hpp"
#include "patron/pg/migrations.hpp"
#include "patron/pin/pin_service.hpp"
#include "patron/register/register.hpp"
#include "patronctl/commands.hpp"
#include "patronctl/render.hpp"

namespace patron::cli {
namespace {

constexpr const char* kAdultCard = "DEMO0001";
constexpr const char* kChildCard = "DEMO0002";
constexpr const char* kSchoolCard = "DEMO0003";

// The Digital and Population Data Services Agency's published example code.
constexpr const char* kAdultHetu = "131052-308T";
// The demo patrons' PIN, documented in the README; demo data only.
constexpr const char* kDemoPin = "2580";

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
    adult.card_number = kAdultCard;
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
    child.card_number = kChildCard;
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
    school.card_number = kSchoolCard;
    school.home_library = "Imatra main library";
    school.mother_tongue = "fi";
    school.due_date_reminder = "email";
    school.responsible_person = adult_id;
    must(reg.register_patron(caller, school));

    for (const PatronId id : {adult_id, child_id}) {
        if (auto ok = pins.set_pin(caller, id, kDemoPin); !ok) {
            throw Exception("demo PIN refused: " + ok.error().message);
        }
    }
    lend(circulation, caller, adult_id);
}

}  // namespace

int demo(Session& session) {
    const auto& config = session.config();
    const std::string& url = session.database_url();
    std::cerr << (config.database_url ? fmt::format("database: {}\n", pg::redact_url(url))
                                      : fmt::format("database: embedded PostgreSQL in {}\n",
                                                    config.embedded_dir().string()));
    for (int version : pg::migrate(url)) {
        std::cerr << fmt::format("applied migration {:04}\n", version);
    }
    if (!std::filesystem::exists(config.key_file)) {
        KeyRing::create_file(config.key_file);
        std::cerr << fmt::format("created key file {} (mode 0600)\n", config.key_file.string());
    }

    Register reg(session.context());
    const Caller caller = session.caller();
    const Date today = session.clock().today();
    if (auto existing = reg.find_by_card(caller, kAdultCard); !existing) {
        if (existing.error().code != ErrorCode::not_found) return refused(existing.error());
        PinService pins(session.context(), session.config().pin);
        Circulation circulation(session.context(), session.config().circulation);
        load(reg, pins, circulation, caller, today);
        std::cerr << "loaded the demo register\n";
    }

    nlohmann::json all = nlohmann::json::array();
    for (const char* card : {kAdultCard, kChildCard, kSchoolCard}) {
        const auto patron = reg.find_by_card(caller, card);
        if (!patron) return refused(patron.error());
        if (session.options().json) {
            all.push_back(service::to_json(*patron, today));
        } else {
            print_patron(std::cout, *patron, today);
            std::cout << "\n";
        }
    }
    if (session.options().json) std::cout << all.dump(2) << "\n";
    return kOk;
}

}  // namespace patron::cli
