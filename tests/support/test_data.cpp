#include "support/test_data.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "patron/domain/hetu.hpp"

namespace patron::test {
namespace {

std::string key_base64(std::uint8_t seed) {
    unsigned char key[kKeyLength];
    for (std::size_t i = 0; i < kKeyLength; ++i) key[i] = static_cast<unsigned char>(seed * 31 + i);
    unsigned char out[4 * ((kKeyLength + 2) / 3) + 1];
    EVP_EncodeBlock(out, key, static_cast<int>(kKeyLength));
    return reinterpret_cast<const char*>(out);
}

}  // namespace

// Key bytes derive from purpose and id, so rings built by hand can share keys with test_keys().
std::string test_key_base64(KeyPurpose purpose, std::uint16_t id) {
    const int base = purpose == KeyPurpose::hetu_encryption ? 0
                     : purpose == KeyPurpose::hetu_index    ? 100
                                                            : 200;
    return key_base64(static_cast<std::uint8_t>(base + id));
}

std::string test_key_file_text(std::uint16_t encryption_id, std::uint16_t index_id,
                               std::uint16_t pepper_id) {
    return fmt::format(
        "[hetu_encryption]\ncurrent = {0}\nkeys = {{ {0} = \"{1}\" }}\n"
        "[hetu_index]\ncurrent = {2}\nkeys = {{ {2} = \"{3}\" }}\n"
        "[pin_pepper]\ncurrent = {4}\nkeys = {{ {4} = \"{5}\" }}\n",
        encryption_id, test_key_base64(KeyPurpose::hetu_encryption, encryption_id), index_id,
        test_key_base64(KeyPurpose::hetu_index, index_id), pepper_id,
        test_key_base64(KeyPurpose::pin_pepper, pepper_id));
}

KeyRing test_keys(std::uint16_t encryption_id, std::uint16_t index_id, std::uint16_t pepper_id) {
    return KeyRing::parse(test_key_file_text(encryption_id, index_id, pepper_id), "test keys");
}

std::string hetu_for(Date birth, int individual) {
    const auto code =
        PersonalIdentityCode::make(birth, individual, Date{std::chrono::year{2099} / 12 / 31});
    if (!code) throw std::invalid_argument("hetu_for: " + code.error().message);
    return code->text();
}

PatronForm person_form(const std::string& card, const std::string& hetu) {
    PatronForm form;
    form.hetu = hetu;
    form.surname = "Testinen";
    form.given_names = "Testi";
    form.street_address = "Testikatu 1";
    form.postal_code = "00100";
    form.post_office = "Helsinki";
    form.email = "testi@example.fi";
    form.phones = {"040 000 0000"};
    form.card_number = card;
    form.home_library = "Test library";
    form.mother_tongue = "fi";
    form.due_date_reminder = "email";
    form.overdue_notice = "sms";
    form.hold_ready = "letter";
    return form;
}

PatronForm organisation_form(const std::string& card, PatronId responsible) {
    PatronForm form;
    form.kind = "organisation";
    form.organisation_name = "Testikoulu";
    form.card_number = card;
    form.home_library = "Test library";
    form.responsible_person = responsible;
    return form;
}

Caller staff(Role role) { return Caller{"staff-1", role, "test", std::nullopt}; }

Caller self_service(PatronId self) { return Caller{"web", Role::patron, "self-service", self}; }

}  // namespace patron::test
