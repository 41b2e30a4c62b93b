#include "patron/access/permissions.hpp"

#include "common/enum_names.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 7> kRoleNames{
    "circulation", "home_service", "kiosk", "billing", "dpo", "admin", "patron"};

constexpr Scope N = Scope::none;
constexpr Scope S = Scope::self;
constexpr Scope O = Scope::own;
constexpr Scope A = Scope::any;

// Rows: operations in enum order. Columns: circulation, home_service, kiosk, billing, dpo, admin,
// patron. Kiosks verify patrons, read circulation counts and lend and take back items (self-
// checkout), never read records; billing reads the records it bills and handles fees and
// invoices; the DPO reads to answer subject requests but changes nothing; a patron (and a
// guardian or responsible person for those they act for) reads, updates contact data, renews,
// places and cancels holds and changes the PIN with the old one. Staff set PINs but never learn
// them. Loan history is for home-service staff and the patron alone: not a guardian, not the
// DPO, not an administrator. API clients and their tokens are the administrator's alone. The DPO
// reviews what retention would purge; the administrator's scheduled job purges it.
constexpr std::array<std::array<Scope, 7>, 29> kTable{{
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
    /* set_category         */ {A, A, N, N, N, A, N},
    /* read_circulation     */ {A, A, N, A, A, A, O},
    /* read_summary         */ {A, A, A, A, A, A, O},
    /* checkout             */ {A, A, A, N, N, A, N},
    /* renew                */ {A, A, A, N, N, A, O},
    /* return_item          */ {A, A, A, N, N, A, N},
    /* place_hold           */ {A, A, N, N, N, A, O},
    /* cancel_hold          */ {A, A, N, N, N, A, O},
    /* handle_holds         */ {A, N, N, N, N, A, N},
    /* charge_fee           */ {A, N, N, A, N, A, N},
    /* settle_fee           */ {A, N, N, A, N, A, N},
    /* handle_invoices      */ {N, N, N, A, N, A, N},
    /* handle_loan_bans     */ {A, N, N, N, N, A, N},
    /* send_messages        */ {A, N, N, N, N, A, N},
    /* loan_history_consent */ {N, A, N, N, N, N, S},
    /* read_loan_history    */ {N, A, N, N, N, N, S},
    /* manage_clients       */ {N, N, N, N, N, A, N},
    /* plan_retention       */ {N, N, N, N, A, A, N},
    /* run_retention        */ {N, N, N, N, N, A, N},
}};

constexpr std::array<std::string_view, 29> kOperationNames{"patron.register",
                                                           "patron.read",
                                                           "patron.list",
                                                           "patron.update_contact",
                                                           "patron.card_activity",
                                                           "patron.add_guardian",
                                                           "patron.guardian_consent",
                                                           "pin.set",
                                                           "pin.change",
                                                           "kiosk.verify",
                                                           "patron.set_category",
                                                           "circulation.read",
                                                           "circulation.summary",
                                                           "loan.checkout",
                                                           "loan.renew",
                                                           "loan.return",
                                                           "hold.place",
                                                           "hold.cancel",
                                                           "hold.handle",
                                                           "fee.charge",
                                                           "fee.settle",
                                                           "invoice.handle",
                                                           "loan_ban.handle",
                                                           "message.send",
                                                           "loan_history.consent",
                                                           "loan_history.read",
                                                           "client.manage",
                                                           "retention.plan",
                                                           "retention.run"};

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
