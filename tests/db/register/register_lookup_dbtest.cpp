// Register lookups by identity code and card: the blind index, refusals before any database
// work, and key rotation (old index and encryption keys keep working while they are in the ring).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/register/register_fixture.hpp"
#include "patron/exception.hpp"
#include "patron/pg/database.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

// Key material of test_keys(e, i), by purpose and id.
std::string encryption_key(std::uint16_t id) {
    return test_key_base64(KeyPurpose::hetu_encryption, id);
}
std::string index_key(std::uint16_t id) { return test_key_base64(KeyPurpose::hetu_index, id); }

class RegisterLookupTest : public RegisterDbTest {};

TEST_F(RegisterLookupTest, FindsAPatronByIdentityCodeAndAuditsTheRead) {
    const std::string code = hetu_for(kAdultBirth, 2);
    add_adult(3);
    const PatronId id = add(person_form("CARD0002", code));
    Register reg(context());
    const long before = last_audit_id();
    const auto found = reg.find_by_hetu(staff(), code);
    ASSERT_TRUE(Succeeded(found));
    EXPECT_EQ(found->id.value, id.value);
    ASSERT_TRUE(found->hetu);
    EXPECT_TRUE(found->hetu->text() == code) << "identity code differs";
    EXPECT_EQ(audit_after(before), std::vector<std::string>{audit_line("patron.read", id)});
}

