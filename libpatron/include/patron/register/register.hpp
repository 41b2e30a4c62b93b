#pragma once
/// @file
/// The patron register service: registering, finding and updating patrons, with the register's
/// rules, the permission table and the audit log applied on every call.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/context.hpp"
#include "patron/register/patron_form.hpp"
#include "patron/result.hpp"

namespace patron {

/// The register (asiakasrekisteri). Every call names its caller; the permission table decides,
/// and every read or change of personal data writes an audit entry (actor, role, action, patron,
/// purpose, changed field names) in the same transaction — never the data itself.
///
/// Refusals are `Result` errors: `permission_denied` (the role may not, or not on this patron),
/// `invalid_input` (with the field), `not_found`, `conflict` (card number or identity code taken),
/// `guardian_required`. A caller without an actor or a purpose is refused as `invalid_input`.
/// Every method @throws DatabaseError / TransactionConflict on storage failures.
/// Thread-safe: each call runs in its own transaction.
class Register {
public:
    explicit Register(const Context& context);
    ~Register();
    Register(const Register&) = delete;
    Register& operator=(const Register&) = delete;

    /// Registers a person or an organisation customer. Rules: a person under 15 needs `guardian`,
    /// an adult person patron (a person of 15 or more must not name one); an organisation needs
    /// `responsible_person`, an adult person patron; a notice channel needs its contact (email;
    /// a phone for sms; an address for letter).
    [[nodiscard]] Result<PatronId> register_patron(const Caller& caller, const PatronForm& form);

    [[nodiscard]] Result<Patron> find_by_id(const Caller& caller, PatronId id);
    [[nodiscard]] Result<Patron> find_by_card(const Caller& caller, std::string_view card_number);
    /// Exact lookup by identity code through the blind index (never searched in clear).
    [[nodiscard]] Result<Patron> find_by_hetu(const Caller& caller, std::string_view hetu);

    /// Up to `limit` (1–1000) summaries with id greater than `after`, by id.
    [[nodiscard]] Result<std::vector<PatronSummary>> list(const Caller& caller, PatronId after,
                                                          std::size_t limit);

    /// Changes contact data and notice channels; audits the names of the fields that changed.
    /// Returns the updated record. A patron acting for themselves (or a guardian or responsible
    /// person) may not change the address: `permission_denied` (field "street_address").
    [[nodiscard]] Result<Patron> update_contact(const Caller& caller, PatronId id,
                                                const ContactForm& change);

    /// Notes that the card was used on `on` (kept only if later than the recorded date; a date
    /// after today is refused).
    [[nodiscard]] Result<void> record_card_activity(const Caller& caller, PatronId id, Date on);

    /// Adds a guardian (an adult person patron) to a ward under 15. Naming a guardian already
    /// recorded succeeds and changes (and audits) nothing.
    [[nodiscard]] Result<void> add_guardian(const Caller& caller, PatronId ward, PatronId guardian);

    /// Records (`consent` true) or withdraws a guardian's consent to the ward's borrowing and
    /// self-service use; a ward without it may not borrow at kiosks. `not_found` (field
    /// "guardian") when `guardian` is not a recorded guardian of `ward`.
    [[nodiscard]] Result<void> set_guardian_consent(const Caller& caller, PatronId ward,
                                                    PatronId guardian, bool consent);

    /// Sets the patron category that loan rules use (see Patron::category).
    [[nodiscard]] Result<void> set_category(const Caller& caller, PatronId id,
                                            std::string_view category);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
