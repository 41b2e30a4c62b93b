// The whole permission table against the services behind it: for every role and every operation,
// one representative call on a patron made for that cell. A cell the table allows succeeds and is
// audited under the operation's name; a cell it denies answers permission_denied and changes no
// table, audit log included. Then scopes `self` and `own` of role patron: another patron's
// records, a guardian's ward under 15 (and no longer from the 15th birthday), and an
// organisation's responsible person.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "db/retention/retention_fixture.hpp"
#include "patron/access/permissions.hpp"
#include "patron/circulation/loan_history.hpp"
#include "patron/circulation/message_outbox.hpp"
#include "patron/clients/api_clients.hpp"
#include "patron/domain/date.hpp"

namespace patron::test {
namespace {

constexpr std::array kRoles{Role::circulation, Role::home_service, Role::kiosk, Role::billing,
                            Role::dpo,         Role::admin,        Role::patron};

// One past the last operation. An operation inserted before it changes this count (see
// KnowsEveryOperation); one appended after it leaves call() below without a case, which -Wswitch
// (an error under -Werror) refuses to compile.
constexpr std::size_t kOperationCount = static_cast<std::size_t>(Operation::run_retention) + 1;

std::vector<Operation> all_operations() {
    std::vector<Operation> out;
    for (std::size_t i = 0; i < kOperationCount; ++i) out.push_back(static_cast<Operation>(i));
    return out;
}

/// The operations `role` may do on some patrons at all, with scope `scope`.
std::vector<Operation> operations_with(Role role, Scope scope) {
    std::vector<Operation> out;
    for (const Operation op : all_operations()) {
        if (permitted_scope(role, op) == scope) out.push_back(op);
    }
    return out;
}

class PermissionTest : public RetentionDbTest {
protected:
    /// One representative call of `op` as `caller` on `t`.
    std::optional<Error> call(Operation op, const Caller& caller, const MatrixTarget& t) {
        Register reg(context());
        Circulation circulation(context(), settings_);
        PinService pins(context(), kFastPins);
        LoanHistory history(context());
        switch (op) {
            case Operation::register_patron:
                return error_of(reg.register_patron(
                    caller, person_form(card_for(300 + t.n), hetu_for(kAdultBirth, 300 + t.n))));
            case Operation::read_patron:
                return error_of(reg.find_by_id(caller, t.patron));
            case Operation::list_patrons:
                return error_of(reg.list(caller, PatronId{0}, 10));
            case Operation::update_contact:
                return error_of(reg.update_contact(
                    caller, t.patron, {.email = fmt::format("changed{}@example.fi", t.n)}));
            case Operation::record_card_activity:
                return error_of(reg.record_card_activity(caller, t.patron, clock_.today()));
            case Operation::add_guardian:
                return error_of(reg.add_guardian(caller, t.patron, t.guardian));
            case Operation::guardian_consent:
                return error_of(reg.set_guardian_consent(caller, t.patron, t.guardian, true));
            case Operation::set_pin:
                return error_of(pins.set_pin(caller, t.patron, kOtherPin));
            case Operation::change_pin:
                return error_of(pins.change_pin(caller, t.patron, kPin, kOtherPin));
            case Operation::verify_pin: {
                KioskVerifier verifier(context(), kFastPins, {}, settings_);
                auto answer = verifier.verify(caller, t.card, kPin);
                if (answer) {
                    EXPECT_EQ(answer->outcome, VerifyOutcome::verified);
                }
                return error_of(answer);
            }
            case Operation::set_category:
                return error_of(reg.set_category(caller, t.patron, "senior"));
            case Operation::read_circulation:
                return error_of(circulation.record(caller, t.patron));
            case Operation::read_summary:
                return error_of(circulation.summary(caller, t.patron));
            case Operation::checkout:
                return error_of(circulation.checkout(caller, t.patron, item(t.barcode())));
            case Operation::renew:
                return error_of(circulation.renew(caller, t.loan));
            case Operation::return_item:
                return error_of(circulation.return_item(caller, t.barcode()));
            case Operation::place_hold:
                return error_of(circulation.place_hold(caller, t.patron, item(t.barcode())));
            case Operation::cancel_hold:
                return error_of(circulation.cancel_hold(caller, t.hold));
            case Operation::handle_holds:
                return error_of(circulation.hold_ready(caller, t.hold));
            case Operation::charge_fee:
                return error_of(
                    circulation.charge_fee(caller, t.patron, FeeKind::other, 100, "test"));
            case Operation::settle_fee:
                return error_of(circulation.pay_fee(caller, t.fee));
            case Operation::handle_invoices:
                return error_of(circulation.create_invoice(caller, t.patron));
            case Operation::handle_loan_bans:
                return error_of(circulation.set_loan_ban(caller, t.patron, "test", clock_.today(),
                                                         std::nullopt));
            case Operation::send_messages:
                return error_of(MessageOutbox(context(), settings_).generate(caller));
            case Operation::loan_history_consent:
                // A patron's own consent is electronic; staff record a written one.
                return error_of(history.grant_consent(caller, t.patron,
                                                      caller.role == Role::patron
                                                          ? ConsentMethod::electronic
                                                          : ConsentMethod::written));
            case Operation::read_loan_history:
                return error_of(history.read(caller, t.patron));
            case Operation::manage_clients:
                // On no patron: a new client, named after the cell.
                return error_of(
                    ApiClients(context()).add(caller, fmt::format("client-{}", t.n), Role::kiosk));
            case Operation::plan_retention:
                return error_of(Retention(context(), sessions_policy()).plan(caller));
            case Operation::run_retention:
                return error_of(Retention(context(), sessions_policy()).run(caller));
        }
        return Error{ErrorCode::invalid_input, "operation", "not an operation"};
    }

