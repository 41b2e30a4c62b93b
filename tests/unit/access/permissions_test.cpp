// Role and operation names: stable names that round-trip, and nothing else parses.

#include "patron/access/permissions.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "patron/access/role.hpp"

namespace patron {
namespace {

constexpr std::pair<Role, std::string_view> kRoles[] = {
    {Role::circulation, "circulation"},
    {Role::home_service, "home_service"},
    {Role::kiosk, "kiosk"},
    {Role::billing, "billing"},
    {Role::dpo, "dpo"},
    {Role::admin, "admin"},
    {Role::patron, "patron"},
};

constexpr Operation kOperations[] = {
    Operation::register_patron,
    Operation::read_patron,
    Operation::list_patrons,
    Operation::update_contact,
    Operation::record_card_activity,
    Operation::add_guardian,
    Operation::guardian_consent,
    Operation::set_pin,
    Operation::change_pin,
    Operation::verify_pin,
    Operation::set_category,
    Operation::read_circulation,
    Operation::read_summary,
    Operation::checkout,
    Operation::renew,
    Operation::return_item,
    Operation::place_hold,
    Operation::cancel_hold,
    Operation::handle_holds,
    Operation::charge_fee,
    Operation::settle_fee,
    Operation::handle_invoices,
    Operation::handle_loan_bans,
    Operation::send_messages,
    Operation::loan_history_consent,
    Operation::read_loan_history,
    Operation::manage_clients,
    Operation::plan_retention,
    Operation::run_retention,
};

TEST(RoleName, NamesEveryRoleAndParsesTheNameBack) {
    for (const auto& [role, name] : kRoles) {
        EXPECT_EQ(to_string(role), name);
        const auto parsed = parse_role(name);
        ASSERT_TRUE(parsed.has_value()) << name;
        EXPECT_EQ(*parsed, role) << name;
    }
}

TEST(RoleName, GivesDistinctNames) {
    std::set<std::string_view> names;
    for (const auto& [role, name] : kRoles) {
        EXPECT_TRUE(names.insert(to_string(role)).second) << name;
    }
    EXPECT_EQ(names.size(), 7U);
}

TEST(RoleName, RefusesUnknownNames) {
    for (const char* text : {"", "root", "staff", "librarian", "guardian", "kiosks", "admin ",
                             " admin", "ad min", "home-service", "homeservice", "admin\n"}) {
        EXPECT_FALSE(parse_role(text).has_value()) << text;
    }
}

TEST(RoleName, RefusesWrongCase) {
    for (const auto& [role, name] : kRoles) {
        std::string upper(name);
        for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        EXPECT_FALSE(parse_role(upper).has_value()) << upper;
        std::string capitalised(name);
        capitalised[0] = upper[0];
        EXPECT_FALSE(parse_role(capitalised).has_value()) << capitalised;
    }
}

TEST(OperationName, GivesDistinctNonEmptyNames) {
    std::set<std::string_view> names;
    for (const Operation operation : kOperations) {
        const std::string_view name = to_string(operation);
        EXPECT_FALSE(name.empty());
        EXPECT_NE(name.find('.'), std::string_view::npos) << name << ": area.action";
        EXPECT_TRUE(names.insert(name).second) << name << " is used twice";
    }
    EXPECT_EQ(names.size(), std::size(kOperations));
}

TEST(OperationName, NamesTheAuditActionOfReading) {
    EXPECT_EQ(to_string(Operation::read_patron), "patron.read");
}

}  // namespace
}  // namespace patron
