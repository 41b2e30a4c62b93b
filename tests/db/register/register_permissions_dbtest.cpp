// The permission table applied by every Register method for every role: allowed calls succeed
// and are audited; refused ones answer permission_denied, write no audit entry and change
// nothing. Self-service patrons reach their own record only, and learn nothing about others.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "db/register/register_fixture.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

enum class Method {
    register_patron,
    find_by_id,
    find_by_card,
    find_by_hetu,
    list,
    update_contact,
    record_card_activity,
    add_guardian,
    set_guardian_consent
};
constexpr std::array kAllMethods{
    Method::register_patron,      Method::find_by_id,   Method::find_by_card,
    Method::find_by_hetu,         Method::list,         Method::update_contact,
    Method::record_card_activity, Method::add_guardian, Method::set_guardian_consent};

std::string_view name_of(Method m) {
    switch (m) {
        case Method::register_patron:
            return "register_patron";
        case Method::find_by_id:
            return "find_by_id";
        case Method::find_by_card:
            return "find_by_card";
        case Method::find_by_hetu:
            return "find_by_hetu";
        case Method::list:
            return "list";
        case Method::update_contact:
            return "update_contact";
        case Method::record_card_activity:
            return "record_card_activity";
        case Method::add_guardian:
            return "add_guardian";
        case Method::set_guardian_consent:
            return "set_guardian_consent";
    }
    return "?";
}

// What each role may do, as DESIGN.md §4 and the permission table's comment state it.
// `patron` here means on the caller's own record.
std::set<Method> allowed_for(Role role) {
    const std::set<Method> reads{Method::find_by_id, Method::find_by_card, Method::find_by_hetu};
    switch (role) {
        case Role::circulation:
        case Role::admin:
            return {kAllMethods.begin(), kAllMethods.end()};
        case Role::home_service: {
            auto s = reads;
            s.insert(Method::update_contact);
            return s;
        }
        case Role::kiosk:
            return {Method::record_card_activity};
        case Role::billing:
            return reads;
        case Role::dpo: {
            auto s = reads;
            s.insert(Method::list);
            return s;
        }
        case Role::patron: {
            auto s = reads;
            s.insert(Method::update_contact);
            return s;
        }
    }
    return {};
}

constexpr std::array kAllRoles{Role::circulation, Role::home_service, Role::kiosk, Role::billing,
                               Role::dpo,         Role::admin,        Role::patron};

template <class T>
std::optional<Error> error_of(const Result<T>& result) {
    if (result) return std::nullopt;
    return result.error();
}

class RegisterPermissionBase : public RegisterDbTest {
protected:
    // The patrons every method is tried on.
    struct Targets {
        PatronId adult;
        std::string adult_card;
        std::string adult_hetu;
        PatronId other;
        std::string other_card;
        std::string other_hetu;
        PatronId ward;
        PatronId second_guardian;
    };

    Targets make_targets() {
        Targets t;
        t.adult_card = card_for(2);
        t.adult_hetu = hetu_for(kAdultBirth, 2);
        t.adult = add_adult(2);
        t.other_card = card_for(3);
        t.other_hetu = hetu_for(kAdultBirth, 3);
        t.other = add_adult(3);
        t.ward = add_person(born_years_ago(9), 4, t.adult);
        t.second_guardian = add_adult(5);
        return t;
    }

    // The patron a method acts on (register and list act on none; the caller's own is `adult`).
    static PatronId subject_of(Method m, const Targets& t) {
        return m == Method::add_guardian || m == Method::set_guardian_consent ? t.ward : t.adult;
    }

    // Calls `m` as `caller` on the targets; `n` makes a registration unique.
    std::optional<Error> call(Method m, const Caller& caller, const Targets& t, int n) {
        Register reg(context());
        switch (m) {
            case Method::register_patron:
                return error_of(reg.register_patron(
                    caller, person_form(card_for(100 + n), hetu_for(kAdultBirth, 100 + n))));
            case Method::find_by_id:
                return error_of(reg.find_by_id(caller, t.adult));
            case Method::find_by_card:
                return error_of(reg.find_by_card(caller, t.adult_card));
            case Method::find_by_hetu:
                return error_of(reg.find_by_hetu(caller, t.adult_hetu));
            case Method::list:
                return error_of(reg.list(caller, PatronId{0}, 10));
            case Method::update_contact:
                return error_of(reg.update_contact(
                    caller, t.adult, {.email = fmt::format("changed{}@example.fi", n)}));
            case Method::record_card_activity:
                return error_of(reg.record_card_activity(
                    caller, t.adult,
                    Date{std::chrono::sys_days{Date{year{2026} / 11 / 1}} + std::chrono::days{n}}));
            case Method::add_guardian:
                return error_of(reg.add_guardian(caller, t.ward, t.second_guardian));
            case Method::set_guardian_consent:
                // `adult` is the ward's guardian (make_targets); consent is not yet recorded.
                return error_of(reg.set_guardian_consent(caller, t.ward, t.adult, true));
        }
        return std::nullopt;
    }
};

class RegisterPermissionTest : public RegisterPermissionBase,
                               public ::testing::WithParamInterface<Role> {};

