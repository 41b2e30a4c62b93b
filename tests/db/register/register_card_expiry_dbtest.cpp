// The card's validity (kortin voimassaolo): an optional ISO date on registration, stored and
// returned with the record and in listings; a malformed date is refused on its field.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/register/register_fixture.hpp"
#include "patron/domain/date.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class RegisterCardExpiryTest : public RegisterDbTest {};

TEST_F(RegisterCardExpiryTest, ExpiryDateIsStoredAndReturnedWithTheRecordAndInListings) {
    PatronForm form = person_form(card_for(2), hetu_for(kAdultBirth, 2));
    form.card_expires_on = " 2027-12-31 ";
    const PatronId with_expiry = add(form);
    const PatronId without_expiry = add_adult(3);
    Register reg(context());

    const auto found = reg.find_by_id(staff(), with_expiry);
    ASSERT_TRUE(Succeeded(found));
    EXPECT_TRUE(found->card_expires_on == std::optional(Date{year{2027} / 12 / 31}));
    const auto open = reg.find_by_id(staff(), without_expiry);
    ASSERT_TRUE(Succeeded(open));
    EXPECT_FALSE(open->card_expires_on);
    EXPECT_EQ(sql_value(fmt::format(
                  "SELECT to_char(card_expires_on, 'YYYY-MM-DD') FROM patrons WHERE id = {}",
                  with_expiry.value)),
              "2027-12-31");

    const auto listed = reg.list(staff(), PatronId{0}, 10);
    ASSERT_TRUE(Succeeded(listed));
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_TRUE((*listed)[0].card_expires_on == std::optional(Date{year{2027} / 12 / 31}));
    EXPECT_FALSE((*listed)[1].card_expires_on);
}

TEST_F(RegisterCardExpiryTest, MalformedExpiryDateIsRefusedOnItsField) {
    Register reg(context());
    const StorageSnapshot before = snapshot();
    int n = 2;
    for (const std::string date : {"2027-02-30", "31.12.2027", "2027-1-1", "tomorrow"}) {
        SCOPED_TRACE(date);
        PatronForm form = person_form(card_for(n), hetu_for(kAdultBirth, n));
        ++n;
        form.card_expires_on = date;
        EXPECT_TRUE(Refused(reg.register_patron(staff(), form), ErrorCode::invalid_input,
                            "card_expires_on"));
    }
    EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace patron::test
