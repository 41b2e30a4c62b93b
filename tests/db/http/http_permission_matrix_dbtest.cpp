// The permission table over HTTP: for every role (API clients of each staff role, and a web
// session for role patron) one representative request per libpatron Operation, on a patron made
// for that cell. A cell the table allows answers 2xx and is audited under the operation's name;
// a cell it denies answers a 403 permission_denied problem. Then scope `own` and `self` of role
// patron: another patron's records, and a guardian acting for a ward under 15.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "db/http/http_fixture.hpp"
#include "patron/access/permissions.hpp"

namespace patron::test {
namespace {

constexpr std::array kRoles{Role::circulation, Role::home_service, Role::kiosk, Role::billing,
                            Role::dpo,         Role::admin,        Role::patron};

// One past the last operation of the HTTP API: retention (planned and run by patronctl) has no
// route. An operation inserted before it changes this count (see KnowsEveryOperation); one
// appended after it leaves request() without a case, which -Wswitch (an error under -Werror)
// refuses to compile.
constexpr std::size_t kOperationCount = static_cast<std::size_t>(Operation::manage_clients) + 1;

std::vector<Operation> operations_with(Role role, std::initializer_list<Scope> scopes) {
    std::vector<Operation> out;
    for (std::size_t i = 0; i < kOperationCount; ++i) {
        const auto op = static_cast<Operation>(i);
        for (const Scope scope : scopes) {
            if (permitted_scope(role, op) == scope) out.push_back(op);
        }
    }
    return out;
}

class HttpPermissionTest : public HttpApiTest {
protected:
    /// One representative request of `op` with `bearer` (of `role`) on `t`.
    http::Handled request(Operation op, Role role, const std::string& bearer,
                          const MatrixTarget& t) {
        const std::string patron = fmt::format("/v1/patrons/{}", t.patron.value);
        const Json item{{"patron", t.patron.value},
                        {"barcode", t.barcode()},
                        {"title", "Title " + t.barcode()},
                        {"material_type", "book"}};
        switch (op) {
            case Operation::register_patron:
                return call(
                    "POST", "/v1/patrons", bearer,
                    form_json(person_form(card_for(300 + t.n), hetu_for(kAdultBirth, 300 + t.n))));
            case Operation::read_patron:
                return call("GET", patron, bearer);
            case Operation::list_patrons:
                return call("GET", "/v1/patrons?limit=10", bearer);
            case Operation::update_contact:
                return call("PATCH", patron + "/contact", bearer,
                            Json{{"email", fmt::format("changed{}@example.fi", t.n)}});
            case Operation::record_card_activity:
                return call("POST", patron + "/card-activity", bearer);
            case Operation::add_guardian:
                return call("POST", patron + "/guardians", bearer,
                            Json{{"guardian", t.guardian.value}});
            case Operation::guardian_consent:
                return call("PUT", fmt::format("{}/guardians/{}/consent", patron, t.guardian.value),
                            bearer, Json{{"consent", true}});
            case Operation::set_pin:
                return call("PUT", patron + "/pin", bearer, Json{{"pin", std::string(kOtherPin)}});
            case Operation::change_pin:
                return call("PUT", patron + "/pin", bearer,
                            Json{{"old_pin", std::string(kPin)}, {"pin", std::string(kOtherPin)}});
            case Operation::verify_pin:
                return call("POST", "/v1/kiosk/verify", bearer,
                            Json{{"card_number", card_of(t.patron)}, {"pin", std::string(kPin)}});
            case Operation::set_category:
                return call("PUT", patron + "/category", bearer, Json{{"category", "senior"}});
            case Operation::read_circulation:
                return call("GET", patron + "/circulation", bearer);
            case Operation::read_summary:
                return call("GET", patron + "/circulation/summary", bearer);
            case Operation::checkout:
                return call("POST", "/v1/loans", bearer, item);
            case Operation::renew:
                return call("POST", fmt::format("/v1/loans/{}/renew", t.loan.value), bearer);
            case Operation::return_item:
                return call("POST", "/v1/returns", bearer, Json{{"barcode", t.barcode()}});
            case Operation::place_hold:
                return call("POST", "/v1/holds", bearer, item);
            case Operation::cancel_hold:
                return call("DELETE", fmt::format("/v1/holds/{}", t.hold.value), bearer);
            case Operation::handle_holds:
                return call("POST", fmt::format("/v1/holds/{}/ready", t.hold.value), bearer);
            case Operation::charge_fee:
                return call(
                    "POST", "/v1/fees", bearer,
                    Json{{"patron", t.patron.value}, {"kind", "other"}, {"amount_cents", 100}});
            case Operation::settle_fee:
                return call("POST", fmt::format("/v1/fees/{}/pay", t.fee.value), bearer);
            case Operation::handle_invoices:
                return call("POST", "/v1/invoices", bearer, Json{{"patron", t.patron.value}});
            case Operation::handle_loan_bans:
                return call("POST", "/v1/loan-bans", bearer,
                            Json{{"patron", t.patron.value}, {"reason", "test"}});
            case Operation::send_messages:
                return call("POST", "/v1/messages/generate", bearer);
            case Operation::loan_history_consent:
                // A patron's own consent is electronic (the default); staff say how it was given.
                return role == Role::patron ? call("POST", patron + "/loan-history/consent", bearer)
                                            : call("POST", patron + "/loan-history/consent", bearer,
                                                   Json{{"method", "written"}});
            case Operation::read_loan_history:
                return call("GET", patron + "/loan-history", bearer);
            case Operation::manage_clients:
                return call("POST", "/v1/clients", bearer,
                            Json{{"name", fmt::format("cell-{}", t.n)}, {"role", "kiosk"}});
            case Operation::plan_retention:
            case Operation::run_retention:
                ADD_FAILURE() << "retention has no HTTP route";
                break;
        }
        return {};
    }

