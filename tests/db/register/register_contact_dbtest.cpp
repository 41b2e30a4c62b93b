// Register::update_contact: only the given fields change, the audit entry names exactly the
// fields that changed, refusals store nothing, and concurrent updates do not lose each other.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "db/register/register_fixture.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

const Caller kOtherDesk{"staff-2", Role::circulation, "address change", std::nullopt};

class RegisterContactTest : public RegisterDbTest {
protected:
    // The stored record as staff reads it; a refused read fails the test with an exception.
    Patron read(PatronId id) {
        Register reg(context());
        auto p = reg.find_by_id(staff(), id);
        if (!p) throw std::runtime_error("read refused: " + p.error().message);
        return std::move(*p);
    }

    // The stored row as a fingerprint: equal means not a byte of it changed.
    std::string row_fingerprint(PatronId id) const {
        return sql_value(fmt::format("SELECT md5(p::text) FROM patrons p WHERE id = {}", id.value));
    }

    std::string last_update_fields(PatronId id) const {
        return sql_value(fmt::format(
            "SELECT fields::text FROM audit_log WHERE action = 'patron.update_contact' AND "
            "patron_id = {} ORDER BY id DESC LIMIT 1",
            id.value));
    }
};

// Everything but the contact data and the modification stamp must equal.
void expect_same_identity(const Patron& a, const Patron& b) {
    EXPECT_EQ(a.id.value, b.id.value);
    EXPECT_TRUE(a.hetu && b.hetu && *a.hetu == *b.hetu) << "identity code differs";
    EXPECT_TRUE(a.surname == b.surname && a.given_names == b.given_names) << "names differ";
    EXPECT_TRUE(a.card == b.card) << "card differs";
    EXPECT_TRUE(a.home_library == b.home_library) << "home library differs";
    EXPECT_TRUE(a.mother_tongue == b.mother_tongue) << "mother tongue differs";
    EXPECT_EQ(a.gender, b.gender);
    EXPECT_TRUE(a.created_at == b.created_at) << "created_at changed";
    EXPECT_EQ(a.created_by, b.created_by);
}

TEST_F(RegisterContactTest, ChangingOnlyTheEmailChangesAndAuditsOnlyTheEmail) {
    const PatronId id = add_adult(2);
    const Patron before = read(id);
    clock_.advance(std::chrono::hours{3});
    const long audit_before = last_audit_id();

    Register reg(context());
    ContactForm change;
    change.email = " Uusi.Osoite@EXAMPLE.fi ";
    const auto updated = reg.update_contact(kOtherDesk, id, change);
    ASSERT_TRUE(Succeeded(updated));

    EXPECT_EQ(audit_after(audit_before),
              std::vector<std::string>{audit_line("patron.update_contact", id, "{email}", "staff-2",
                                                  "circulation", "address change")});
    for (const Patron& after : {*updated, read(id)}) {
        expect_same_identity(after, before);
        ASSERT_TRUE(after.email);
        EXPECT_TRUE(after.email->value() == "Uusi.Osoite@example.fi") << "email not normalised";
        EXPECT_TRUE(after.address == before.address) << "address changed";
        EXPECT_TRUE(after.phones == before.phones) << "phones changed";
        EXPECT_EQ(after.notices, before.notices);
        EXPECT_TRUE(after.modified_at == clock_.now()) << "modified_at is not the clock's time";
        EXPECT_FALSE(after.modified_at == before.modified_at);
        EXPECT_EQ(after.modified_by, "staff-2");
        EXPECT_EQ(after.created_by, "staff-1");
    }
}

TEST_F(RegisterContactTest, EachChangedFieldIsNamedInTheAudit) {
    const PatronId id = add_adult(2);
    Register reg(context());
    ContactForm change;
    change.street_address = "Uusikatu 2";
    change.postal_code = "33100";
    change.post_office = "Tampere";
    change.phones = std::vector<std::string>{"050 111 2222", "040 000 0000"};
    change.hold_ready = "none";
    const auto updated = reg.update_contact(staff(), id, change);
    ASSERT_TRUE(Succeeded(updated));
    EXPECT_EQ(last_update_fields(id), "{address,phones,hold_ready}");
    ASSERT_TRUE(updated->address);
    EXPECT_TRUE(updated->address->postal_code.value() == "33100") << "postal code differs";
    ASSERT_EQ(updated->phones.size(), 2u);
    EXPECT_TRUE(updated->phones[0].value() == "+358501112222") << "phone not E.164";
    EXPECT_EQ(updated->notices.hold_ready, Channel::none);
    EXPECT_EQ(updated->notices.due_date_reminder, Channel::email);

    // Removing the address as a whole, with the letter channel gone.
    ContactForm remove;
    remove.street_address = "";
    remove.postal_code = "";
    remove.post_office = "";
    ASSERT_TRUE(Succeeded(reg.update_contact(staff(), id, remove)));
    EXPECT_EQ(last_update_fields(id), "{address}");
    EXPECT_EQ(sql_value(fmt::format("SELECT street_address IS NULL AND postal_code IS NULL AND "
                                    "post_office IS NULL AND country IS NULL FROM patrons "
                                    "WHERE id = {}",
                                    id.value)),
              "t");
}

