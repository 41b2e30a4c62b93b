#pragma once
/// @file
/// Patron data as text fields, the way a desk client, a web form or the CLI sends it.

#include <optional>
#include <string>
#include <vector>

#include "patron/domain/patron.hpp"

namespace patron {

/// A registration. Empty strings mean "not given". Validation (Register::register_patron) names
/// the first bad field in `Error::field`, using the member names below.
struct PatronForm {
    std::string kind = "person";    ///< "person" or "organisation"
    std::string hetu;               ///< persons: required
    std::string surname;            ///< persons: required
    std::string given_names;        ///< persons: required
    std::string organisation_name;  ///< organisations: required
    std::string street_address;     ///< address: street, postal code and post office together
    std::string postal_code;
    std::string post_office;
    std::string country = "FI";
    std::string email;
    std::vector<std::string> phones;
    std::string card_number;      ///< required
    std::string card_expires_on;  ///< ISO date "YYYY-MM-DD"; empty: valid until further notice
    std::string home_library;     ///< required
    /// The library's patron category (see Patron::category); empty: "adult" for a person,
    /// "organisation" for an organisation.
    std::string category;
    std::string mother_tongue;      ///< ISO 639-1
    std::string gender;             ///< "female", "male", "other" or empty
    std::string due_date_reminder;  ///< "email", "sms", "letter", "none" or empty (none)
    std::string overdue_notice;
    std::string hold_ready;
    std::optional<PatronId> guardian;  ///< required for a person under 15
    /// The guardian signed the consent to the ward's borrowing and self-service use.
    bool guardian_consent = false;
    std::optional<PatronId> responsible_person;  ///< required for an organisation
};

/// A change of contact data: only the fields given change. A patron acting for themselves (role
/// `patron`) changes email, phones and notice channels; the address comes from the population
/// register or the desk. The address changes as a whole: give
/// street, postal code and post office together (country defaults to "FI"), or all three empty to
/// remove it. An empty email removes it; `phones` replaces the whole list.
struct ContactForm {
    std::optional<std::string> street_address;
    std::optional<std::string> postal_code;
    std::optional<std::string> post_office;
    std::optional<std::string> country;
    std::optional<std::string> email;
    std::optional<std::vector<std::string>> phones;
    std::optional<std::string> due_date_reminder;
    std::optional<std::string> overdue_notice;
    std::optional<std::string> hold_ready;
};

}  // namespace patron