    /// 2xx, and an audit entry under the operation's name.
    void expect_allowed(Operation op, Role role, const std::string& bearer, const MatrixTarget& t) {
        const long before = last_audit_id();
        const auto answer = request(op, role, bearer, t);
        EXPECT_GE(answer.response.status, 200U) << answer.error_code;
        EXPECT_LT(answer.response.status, 300U) << answer.error_code;
        EXPECT_TRUE(contains(actions_after(before), to_string(op)))
            << "no audit entry " << to_string(op);
        if (op == Operation::verify_pin && answer.response.status == 200) {
            EXPECT_EQ(Json::parse(answer.response.body)["outcome"], "verified");
        }
    }

    void expect_denied(Operation op, Role role, const std::string& bearer, const MatrixTarget& t) {
        EXPECT_TRUE(IsProblem(request(op, role, bearer, t), 403, "permission_denied"));
    }

    static std::string cell(Role role, Operation op) {
        return fmt::format("role {}, operation {}", to_string(role), to_string(op));
    }
};

TEST(HttpPermissionMatrixTable, KnowsEveryOperation) {
    // A new operation needs its request here and its cells in the table: update both on purpose.
    EXPECT_EQ(kOperationCount, 27U);
}

class HttpPermissionMatrix : public HttpPermissionTest,
                             public ::testing::WithParamInterface<Role> {};

TEST_P(HttpPermissionMatrix, EveryOperationIsAllowedOrRefusedAsTheTableSays) {
    const Role role = GetParam();
    std::size_t cells = 0;
    for (std::size_t i = 0; i < kOperationCount; ++i) {
        const auto op = static_cast<Operation>(i);
        SCOPED_TRACE(cell(role, op));
        const MatrixTarget t = matrix_prepare(op, matrix_subject(op, 10 + static_cast<int>(i)));
        // Role patron acts on its own record: scopes self and own both reach it.
        const std::string bearer = role == Role::patron ? session_of(t.patron) : token(role);
        if (permitted_scope(role, op) != Scope::none) {
            expect_allowed(op, role, bearer, t);
        } else {
            expect_denied(op, role, bearer, t);
        }
        ++cells;
    }
    EXPECT_EQ(cells, kOperationCount);
}

INSTANTIATE_TEST_SUITE_P(EveryRole, HttpPermissionMatrix, ::testing::ValuesIn(kRoles),
                         [](const ::testing::TestParamInfo<Role>& param_info) {
                             return std::string(to_string(param_info.param));
                         });

using HttpPatronScope = HttpPermissionTest;

TEST_F(HttpPatronScope, AnotherPatronsRecordsAreRefused) {
    const std::string bearer = session_of(add_adult(2));
    const auto ops = operations_with(Role::patron, {Scope::own, Scope::self});
    ASSERT_EQ(ops.size(), 10U);
    for (const Operation op : ops) {
        SCOPED_TRACE(cell(Role::patron, op));
        const int n = 10 + static_cast<int>(op);
        expect_denied(op, Role::patron, bearer,
                      matrix_prepare(op, {.n = n, .patron = add_adult(n)}));
    }
}

TEST_F(HttpPatronScope, AGuardianActsForTheWardInOwnScopeButNotInSelfScope) {
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_ward(born_years_ago(9), 3, guardian, true);
    const std::string bearer = session_of(guardian);
    for (const Operation op : operations_with(Role::patron, {Scope::own})) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_allowed(op, Role::patron, bearer,
                       matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = ward}));
    }
    // Loan history is the patron's alone, not a guardian's.
    for (const Operation op : operations_with(Role::patron, {Scope::self})) {
        SCOPED_TRACE(cell(Role::patron, op));
        expect_denied(op, Role::patron, bearer,
                      matrix_prepare(op, {.n = 10 + static_cast<int>(op), .patron = ward}));
    }
}

}  // namespace
}  // namespace patron::test