TEST_F(RegisterContactTest, NoOpChangeAuditsNoFieldsAndKeepsTheModificationStamp) {
    const PatronId id = add_adult(2);
    const Patron before = read(id);
    const std::string stored = row_fingerprint(id);
    clock_.advance(std::chrono::hours{1});
    Register reg(context());
    ContactForm same;
    same.email = "testi@EXAMPLE.FI";  // the stored address after normalisation
    same.phones = std::vector<std::string>{"+358 40 000 0000"};
    same.due_date_reminder = "email";
    const long audit_before = last_audit_id();

    const auto updated = reg.update_contact(kOtherDesk, id, same);
    ASSERT_TRUE(Succeeded(updated));
    EXPECT_EQ(audit_after(audit_before),
              std::vector<std::string>{audit_line("patron.update_contact", id, "{}", "staff-2",
                                                  "circulation", "address change")});
    EXPECT_EQ(row_fingerprint(id), stored);
    const Patron after = read(id);
    EXPECT_TRUE(after.modified_at == before.modified_at) << "modified_at moved on a no-op";
    EXPECT_EQ(after.modified_by, "staff-1");
    EXPECT_TRUE(updated->modified_at == before.modified_at);
}

TEST_F(RegisterContactTest, InvalidValueIsRefusedWithItsFieldAndNothingIsStored) {
    const PatronId id = add_adult(2);
    const std::string stored = row_fingerprint(id);
    Register reg(context());
    const StorageSnapshot before = snapshot();

    struct Case {
        const char* field;
        ContactForm change;
    };
    std::vector<Case> cases;
    cases.push_back({"email", {.email = "no-at-sign.example.fi"}});
    cases.push_back({"phone", {.phones = std::vector<std::string>{"040 123 4567", "12ab"}}});
    cases.push_back({"postal_code",
                     {.street_address = "Katu 1", .postal_code = "ABCDE", .post_office = "Oulu"}});
    cases.push_back({"street_address", {.street_address = "Katu 1"}});
    cases.push_back({"country",
                     {.street_address = "Gatan 1",
                      .postal_code = "11122",
                      .post_office = "Stockholm",
                      .country = "Sweden"}});
    cases.push_back({"overdue_notice", {.overdue_notice = "pigeon"}});
    cases.push_back({"overdue_notice", {.phones = std::vector<std::string>{}}});
    for (const auto& c : cases) {
        SCOPED_TRACE(c.field);
        // Also with a valid change beside it: the whole change is refused.
        ContactForm change = c.change;
        if (!change.email) change.email = "valid@example.fi";
        EXPECT_TRUE(
            Refused(reg.update_contact(staff(), id, change), ErrorCode::invalid_input, c.field));
        EXPECT_EQ(row_fingerprint(id), stored);
        EXPECT_EQ(snapshot(), before);
    }
}

TEST_F(RegisterContactTest, RemovingTheEmailWhileAChannelUsesItIsRefused) {
    const PatronId id = add_adult(2);  // due-date reminders go by email
    const std::string stored = row_fingerprint(id);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.update_contact(staff(), id, {.email = ""}), ErrorCode::invalid_input,
                        "due_date_reminder"));
    EXPECT_EQ(row_fingerprint(id), stored);
    EXPECT_EQ(snapshot(), before);

    // Moving the reminders elsewhere in the same change lets the email go.
    const auto updated =
        reg.update_contact(staff(), id, {.email = "", .due_date_reminder = "letter"});
    ASSERT_TRUE(Succeeded(updated));
    EXPECT_FALSE(updated->email);
    EXPECT_EQ(updated->notices.due_date_reminder, Channel::letter);
    EXPECT_EQ(last_update_fields(id), "{email,due_date_reminder}");
    EXPECT_EQ(sql_value(fmt::format("SELECT email IS NULL FROM patrons WHERE id = {}", id.value)),
              "t");
}

TEST_F(RegisterContactTest, UnknownPatronIsNotFound) {
    add_adult(2);
    Register reg(context());
    const StorageSnapshot before = snapshot();
    EXPECT_TRUE(Refused(reg.update_contact(staff(), PatronId{999999}, {.email = "a@example.fi"}),
                        ErrorCode::not_found, ""));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterContactTest, ConcurrentUpdatesOfDifferentFieldsBothTakeEffect) {
    const PatronId id = add_adult(2);
    Register reg(context());
    constexpr int kRounds = 40;
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE(fmt::format("round {}", round));
        const std::string email = fmt::format("round{}@example.fi", round);
        const std::string phone = fmt::format("040 100 {:04}", round);
        std::latch start(2);
        std::optional<Result<Patron>> by_email, by_phone;
        std::atomic<bool> threw{false};
        {
            std::jthread a([&] {
                start.arrive_and_wait();
                try {
                    by_email = reg.update_contact(staff(), id, {.email = email});
                } catch (...) {
                    threw = true;
                }
            });
            std::jthread b([&] {
                start.arrive_and_wait();
                try {
                    by_phone = reg.update_contact(kOtherDesk, id,
                                                  {.phones = std::vector<std::string>{phone}});
                } catch (...) {
                    threw = true;
                }
            });
        }
        ASSERT_FALSE(threw);
        ASSERT_TRUE(by_email && Succeeded(*by_email));
        ASSERT_TRUE(by_phone && Succeeded(*by_phone));
        const Patron after = read(id);
        ASSERT_TRUE(after.email);
        EXPECT_TRUE(after.email->value() == email) << "the email update was lost";
        ASSERT_EQ(after.phones.size(), 1u) << "the phone update was lost";
        EXPECT_TRUE(after.phones[0].value() == fmt::format("+35840100{:04}", round))
            << "the phone update was lost";
    }
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM audit_log WHERE action = "
                                "'patron.update_contact' AND patron_id = {}",
                                id.value)),
              2 * kRounds);
}

}  // namespace
}  // namespace patron::test
