#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "common/patron_json.hpp"
#include "patron/clients/api_clients.hpp"
#include "patron/domain/date.hpp"
#include "patronctl/commands.hpp"

namespace patron::cli {

int clients_add(Session& session, const std::string& name, const std::string& role_name) {
    const auto role = parse_role(role_name);
    if (!role) {
        return refused({ErrorCode::invalid_input, "role",
                        "one of circulation, home_service, kiosk, billing, dpo, admin"});
    }
    ApiClients clients(session.context());
    const auto added = clients.add(session.caller(), name, *role);
    if (!added) return refused(added.error());
    if (session.options().json) {
        std::cout << nlohmann::json{{"name", added->info.name},
                                    {"role", to_string(added->info.role)},
                                    {"token", added->token}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << fmt::format("added client {} with role {}\n", added->info.name,
                                 to_string(added->info.role));
        std::cout << fmt::format("token {}\n", added->token);
        std::cout << "Store the token now: it is shown only this once (only its hash is kept).\n";
    }
    return kOk;
}

int clients_list(Session& session) {
    ApiClients clients(session.context());
    const auto all = clients.list(session.caller());
    if (!all) return refused(all.error());
    if (session.options().json) {
        auto items = nlohmann::json::array();
        for (const auto& c : *all) items.push_back(service::to_json(c));
        std::cout << nlohmann::json{{"clients", items}}.dump(2) << "\n";
        return kOk;
    }
    for (const auto& c : *all) {
        std::cout << fmt::format("{:<24} {:<13} {:<8} created {} by {}, last used {}\n", c.name,
                                 to_string(c.role), c.revoked_at ? "revoked" : "active",
                                 to_iso(c.created_at), c.created_by,
                                 c.last_used_at ? to_iso(*c.last_used_at) : "never");
    }
    return kOk;
}

int clients_revoke(Session& session, const std::string& name) {
    ApiClients clients(session.context());
    if (auto ok = clients.revoke(session.caller(), name); !ok) return refused(ok.error());
    if (session.options().json) {
        std::cout << nlohmann::json{{"name", name}, {"revoked", true}}.dump(2) << "\n";
    } else {
        std::cout << fmt::format("revoked client {}\n", name);
    }
    return kOk;
}

}  // namespace patron::cli
