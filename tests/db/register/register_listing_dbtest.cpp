// Register::list (keyset pagination, one audit entry per listed patron) and
// Register::record_card_activity (the latest date wins).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/register/register_fixture.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

std::vector<std::int64_t> ids_of(const std::vector<PatronSummary>& summaries) {
    std::vector<std::int64_t> out;
    for (const auto& s : summaries) out.push_back(s.id.value);
    return out;
}

class RegisterListTest : public RegisterDbTest {
protected:
    // Five patrons, the last an organisation; their ids in order.
    std::vector<PatronId> add_five() {
        std::vector<PatronId> added;
        for (int n = 2; n <= 5; ++n) added.push_back(add_adult(n));
        added.push_back(add_organisation(6, added.front()));
        return added;
    }
};

TEST_F(RegisterListTest, PagesByIdAfterTheGivenId) {
    const auto all = add_five();
    Register reg(context());

    const auto first = reg.list(staff(), PatronId{0}, 2);
    ASSERT_TRUE(Succeeded(first));
    EXPECT_EQ(ids_of(*first), (std::vector<std::int64_t>{all[0].value, all[1].value}));
    const auto second = reg.list(staff(), first->back().id, 2);
    ASSERT_TRUE(Succeeded(second));
    EXPECT_EQ(ids_of(*second), (std::vector<std::int64_t>{all[2].value, all[3].value}));
    const auto third = reg.list(staff(), second->back().id, 2);
    ASSERT_TRUE(Succeeded(third));
    EXPECT_EQ(ids_of(*third), std::vector<std::int64_t>{all[4].value});
    const auto past_end = reg.list(staff(), third->back().id, 2);
    ASSERT_TRUE(Succeeded(past_end));
    EXPECT_TRUE(past_end->empty());

    const auto whole = reg.list(staff(), PatronId{0}, 1000);
    ASSERT_TRUE(Succeeded(whole));
    EXPECT_EQ(ids_of(*whole), ids(all));
    EXPECT_EQ((*whole)[0].kind, PatronKind::person);
    EXPECT_TRUE((*whole)[0].display_name == "Testinen, Testi") << "person display name differs";
    EXPECT_TRUE((*whole)[0].card.value() == "CARD0002") << "card differs";
    EXPECT_TRUE((*whole)[0].home_library == "Test library") << "home library differs";
    EXPECT_EQ((*whole)[4].kind, PatronKind::organisation);
    EXPECT_TRUE((*whole)[4].display_name == "Testikoulu") << "organisation display name differs";

    // `after` need not be an existing id.
    const auto from_middle = reg.list(staff(), PatronId{all[1].value}, 1);
    ASSERT_TRUE(Succeeded(from_middle));
    EXPECT_EQ(ids_of(*from_middle), std::vector<std::int64_t>{all[2].value});
}

TEST_F(RegisterListTest, RefusesALimitOutsideOneToAThousand) {
    add_five();
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.list(staff(), PatronId{0}, 0), ErrorCode::invalid_input, "limit"));
    EXPECT_TRUE(Refused(reg.list(staff(), PatronId{0}, 1001), ErrorCode::invalid_input, "limit"));
    EXPECT_TRUE(Refused(reg.list(staff(), PatronId{0}, static_cast<std::size_t>(-1)),
                        ErrorCode::invalid_input, "limit"));
    EXPECT_EQ(snapshot(), before);
    EXPECT_TRUE(Succeeded(reg.list(staff(), PatronId{0}, 1)));
    EXPECT_TRUE(Succeeded(reg.list(staff(), PatronId{0}, 1000)));
}

TEST_F(RegisterListTest, WritesOneAuditEntryPerListedPatron) {
    const auto all = add_five();
    Register reg(context());
    const Caller dpo{"dpo-1", Role::dpo, "access request", std::nullopt};
    const long before = last_audit_id();
    const auto listed = reg.list(dpo, all[0], 3);
    ASSERT_TRUE(Succeeded(listed));
    ASSERT_EQ(listed->size(), 3u);
    std::vector<std::string> expected;
    for (const auto& s : *listed) {
        expected.push_back(audit_line("patron.list", s.id, "{}", "dpo-1", "dpo", "access request"));
    }
    EXPECT_EQ(audit_after(before), expected);

    // An empty page reads no one and records no one.
    const long after_first = last_audit_id();
    const auto empty = reg.list(dpo, all.back(), 10);
    ASSERT_TRUE(Succeeded(empty));
    EXPECT_TRUE(empty->empty());
    EXPECT_EQ(last_audit_id(), after_first);
}

class RegisterCardActivityTest : public RegisterDbTest {
protected:
    std::optional<Date> last_activity(PatronId id) {
        Register reg(context());
        const auto p = reg.find_by_id(staff(), id);
        EXPECT_TRUE(Succeeded(p));
        return p ? p->last_card_activity : std::nullopt;
    }
};

TEST_F(RegisterCardActivityTest, KeepsTheLatestDateAndAuditsEachCall) {
    const PatronId id = add_adult(2);
    const PatronId other = add_adult(3);
    Register reg(context());
    const Caller kiosk{"kiosk-3", Role::kiosk, "self-checkout", std::nullopt};
    const Date nov20{year{2026} / 11 / 20};
    const long before = last_audit_id();

    ASSERT_TRUE(Succeeded(reg.record_card_activity(kiosk, id, nov20)));
    EXPECT_TRUE(last_activity(id) == nov20) << "date not set";
    ASSERT_TRUE(Succeeded(reg.record_card_activity(kiosk, id, Date{year{2026} / 11 / 10})));
    EXPECT_TRUE(last_activity(id) == nov20) << "an earlier date replaced a later one";
    ASSERT_TRUE(Succeeded(reg.record_card_activity(kiosk, id, Date{year{2026} / 11 / 22})));
    EXPECT_TRUE(last_activity(id) == Date(year{2026} / 11 / 22)) << "a later date was not kept";
    EXPECT_FALSE(last_activity(other)) << "another patron's date changed";

    const std::string entry = audit_line("patron.card_activity", id, "{last_card_activity}",
                                         "kiosk-3", "kiosk", "self-checkout");
    const std::string read_other = audit_line("patron.read", other);
    const std::string read_own = audit_line("patron.read", id);
    EXPECT_EQ(audit_after(before), (std::vector<std::string>{entry, read_own, entry, read_own,
                                                             entry, read_own, read_other}));
}

TEST_F(RegisterCardActivityTest, UnknownPatronIsNotFoundAndBadDateIsRefused) {
    const PatronId id = add_adult(2);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(
        Refused(reg.record_card_activity(staff(), PatronId{999999}, Date{year{2026} / 11 / 20}),
                ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(reg.record_card_activity(staff(), id, Date{year{2026} / 2 / 30}),
                        ErrorCode::invalid_input, "date"));
    // The fixture's today is 2026-11-24: a kiosk clock a day ahead is refused.
    EXPECT_TRUE(Refused(reg.record_card_activity(staff(), id, Date{year{2026} / 11 / 25}),
                        ErrorCode::invalid_input, "date"));
    EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace patron::test