    /// The call succeeds and writes an audit entry under the operation's name.
    void expect_allowed(Operation op, const Caller& caller, const MatrixTarget& t) {
        const long audit_before = last_audit_id();
        const auto error = call(op, caller, t);
        EXPECT_FALSE(error) << describe(error);
        EXPECT_TRUE(contains(actions_after(audit_before), to_string(op)))
            << "no audit entry " << to_string(op);
    }

    /// The call is refused as permission_denied and changes no table.
    void expect_denied(Operation op, const Caller& caller, const MatrixTarget& t) {
        const TableSnapshot before = table_snapshot();
        const auto error = call(op, caller, t);
        ASSERT_TRUE(error) << "succeeded; expected permission_denied";
        EXPECT_EQ(error->code, ErrorCode::permission_denied) << describe(error);
        EXPECT_EQ(table_snapshot(), before);
    }

    static std::string cell(Role role, Operation op) {
        return fmt::format("role {}, operation {}", to_string(role), to_string(op));
    }
};

TEST(PermissionMatrixTable, KnowsEveryOperation) {
    // A new operation needs its cell here and in the table: update both on purpose.
    EXPECT_EQ(kOperationCount, 29U);
}

class PermissionMatrix : public PermissionTest, public ::testing::WithParamInterface<Role> {};

TEST_P(PermissionMatrix, EveryOperationIsAllowedOrRefusedAsTheTableSays) {
    const Role role = GetParam();
    std::size_t cells = 0;
    for (const Operation op : all_operations()) {
        SCOPED_TRACE(cell(role, op));
        const int n = 10 + static_cast<int>(op);
        const MatrixTarget t = matrix_prepare(op, matrix_subject(op, n));
        // Role patron acts on its own record: scopes self and own both reach it.
        const Caller caller = role == Role::patron ? self_service(t.patron) : staff(role);
        if (permitted_scope(role, op) != Scope::none) {
            expect_allowed(op, caller, t);
        } else {
            expect_denied(op, caller, t);
        }
        ++cells;
    }
    EXPECT_EQ(cells, kOperationCount);
}

INSTANTIATE_TEST_SUITE_P(EveryRole, PermissionMatrix, ::testing::ValuesIn(kRoles),
                         [](const ::testing::TestParamInfo<Role>& param_info) {
                             return std::string(to_string(param_info.param));
                         });

using PatronScope = PermissionTest;

TEST_F(PatronScope, AnotherPatronsRecordsAreRefusedForEveryOperation) {
    const PatronId me = add_adult(2);
    const Caller caller = self_service(me);
    auto ops = operations_with(Role::patron, Scope::own);
    const auto self_ops = operations_with(Role::patron, Scope::self);
    ASSERT_FALSE(ops.empty());
    ASSERT_FALSE(self_ops.empty());
    ops.insert(ops.end(), self_ops.begin(), self_ops.end());
    for (const Operation op : ops) {
        SCOPED_TRACE(cell(Role::patron, op));
        const int n = 10 + static_cast<int>(op);
        MatrixTarget t;
        t.n = n;
        t.patron = add_adult(n);
        expect_denied(op, caller, matrix_prepare(op, t));
    }
}

TEST_F(PatronScope, GuardianActsForWardUnder15InOwnScopeButNotSelfScope) {
    const PatronId guardian = add_adult(2);
    // Consent recorded, so the ward may borrow: renewals and holds can succeed.
    const PatronId ward = add_ward(born_years_ago(9), 3, guardian, true);
    const Caller caller = self_service(guardian);
    for (const Operation op : operations_with(Role::patron, Scope::own)) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_allowed(op, caller,
                       matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = ward}));
    }
    // Loan history is the patron's alone, not a guardian's.
    for (const Operation op : operations_with(Role::patron, Scope::self)) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_denied(op, caller,
                      matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = ward}));
    }
}

TEST_F(PatronScope, GuardianLosesOwnScopeOnTheWardsFifteenthBirthday) {
    const PatronId guardian = add_adult(2);
    const Date birth = born_years_ago(15, 1);  // 15 tomorrow
    const PatronId ward = add_ward(birth, 3, guardian, true);
    const Caller caller = self_service(guardian);
    // The day before, the guardian still reads the ward's record.
    expect_allowed(Operation::read_patron, caller,
                   matrix_prepare(Operation::read_patron, {.n = 9, .patron = ward}));

    clock_.set_today(birthday(birth, kWardAgeLimit));
    for (const Operation op : operations_with(Role::patron, Scope::own)) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_denied(op, caller,
                      matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = ward}));
    }
    // The former ward acts for themselves.
    expect_allowed(Operation::read_patron, self_service(ward),
                   matrix_prepare(Operation::read_patron, {.n = 40, .patron = ward}));
}

TEST_F(PatronScope, ResponsiblePersonActsForTheOrganisation) {
    const PatronId responsible = add_adult(2);
    const PatronId organisation = add_organisation(3, responsible);
    const Caller caller = self_service(responsible);
    for (const Operation op : operations_with(Role::patron, Scope::own)) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_allowed(
            op, caller,
            matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = organisation}));
    }
    for (const Operation op : operations_with(Role::patron, Scope::self)) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_denied(op, caller,
                      matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = organisation}));
    }
}

}  // namespace
}  // namespace patron::test