TEST_F(RegisterLookupTest, InvalidIdentityCodeIsRefusedWithoutDatabaseWork) {
    add_adult(2);
    CountingDatabase counting(*database_);
    Register reg(Context{counting, keys_, clock_});
    const std::string valid = hetu_for(kAdultBirth, 2);
    std::string bad_check = valid;
    bad_check.back() = bad_check.back() == 'A' ? 'B' : 'A';
    const std::string future = hetu_for(Date{std::chrono::year{2030} / 1 / 1}, 2);
    const long audits = audit_count();
    int i = 0;
    for (const std::string& code :
         {std::string(), valid.substr(0, 10), valid + " ", " " + valid, bad_check, future,
          std::string("131052-308t"), std::string("131052-908T")}) {
        SCOPED_TRACE(fmt::format("invalid code #{}", i++));
        EXPECT_TRUE(Refused(reg.find_by_hetu(staff(), code), ErrorCode::invalid_input, "hetu"));
    }
    EXPECT_EQ(counting.begun(), 0);
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(RegisterLookupTest, ValidUnknownIdentityCodeOrCardIsNotFound) {
    add_adult(2);
    Register reg(context());
    const long audits = audit_count();
    EXPECT_TRUE(Refused(reg.find_by_hetu(staff(), "131052-308T"), ErrorCode::not_found, ""));
    EXPECT_TRUE(
        Refused(reg.find_by_hetu(staff(), hetu_for(kAdultBirth, 3)), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(reg.find_by_card(staff(), "NOSUCHCARD"), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(reg.find_by_id(staff(), PatronId{999999}), ErrorCode::not_found, ""));
    EXPECT_TRUE(Refused(reg.find_by_card(staff(), "no such card"), ErrorCode::invalid_input,
                        "card_number"));
    EXPECT_EQ(audit_count(), audits);
}

TEST_F(RegisterLookupTest, PatronIndexedUnderAnOldIndexKeyIsFoundAfterRotation) {
    const std::string code = hetu_for(kAdultBirth, 2);
    const PatronId id = add(person_form("CARD0002", code));  // keys_ is test_keys(1, 1)
    const KeyRing rotated = KeyRing::parse(
        fmt::format("[hetu_encryption]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                    "[hetu_index]\ncurrent = 2\nkeys = {{ 1 = \"{}\", 2 = \"{}\" }}\n"
                    "[pin_pepper]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n",
                    encryption_key(1), index_key(1), index_key(2), index_key(3)),
        "rotated index keys");
    Register reg(Context{*database_, rotated, clock_});

    const auto found = reg.find_by_hetu(staff(), code);
    ASSERT_TRUE(Succeeded(found));
    EXPECT_EQ(found->id.value, id.value);
    ASSERT_TRUE(found->hetu);
    EXPECT_TRUE(found->hetu->text() == code) << "identity code differs";

    // The old index still guards uniqueness, and new registrations use the current key.
    EXPECT_TRUE(Refused(reg.register_patron(staff(), person_form("CARD0003", code)),
                        ErrorCode::conflict, "hetu"));
    const std::string second = hetu_for(kAdultBirth, 4);
    const auto added = reg.register_patron(staff(), person_form("CARD0004", second));
    ASSERT_TRUE(Succeeded(added));
    EXPECT_EQ(
        sql_value(fmt::format("SELECT hetu_index_key_id FROM patrons WHERE id = {}", added->value)),
        "2");
    const auto found_second = reg.find_by_hetu(staff(), second);
    ASSERT_TRUE(Succeeded(found_second));
    EXPECT_EQ(found_second->id.value, added->value);
}

TEST_F(RegisterLookupTest, CodeEncryptedUnderAnOldKeyIsReadAfterRotation) {
    const std::string code = hetu_for(kAdultBirth, 2);
    const PatronId id = add(person_form("CARD0002", code));
    const KeyRing rotated = KeyRing::parse(
        fmt::format("[hetu_encryption]\ncurrent = 2\nkeys = {{ 1 = \"{}\", 2 = \"{}\" }}\n"
                    "[hetu_index]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                    "[pin_pepper]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n",
                    encryption_key(1), encryption_key(2), index_key(1), index_key(3)),
        "rotated encryption keys");
    Register reg(Context{*database_, rotated, clock_});
    const auto old = reg.find_by_id(staff(), id);
    ASSERT_TRUE(Succeeded(old));
    ASSERT_TRUE(old->hetu);
    EXPECT_TRUE(old->hetu->text() == code) << "identity code differs";

    const std::string second = hetu_for(kAdultBirth, 3);
    const auto added = reg.register_patron(staff(), person_form("CARD0003", second));
    ASSERT_TRUE(Succeeded(added));
    EXPECT_EQ(sql_value(fmt::format("SELECT hetu_key_id FROM patrons WHERE id = {}", added->value)),
              "2");
    const auto fresh = reg.find_by_id(staff(), *added);
    ASSERT_TRUE(Succeeded(fresh));
    ASSERT_TRUE(fresh->hetu);
    EXPECT_TRUE(fresh->hetu->text() == second) << "identity code differs";
}

TEST_F(RegisterLookupTest, RingWithoutTheEncryptionKeyThrowsAndAuditsNothing) {
    const std::string code = hetu_for(kAdultBirth, 2);
    const PatronId id = add(person_form("CARD0002", code));
    const KeyRing lacking =
        KeyRing::parse(fmt::format("[hetu_encryption]\ncurrent = 2\nkeys = {{ 2 = \"{}\" }}\n"
                                   "[hetu_index]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                                   "[pin_pepper]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n",
                                   encryption_key(2), index_key(1), index_key(3)),
                       "ring lacking key 1");
    Register reg(Context{*database_, lacking, clock_});
    const long audits = audit_count();
    EXPECT_THROW((void)reg.find_by_hetu(staff(), code), patron::Exception);
    EXPECT_THROW((void)reg.find_by_id(staff(), id), patron::Exception);
    EXPECT_THROW((void)reg.find_by_card(staff(), "CARD0002"), patron::Exception);
    EXPECT_EQ(audit_count(), audits);

    // The failed calls left the connections usable.
    Register with_keys(context());
    EXPECT_TRUE(Succeeded(with_keys.find_by_hetu(staff(), code)));
}

TEST_F(RegisterLookupTest, CiphertextUnderTheRightKeyIdButAlteredThrows) {
    const PatronId id = add_adult(2);
    sql(
        fmt::format("UPDATE patrons SET hetu_ciphertext = set_byte(hetu_ciphertext, 14, "
                    "get_byte(hetu_ciphertext, 14) # 1) WHERE id = {}",
                    id.value));
    Register reg(context());
    EXPECT_THROW((void)reg.find_by_id(staff(), id), patron::Exception);
}

TEST_F(RegisterLookupTest, RecordsAreReadWhateverDateStyleTheSessionHas) {
    // A server, database or client (PGDATESTYLE) may set another DateStyle; the register must
    // still read the birth dates and guardianships it wrote.
    const PatronId guardian = add_adult(2);
    const PatronId ward = add_person(born_years_ago(9), 3, guardian);
    Register with_keys(context());
    ASSERT_TRUE(Succeeded(with_keys.record_card_activity(staff(), guardian, clock_.today())));
    database_.reset();
    sql(fmt::format("ALTER DATABASE {} SET DateStyle = 'SQL, DMY'", name_));
    database_ = pg::open_database({.url = url_, .pool_size = 2});
    ASSERT_EQ(sql_value("SHOW DateStyle"), "SQL, DMY");

    Register reg(context());
    const auto ward_record = reg.find_by_id(staff(), ward);
    ASSERT_TRUE(Succeeded(ward_record));
    EXPECT_EQ(ids(ward_record->guardians), std::vector<std::int64_t>{guardian.value});
    const auto guardian_record = reg.find_by_id(staff(), guardian);
    ASSERT_TRUE(Succeeded(guardian_record));
    EXPECT_TRUE(guardian_record->last_card_activity == clock_.today());
    EXPECT_EQ(ids(guardian_record->wards), std::vector<std::int64_t>{ward.value});
}

}  // namespace
}  // namespace patron::test
