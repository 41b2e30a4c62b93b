#pragma once
/// @file
/// Storage of patron records. Speaks domain types; the identity code only in protected form.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "patron/crypto/protected_hetu.hpp"
#include "patron/domain/patron.hpp"

namespace patron::store {

/// A guardianship as stored: the ward (with birth date, which decides whether it is in force) and
/// the guardian.
struct GuardianLink {
    PatronId ward;
    Date ward_birth_date;
    PatronId guardian;
    bool consent = false;  ///< the guardian's consent to the ward's borrowing is recorded
};

/// A patron record as stored. `patron.hetu`, `patron.guardians` and `patron.wards` are empty: the
/// code is in `hetu`/`digest`, and whether a guardianship is in force is the register's decision.
struct PatronRow {
    Patron patron;
    std::optional<EncryptedHetu> hetu;
    std::optional<HetuDigest> digest;
    std::optional<Date> birth_date;           ///< persons: derived from the identity code
    std::vector<GuardianLink> guardianships;  ///< links in which this patron is ward or guardian
};

/// How one patron stands to another, for acting on their behalf.
struct Representation {
    std::optional<Date> ward_birth_date;  ///< a guardian of the other (in force while under 15)
    bool responsible_person = false;      ///< the responsible person of the other, an organisation
};

/// The fields `update_contact` replaces.
struct ContactData {
    std::optional<Address> address;
    std::optional<EmailAddress> email;
    std::vector<PhoneNumber> phones;
    NotificationChannels notices;
};

/// Patron records within one transaction (see store::Transaction). Not thread-safe.
/// Every method @throws DatabaseError (or TransactionConflict) on a storage failure.
class PatronRepository {
public:
    virtual ~PatronRepository() = default;

    /// Inserts a record (its `patron.id`, guardianship and responsible person are ignored).
    /// Empty when the card number or identity code digest is already registered (nothing written).
    [[nodiscard]] virtual std::optional<PatronId> insert(const PatronRow& row) = 0;

    [[nodiscard]] virtual std::optional<PatronRow> find_by_id(PatronId id) = 0;
    /// As find_by_id, and locks the record until the transaction ends (read-modify-write).
    [[nodiscard]] virtual std::optional<PatronRow> lock_by_id(PatronId id) = 0;
    [[nodiscard]] virtual std::optional<PatronRow> find_by_card(const CardNumber& card) = 0;
    /// The patron whose digest equals any of `digests` (one per index key in use).
    [[nodiscard]] virtual std::optional<PatronRow> find_by_digest(
        std::span<const HetuDigest> digests) = 0;

    /// Summaries ordered by id, of patrons with id greater than `after` (keyset pagination).
    [[nodiscard]] virtual std::vector<PatronSummary> list(PatronId after, std::size_t limit) = 0;

    /// Replaces the contact fields and stamps the modification. False when no such patron.
    virtual bool update_contact(PatronId id, const ContactData& contact, TimePoint at,
                                std::string_view actor) = 0;

    /// Sets the last card activity date unless a later one is recorded. False when no such patron.
    virtual bool record_card_activity(PatronId id, Date on) = 0;

    /// Records `guardian` as a guardian of `ward`, with consent when `consent`. False (nothing
    /// written) when already recorded.
    virtual bool add_guardian(PatronId ward, PatronId guardian, bool consent, TimePoint at,
                              std::string_view actor) = 0;

    /// Records (or withdraws) a guardian's consent. False when no such guardianship or when it
    /// is already so.
    virtual bool set_guardian_consent(PatronId ward, PatronId guardian, bool consent, TimePoint at,
                                      std::string_view actor) = 0;

    /// How `person` stands to `target` (nothing when unrelated or either does not exist).
    [[nodiscard]] virtual Representation representation(PatronId person, PatronId target) = 0;

    /// Sets the patron category and stamps the modification. False when no such patron.
    virtual bool set_category(PatronId id, std::string_view category, TimePoint at,
                              std::string_view actor) = 0;

    /// Sets the responsible person of an organisation customer.
    virtual void set_responsible_person(PatronId organisation, PatronId person, TimePoint at,
                                        std::string_view actor) = 0;
};

}  // namespace patron::store
