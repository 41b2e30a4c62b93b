#pragma once
// Builders of test data. Identity codes are composed for birth dates the tests choose; names and
// contacts are obviously fictional.

#include <string>

#include "patron/access/role.hpp"
#include "patron/crypto/key_ring.hpp"
#include "patron/register/patron_form.hpp"

namespace patron::test {

/// A key ring with fixed test keys, one per purpose with the given ids (bytes derived from them).
[[nodiscard]] KeyRing test_keys(std::uint16_t encryption_id = 1, std::uint16_t index_id = 1,
                                std::uint16_t pepper_id = 1);
/// The base64 key test_keys() holds for `purpose` under `id`, for building other rings by hand.
[[nodiscard]] std::string test_key_base64(KeyPurpose purpose, std::uint16_t id);
/// Key file text for test_keys(...), for tests of loading.
[[nodiscard]] std::string test_key_file_text(std::uint16_t encryption_id = 1,
                                             std::uint16_t index_id = 1,
                                             std::uint16_t pepper_id = 1);

/// A valid identity code for `birth` with `individual` (2-899).
[[nodiscard]] std::string hetu_for(Date birth, int individual);

/// A complete person registration with the given card and identity code.
[[nodiscard]] PatronForm person_form(const std::string& card, const std::string& hetu);
/// An organisation registration with its responsible person.
[[nodiscard]] PatronForm organisation_form(const std::string& card, PatronId responsible);

/// A staff caller in `role`.
[[nodiscard]] Caller staff(Role role = Role::circulation);
/// A patron acting for themselves.
[[nodiscard]] Caller self_service(PatronId self);

}  // namespace patron::test
