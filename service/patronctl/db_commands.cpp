#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "patron/domain/date.hpp"
#include "patron/pg/migrations.hpp"
#include "patronctl/commands.hpp"

namespace patron::cli {

int db_migrate(Session& session) {
    const auto applied = pg::migrate(session.database_url());
    if (session.options().json) {
        std::cout << nlohmann::json{{"applied", applied}, {"version", pg::known_schema_version()}}
                  << "\n";
    } else if (applied.empty()) {
        std::cout << fmt::format("schema is up to date (version {})\n", pg::known_schema_version());
    } else {
        for (int version : applied) std::cout << fmt::format("applied migration {:04}\n", version);
        std::cout << fmt::format("schema is at version {}\n", pg::known_schema_version());
    }
    return kOk;
}

int db_status(Session& session) {
    const auto status = pg::schema_status(session.database_url());
    if (session.options().json) {
        auto migrations = nlohmann::json::array();
        for (const auto& m : status.migrations) {
            migrations.push_back(
                {{"version", m.version},
                 {"name", m.name},
                 {"applied_at",
                  m.applied_at ? nlohmann::json(to_iso(*m.applied_at)) : nlohmann::json(nullptr)}});
        }
        std::cout << nlohmann::json{{"database_version", status.database_version},
                                    {"known_version", status.known_version},
                                    {"up_to_date", status.up_to_date()},
                                    {"migrations", migrations}}
                  << "\n";
    } else {
        for (const auto& m : status.migrations) {
            std::cout << fmt::format("{:04}  {:<24}  {}\n", m.version, m.name,
                                     m.applied_at ? "applied " + to_iso(*m.applied_at) : "pending");
        }
        if (status.newer_than_known()) {
            std::cout << fmt::format(
                "database is at version {}, newer than this patronctl knows ({}): upgrade patron\n",
                status.database_version, status.known_version);
        } else {
            std::cout << fmt::format("database is at version {} of {}{}\n", status.database_version,
                                     status.known_version,
                                     status.up_to_date() ? "" : ": run `patronctl db migrate`");
        }
    }
    return status.up_to_date() ? kOk : kRefused;
}

}  // namespace patron::cli
