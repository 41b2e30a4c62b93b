#pragma once
// Turning the text forms of patron/register/patron_form.hpp into validated values.

#include <optional>
#include <string>
#include <vector>

#include "patron/register/patron_form.hpp"
#include "patron/result.hpp"
#include "patron/store/patron_repository.hpp"

namespace patron::detail {

/// A registration whose every field is valid; cross-record rules (guardian exists, card free)
/// are checked by the register against storage.
struct ValidRegistration {
    Patron patron;  // id and record metadata unset
    std::optional<PersonalIdentityCode> hetu;
    std::optional<PatronId> guardian;
    bool guardian_consent = false;
    std::optional<PatronId> responsible_person;
};

/// Validates every field and the rules within one record (a person under 15 names a guardian;
/// an organisation names a responsible person; notice channels have their contact).
[[nodiscard]] Result<ValidRegistration> validate_registration(const PatronForm& form, Date today);

/// Applies `change` to `current`, validating what is given. `changed` receives the names of the
/// fields whose value differs afterwards.
[[nodiscard]] Result<store::ContactData> apply_contact_change(const Patron& current,
                                                              const ContactForm& change,
                                                              std::vector<std::string>& changed);

}  // namespace patron::detail
