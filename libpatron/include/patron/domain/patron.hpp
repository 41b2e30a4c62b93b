#pragma once
/// @file
/// A patron record (asiakastietue) as the register returns it.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/clock.hpp"
#include "patron/domain/contact.hpp"
#include "patron/domain/hetu.hpp"

namespace patron {

/// Identifier of a patron record; assigned by the register, never reused.
struct PatronId {
    std::int64_t value = 0;
    friend auto operator<=>(const PatronId&, const PatronId&) = default;
};

/// A person, or an organisation customer (yhteisöasiakas) such as a school or day-care centre.
enum class PatronKind { person, organisation };

/// sukupuoli, as the patron states it; never derived from the identity code.
enum class Gender { not_given, female, male, other };

/// asiakaspostin lähetystapa: how one kind of notice reaches the patron.
enum class Channel { none, email, sms, letter };

/// The channel for each of the three notice types the register sends.
struct NotificationChannels {
    Channel due_date_reminder = Channel::none;  ///< eräpäivämuistutus
    Channel overdue_notice = Channel::none;     ///< myöhästymisilmoitus
    Channel hold_ready = Channel::none;         ///< varauksen noutoilmoitus
    friend bool operator==(const NotificationChannels&, const NotificationChannels&) = default;
};

/// Postal address: katuosoite, postinumero, postitoimipaikka, maa.
struct Address {
    std::string street;
    PostalCode postal_code;
    std::string post_office;
    CountryCode country;
    friend bool operator==(const Address&, const Address&) = default;
};

/// A whole patron record, identity code decrypted. Personal data: never log it.
struct Patron {
    PatronId id;
    PatronKind kind = PatronKind::person;
    std::optional<PersonalIdentityCode> hetu;  ///< persons only
    std::string surname;                       ///< persons only
    std::string given_names;                   ///< persons only
    std::string organisation_name;             ///< organisations only
    std::optional<Address> address;
    std::optional<EmailAddress> email;
    std::vector<PhoneNumber> phones;
    CardNumber card;
    std::optional<Date> card_expires_on;  ///< kortin voimassaolo; empty: valid until further notice
    std::string home_library;
    /// The library's patron category ("adult", "child", "home_service", "organisation", ...):
    /// with the material type it decides loan periods.
    std::string category;
    std::optional<LanguageCode> mother_tongue;
    Gender gender = Gender::not_given;
    NotificationChannels notices;
    TimePoint created_at;
    std::string created_by;
    TimePoint modified_at;
    std::string modified_by;
    std::optional<Date> last_card_activity;
    /// Restriction of processing (GDPR art. 18) in force: stored, but not processed.
    bool processing_restricted = false;
    /// Guardians whose rights are in force today (the ward is under 15).
    std::vector<PatronId> guardians;
    /// Of `guardians`, those who have recorded consent to the ward's borrowing and self-service
    /// use (the signed application).
    std::vector<PatronId> consenting_guardians;
    /// Wards under 15 today of whom this patron is a guardian.
    std::vector<PatronId> wards;
    /// Organisations only: the responsible person (vastuuhenkilö).
    std::optional<PatronId> responsible_person;

    /// Display name: "Surname, Given Names" or the organisation's name.
    [[nodiscard]] std::string display_name() const;
};

/// One line of a patron listing: no identity code, no contact data.
struct PatronSummary {
    PatronId id;
    PatronKind kind = PatronKind::person;
    std::string display_name;
    CardNumber card;
    std::optional<Date> card_expires_on;  ///< kortin voimassaolo; empty: valid until further notice
    std::string home_library;
};

/// The age below which a person needs a guardian, and at which the guardian's rights end
/// (the library's rule for children's cards).
inline constexpr int kWardAgeLimit = 15;
/// The age from which a person may be a guardian or a responsible person.
inline constexpr int kAdultAge = 18;

/// Stable names used in storage, JSON and the CLI ("person", "female", "sms", ...).
[[nodiscard]] std::string_view to_string(PatronKind kind) noexcept;
[[nodiscard]] std::string_view to_string(Gender gender) noexcept;
[[nodiscard]] std::string_view to_string(Channel channel) noexcept;
/// Parses the names above; empty on anything else.
[[nodiscard]] std::optional<PatronKind> parse_patron_kind(std::string_view text) noexcept;
[[nodiscard]] std::optional<Gender> parse_gender(std::string_view text) noexcept;
[[nodiscard]] std::optional<Channel> parse_channel(std::string_view text) noexcept;

}  // namespace patron
