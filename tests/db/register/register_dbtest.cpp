#include "patron/register/register.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_cluster.hpp"
#include "support/test_data.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class RegisterTest : public DbTest {
protected:
    Date adult_birth{year{1980} / 5 / 17};

    PatronId add(const PatronForm& form) {
        Register reg(context());
        auto id = reg.register_patron(staff(), form);
        EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().field + ": " + id.error().message);
        return id.value_or(PatronId{});
    }
};

TEST_F(RegisterTest, RegistersAPersonAndFindsItByIdCardAndIdentityCode) {
    const std::string code = hetu_for(adult_birth, 123);
    const PatronId id = add(person_form("CARD0001", code));
    Register reg(context());

    const auto by_id = reg.find_by_id(staff(), id);
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->surname, "Testinen");
    ASSERT_TRUE(by_id->hetu);
    EXPECT_TRUE(by_id->hetu->text() == code);
    EXPECT_EQ(by_id->hetu->birth_date(), adult_birth);

    const auto by_card = reg.find_by_card(staff(), "card0001");
    ASSERT_TRUE(by_card);
    EXPECT_EQ(by_card->id, id);

    const auto by_hetu = reg.find_by_hetu(staff(), code);
    ASSERT_TRUE(by_hetu);
    EXPECT_EQ(by_hetu->id, id);
}

TEST_F(RegisterTest, WritesOneAuditEntryPerReadWithoutPersonalData) {
    const PatronId id = add(person_form("CARD0001", hetu_for(adult_birth, 123)));
    Register reg(context());
    ASSERT_TRUE(reg.find_by_card(staff(), "CARD0001"));
    const auto rows = sql(fmt::format(
        "SELECT action, actor, role, purpose FROM audit_log WHERE patron_id = {} ORDER BY id",
        id.value));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0][0], "patron.register");
    EXPECT_EQ(rows[1][0], "patron.read");
    EXPECT_EQ(rows[1][1], "staff-1");
    EXPECT_EQ(rows[1][2], "circulation");
    EXPECT_EQ(rows[1][3], "test");
}

}  // namespace
}  // namespace patron::test