TEST_P(RegisterPermissionTest, EveryMethodIsAllowedOrRefusedAsTheTableSays) {
    const Role role = GetParam();
    const Targets t = make_targets();
    const std::set<Method> allowed = allowed_for(role);
    int n = 0;
    for (const Method m : kAllMethods) {
        SCOPED_TRACE(fmt::format("role {}, method {}", to_string(role), name_of(m)));
        const Caller caller = role == Role::patron
                                  ? self_service(subject_of(m, t))
                                  : Caller{"actor-1", role, "permission test", std::nullopt};
        const StorageSnapshot before = snapshot();
        const long audits = audit_count();
        const auto error = call(m, caller, t, ++n);
        if (allowed.contains(m)) {
            EXPECT_FALSE(error) << "refused as " << to_string(error->code) << " on field '"
                                << error->field << "': " << error->message;
            EXPECT_GT(audit_count(), audits) << "an allowed call wrote no audit entry";
        } else {
            ASSERT_TRUE(error) << "a refused call succeeded";
            EXPECT_EQ(error->code, ErrorCode::permission_denied) << to_string(error->code);
            EXPECT_EQ(error->field, "");
            EXPECT_EQ(snapshot(), before) << "a refused call changed storage or audited";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllRoles, RegisterPermissionTest, ::testing::ValuesIn(kAllRoles),
                         [](const ::testing::TestParamInfo<Role>& param) {
                             return std::string(to_string(param.param));
                         });

class RegisterSelfServiceTest : public RegisterPermissionBase {};

TEST_F(RegisterSelfServiceTest, PatronReadsAndUpdatesOnlyTheirOwnRecord) {
    const Targets t = make_targets();
    Register reg(context());
    const Caller me = self_service(t.adult);

    const auto own = reg.find_by_id(me, t.adult);
    ASSERT_TRUE(Succeeded(own));
    EXPECT_EQ(own->id.value, t.adult.value);
    EXPECT_TRUE(Succeeded(reg.find_by_card(me, t.adult_card)));
    EXPECT_TRUE(Succeeded(reg.find_by_hetu(me, t.adult_hetu)));
    const auto updated = reg.update_contact(me, t.adult, {.email = "oma@example.fi"});
    ASSERT_TRUE(Succeeded(updated));
    EXPECT_EQ(updated->modified_by, "web");

    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.find_by_id(me, t.other), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(reg.find_by_card(me, t.other_card), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(reg.find_by_hetu(me, t.other_hetu), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(reg.update_contact(me, t.other, {.email = "vieras@example.fi"}),
                        ErrorCode::permission_denied, ""));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterSelfServiceTest, OthersRecordsAndMissingRecordsGetTheSameAnswer) {
    const Targets t = make_targets();
    Register reg(context());
    const Caller me = self_service(t.adult);
    const StorageSnapshot before = snapshot();

    const auto other_id = error_of(reg.find_by_id(me, t.other));
    const auto missing_id = error_of(reg.find_by_id(me, PatronId{999999}));
    const auto other_card = error_of(reg.find_by_card(me, t.other_card));
    const auto missing_card = error_of(reg.find_by_card(me, "NOSUCHCARD"));
    const auto other_hetu = error_of(reg.find_by_hetu(me, t.other_hetu));
    const auto missing_hetu = error_of(reg.find_by_hetu(me, "131052-308T"));
    const auto other_update = error_of(reg.update_contact(me, t.other, {.email = "x@example.fi"}));
    const auto missing_update =
        error_of(reg.update_contact(me, PatronId{999999}, {.email = "x@example.fi"}));

    for (const auto* e : {&other_id, &missing_id, &other_card, &missing_card, &other_hetu,
                          &missing_hetu, &other_update, &missing_update}) {
        ASSERT_TRUE(*e);
        EXPECT_EQ((*e)->code, ErrorCode::permission_denied) << to_string((*e)->code);
    }
    EXPECT_TRUE(*other_id == *missing_id) << "find_by_id answers differ";
    EXPECT_TRUE(*other_card == *missing_card) << "find_by_card answers differ";
    EXPECT_TRUE(*other_hetu == *missing_hetu) << "find_by_hetu answers differ";
    EXPECT_TRUE(*other_update == *missing_update) << "update_contact answers differ";
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterSelfServiceTest, PatronRoleWithoutAnOwnRecordReachesNoRecord) {
    const Targets t = make_targets();
    Register reg(context());
    const Caller nobody{"web", Role::patron, "self-service", std::nullopt};
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.find_by_id(nobody, t.adult), ErrorCode::permission_denied, ""));
    EXPECT_TRUE(Refused(reg.update_contact(nobody, t.adult, {.email = "x@example.fi"}),
                        ErrorCode::permission_denied, ""));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterSelfServiceTest, CallerWithoutActorOrPurposeIsRefusedOnEveryMethod) {
    const Targets t = make_targets();
    int n = 0;
    for (const Role role : {Role::admin, Role::kiosk, Role::patron}) {
        for (const Method m : kAllMethods) {
            SCOPED_TRACE(fmt::format("role {}, method {}", to_string(role), name_of(m)));
            const std::optional<PatronId> self =
                role == Role::patron ? std::optional(subject_of(m, t)) : std::nullopt;
            const StorageSnapshot before = snapshot();
            for (const auto& [caller, field] :
                 {std::pair{Caller{"", role, "test", self}, "actor"},
                  std::pair{Caller{"staff-1", role, "", self}, "purpose"},
                  std::pair{Caller{"", role, "", self}, "actor"}}) {
                const auto error = call(m, caller, t, ++n);
                ASSERT_TRUE(error) << "a call without " << field << " succeeded";
                EXPECT_EQ(error->code, ErrorCode::invalid_input) << to_string(error->code);
                EXPECT_EQ(error->field, field);
            }
            EXPECT_EQ(snapshot(), before);
        }
    }
}

}  // namespace
}  // namespace patron::test
