// The identity code is never stored in clear: a full pg_dump of a register in use (registrations,
// updates, reads, guardians, an organisation) contains none of the codes in any spelling, while
// it does contain the other data (so the dump really has the rows).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>

#include "db/register/register_fixture.hpp"
#include "patron/register/register.hpp"
#include "support/process.hpp"

namespace patron::test {
namespace {

using std::chrono::year;

class RegisterDumpTest : public RegisterDbTest {};

std::string lowered(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// `code` with its century sign (7th character) replaced by `sign`; the check character does not
// depend on the sign, so the result is valid when `sign` names the same century.
std::string with_sign(std::string code, char sign) {
    code[6] = sign;
    return code;
}

TEST_F(RegisterDumpTest, FullDatabaseDumpHoldsNoIdentityCodeInAnySpelling) {
    Register reg(context());
    std::vector<std::string> codes{
        hetu_for(kAdultBirth, 2),
        with_sign(hetu_for(Date{year{1994} / 5 / 1}, 102), 'Y'),    // 1900s, 2023 sign
        hetu_for(Date{year{2005} / 3 / 3}, 345),                    // 2000s, 'A'
        with_sign(hetu_for(Date{year{2006} / 12 / 31}, 456), 'B'),  // 2000s, 2023 sign
        hetu_for(Date{year{1899} / 12 / 30}, 567),                  // 1800s, '+'
        hetu_for(born_years_ago(6), 678),                           // a ward
    };
    std::vector<std::string> cards;
    std::vector<PatronId> persons;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        PatronForm form = person_form(fmt::format("DUMPCARD{:02}", i), codes[i]);
        if (i + 1 == codes.size()) form.guardian = persons.front();
        const auto id = reg.register_patron(staff(), form);
        ASSERT_TRUE(Succeeded(id)) << "registration #" << i;
        persons.push_back(*id);
        cards.push_back(form.card_number);
    }
    const auto org = reg.register_patron(staff(), organisation_form("DUMPORG01", persons[1]));
    ASSERT_TRUE(Succeeded(org));
    cards.emplace_back("DUMPORG01");
    ASSERT_TRUE(Succeeded(reg.update_contact(staff(), persons[0], {.email = "uusi@example.fi"})));
    ASSERT_TRUE(Succeeded(reg.update_contact(
        staff(), persons[2],
        {.street_address = "Dumpkatu 3", .postal_code = "90100", .post_office = "Oulu"})));
    ASSERT_TRUE(Succeeded(reg.add_guardian(staff(), persons.back(), persons[1])));
    ASSERT_TRUE(Succeeded(reg.record_card_activity(staff(), persons[3], clock_.today())));
    for (const auto& code : codes) ASSERT_TRUE(Succeeded(reg.find_by_hetu(staff(), code)));
    ASSERT_TRUE(Succeeded(reg.list(staff(), PatronId{0}, 100)));

    const ProcessResult dump = run_process(
        {(TestServer::get().bin_dir() / "pg_dump").string(), "--no-owner", "--dbname=" + url_});
    ASSERT_EQ(dump.exit_code, 0) << "pg_dump failed: " << dump.err;
    const std::string lower_dump = lowered(dump.out);

    for (std::size_t i = 0; i < codes.size(); ++i) {
        const std::string& code = codes[i];
        const std::string no_sign = code.substr(0, 6) + code.substr(7);
        // Never the codes themselves in a message: only which one and which spelling.
        EXPECT_EQ(dump.out.find(code), std::string::npos) << "code #" << i << " as given";
        EXPECT_EQ(dump.out.find(no_sign), std::string::npos)
            << "code #" << i << " without century sign";
        EXPECT_EQ(lower_dump.find(lowered(code)), std::string::npos)
            << "code #" << i << " in any letter case";
        EXPECT_EQ(lower_dump.find(lowered(no_sign)), std::string::npos)
            << "code #" << i << " without century sign, in any letter case";
    }
    // The dump has the data: every card number, and the patrons table's rows.
    for (std::size_t i = 0; i < cards.size(); ++i) {
        EXPECT_NE(dump.out.find(cards[i]), std::string::npos) << "card #" << i << " missing";
    }
    EXPECT_NE(dump.out.find("COPY public.patrons"), std::string::npos);
    EXPECT_NE(dump.out.find("COPY public.audit_log"), std::string::npos);
}

}  // namespace
}  // namespace patron::test
