#include <fmt/format.h>

#include <iostream>

#include "common/demo.hpp"
#include "common/patron_json.hpp"
#include "patron/register/register.hpp"
#include "patronctl/commands.hpp"
#include "patronctl/render.hpp"

namespace patron::cli {

int demo(Session& session) {
    const auto& config = session.config();
    service::prepare_demo(config, session.database_url(), std::cerr);

    const Caller caller = session.caller();
    const Date today = session.clock().today();
    if (service::load_demo_register(session.context(), config, caller)) {
        std::cerr << "loaded the demo register\n";
    }
    Register reg(session.context());

    nlohmann::json all = nlohmann::json::array();
    for (const std::string_view card : service::kDemoCards) {
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
