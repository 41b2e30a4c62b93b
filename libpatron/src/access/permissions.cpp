#include "patron/access/permissions.hpp"

#include "common/enum_names.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 7> kRoleNames{
    "circulation", "home_service", "kiosk", "billing", "dpo", "admin", "patron"};

constexpr Scope N = Scope::none;
constexpr Scope O = Scope::own;
constexpr Scope A = Scope::any;

// Rows: operations in enum order. Columns: circulation, home_service, kiosk, billing, dpo, admin,
// patron. Kiosks verify patrons through the kiosk verifier, never read records; billing reads the
// records it bills; the DPO reads and lists to answer subject requests but changes nothing; a
// patron reads and updates contact data of their own record and changes their own PIN (with the
// old one). Staff set PINs but never learn them.
constexpr std::array<std::array<Scope, 7>, 10> kTable{{
    /* register_patron      */ {A, N, N, N, N, A, N},
    /* read_patron          */ {A, A, N, A, A, A, O},
    /* list_patrons         */ {A, N, N, N, A, A, N},
    /* update_contact       */ {A, A, N, N, N, A, O},
    /* record_card_activity */ {A, N, A, N, N, A, N},
    /* add_guardian         */ {A, N, N, N, N, A, N},
    /* guardian_consent     */ {A, N, N, N, N, A, N},
    /* set_pin              */ {A, N, N, N, N, A, N},
    /* change_pin           */ {N, N, N, N, N, N, O},
    /* verify_pin           */ {N, N, A, N, N, A, N},
}};

constexpr std::array<std::string_view, 10> kOperationNames{"patron.register",
                                                           "patron.read",
                                                           "patron.list",
                                                           "patron.update_contact",
                                                           "patron.card_activity",
                                                           "patron.add_guardian",
                                                           "patron.guardian_consent",
                                                           "pin.set",
                                                           "pin.change",
                                                           "kiosk.verify"};

}  // namespace

std::string_view to_string(Role role) noexcept { return detail::name_of(kRoleNames, role); }

std::optional<Role> parse_role(std::string_view text) noexcept {
    return detail::parse_name<Role>(kRoleNames, text);
}

Scope permitted_scope(Role role, Operation operation) noexcept {
    return kTable[static_cast<std::size_t>(operation)][static_cast<std::size_t>(role)];
}

std::string_view to_string(Operation operation) noexcept {
    return detail::name_of(kOperationNames, operation);
}

}  // namespace patron
