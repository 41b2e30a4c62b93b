#include "patron/register/register.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "access/authorization.hpp"
#include "common/text.hpp"
#include "crypto/hetu_protector.hpp"
#include "patron/access/permissions.hpp"
#include "patron/audit/audit_event.hpp"
#include "patron/domain/date.hpp"
#include "register/form_validation.hpp"

namespace patron {
namespace {

constexpr std::size_t kMaxListLimit = 1000;

bool guardianship_in_force(const store::GuardianLink& link, Date today) {
    // The guardian's rights over the ward end on the ward's 15th birthday.
    return today < birthday(link.ward_birth_date, kWardAgeLimit);
}

// A guardian or responsible person: an adult person registered as a patron.
Result<void> check_adult_person(const std::optional<store::PatronRow>& row, const char* field,
                                ErrorCode code, Date today) {
    if (!row) return fail(code, field, "is not a registered patron");
    if (row->patron.kind != PatronKind::person || !row->birth_date) {
        return fail(code, field, "must be a person, not an organisation");
    }
    if (age_on(*row->birth_date, today) < kAdultAge) return fail(code, field, "must be an adult");
    return {};
}

}  // namespace

struct Register::Impl {
    Context context;
    crypto::HetuProtector protector;

    explicit Impl(const Context& c) : context(c), protector(c.keys) {}

    AuditEvent event(const Caller& caller, Operation operation, PatronId patron,
                     std::vector<std::string> fields = {}) const {
        return detail::audit_event(context.clock, caller, operation, patron, std::move(fields));
    }

    Patron to_patron(store::PatronRow&& row, Date today) const {
        Patron patron = std::move(row.patron);
        if (row.hetu) patron.hetu = protector.decrypt(*row.hetu);
        for (const auto& link : row.guardianships) {
            if (!guardianship_in_force(link, today)) continue;
            if (link.ward == patron.id) {
                patron.guardians.push_back(link.guardian);
                if (link.consent) patron.consenting_guardians.push_back(link.guardian);
            }
            if (link.guardian == patron.id) patron.wards.push_back(link.ward);
        }
        return patron;
    }

    // Shared tail of every lookup: permission on the found record, decryption, audit, commit.
    Result<Patron> read(const Caller& caller, store::Transaction& tx,
                        std::optional<store::PatronRow> row) {
        const std::optional<PatronId> target = row ? std::optional(row->patron.id) : std::nullopt;
        const Date today = context.clock.today();
        if (auto ok =
                detail::check_target(caller, Operation::read_patron, target, tx.patrons(), today);
            !ok) {
            return tl::unexpected(ok.error());
        }
        if (!row) return fail(ErrorCode::not_found, "", "no such patron");
        Patron patron = to_patron(std::move(*row), today);
        const AuditEvent e = event(caller, Operation::read_patron, patron.id);
        tx.audit().append({&e, 1});
        tx.commit();
        return patron;
    }
};

Register::Register(const Context& context) : impl_(std::make_unique<Impl>(context)) {}
Register::~Register() = default;

Result<PatronId> Register::register_patron(const Caller& caller, const PatronForm& form) {
    if (auto ok = detail::authorize(caller, Operation::register_patron); !ok) {
        return tl::unexpected(ok.error());
    }
    const Date today = impl_->context.clock.today();
    auto valid = detail::validate_registration(form, today);
    if (!valid) return tl::unexpected(valid.error());

    auto tx = impl_->context.database.begin();
    auto& patrons = tx->patrons();
    if (valid->guardian) {
        auto ok = check_adult_person(patrons.lock_by_id(*valid->guardian), "guardian",
                                     ErrorCode::guardian_required, today);
        if (!ok) return tl::unexpected(ok.error());
    }
    if (valid->responsible_person) {
        auto ok = check_adult_person(patrons.lock_by_id(*valid->responsible_person),
                                     "responsible_person", ErrorCode::invalid_input, today);
        if (!ok) return tl::unexpected(ok.error());
    }

    store::PatronRow row{.patron = std::move(valid->patron)};
    if (valid->hetu) {
        // Any index key still in use may hold this code (key rotation); the unique index covers
        // only the current key, so look it up under all of them first.
        const auto digests = impl_->protector.lookup_digests(*valid->hetu);
        if (patrons.find_by_digest(digests)) {
            return fail(ErrorCode::conflict, "hetu", "identity code is already registered");
        }
        row.hetu = impl_->protector.encrypt(*valid->hetu);
        row.digest = impl_->protector.digest(*valid->hetu);
        row.birth_date = valid->hetu->birth_date();
    }
    const TimePoint now = impl_->context.clock.now();
    row.patron.created_at = row.patron.modified_at = now;
    row.patron.created_by = row.patron.modified_by = caller.actor;

    const auto id = patrons.insert(row);
    if (!id) {
        if (patrons.find_by_card(row.patron.card)) {
            return fail(ErrorCode::conflict, "card_number", "card number is already registered");
        }
        return fail(ErrorCode::conflict, "hetu", "identity code is already registered");
    }
    std::vector<AuditEvent> events{impl_->event(caller, Operation::register_patron, *id)};
    if (valid->guardian) {
        patrons.add_guardian(*id, *valid->guardian, valid->guardian_consent, now, caller.actor);
        events.push_back(
            impl_->event(caller, Operation::add_guardian, *valid->guardian, {"wards"}));
    }
    if (valid->responsible_person) {
        patrons.set_responsible_person(*id, *valid->responsible_person, now, caller.actor);
        events.push_back(impl_->event(caller, Operation::register_patron,
                                      *valid->responsible_person, {"responsible_for"}));
    }
    tx->audit().append(events);
    tx->commit();
    return *id;
}

Result<Patron> Register::find_by_id(const Caller& caller, PatronId id) {
    if (auto ok = detail::check_caller(caller, Operation::read_patron); !ok) {
        return tl::unexpected(ok.error());
    }
    auto tx = impl_->context.database.begin();
    auto row = tx->patrons().find_by_id(id);
    return impl_->read(caller, *tx, std::move(row));
}

Result<Patron> Register::find_by_card(const Caller& caller, std::string_view card_number) {
    if (auto ok = detail::check_caller(caller, Operation::read_patron); !ok) {
        return tl::unexpected(ok.error());
    }
    auto card = CardNumber::parse(card_number);
    if (!card) return tl::unexpected(card.error());
    auto tx = impl_->context.database.begin();
    auto row = tx->patrons().find_by_card(*card);
    return impl_->read(caller, *tx, std::move(row));
}

Result<Patron> Register::find_by_hetu(const Caller& caller, std::string_view hetu) {
    if (auto ok = detail::check_caller(caller, Operation::read_patron); !ok) {
        return tl::unexpected(ok.error());
    }
    auto code = PersonalIdentityCode::parse(hetu, impl_->context.clock.today());
    if (!code) return tl::unexpected(code.error());
    const auto digests = impl_->protector.lookup_digests(*code);
    auto tx = impl_->context.database.begin();
    auto row = tx->patrons().find_by_digest(digests);
    return impl_->read(caller, *tx, std::move(row));
}

Result<std::vector<PatronSummary>> Register::list(const Caller& caller, PatronId after,
                                                  std::size_t limit) {
    if (auto ok = detail::authorize(caller, Operation::list_patrons); !ok) {
        return tl::unexpected(ok.error());
    }
    if (limit < 1 || limit > kMaxListLimit) {
        return invalid("limit", fmt::format("must be 1-{}", kMaxListLimit));
    }
    auto tx = impl_->context.database.begin();
    auto summaries = tx->patrons().list(after, limit);
    // Each listed patron's name and card were read: one entry each, in one statement.
    std::vector<AuditEvent> events;
    events.reserve(summaries.size());
    for (const auto& s : summaries)
        events.push_back(impl_->event(caller, Operation::list_patrons, s.id));
    tx->audit().append(events);
    tx->commit();
    return summaries;
}

Result<Patron> Register::update_contact(const Caller& caller, PatronId id,
                                        const ContactForm& change) {
    if (auto ok = detail::check_caller(caller, Operation::update_contact); !ok) {
        return tl::unexpected(ok.error());
    }
    const bool address_given =
        change.street_address || change.postal_code || change.post_office || change.country;
    if (caller.role == Role::patron && address_given) {
        return fail(ErrorCode::permission_denied, "street_address",
                    "a patron's address changes at the desk or from the population register");
    }
    auto tx = impl_->context.database.begin();
    auto& patrons = tx->patrons();
    if (auto ok = detail::check_target(caller, Operation::update_contact, id, patrons,
                                       impl_->context.clock.today());
        !ok) {
        return tl::unexpected(ok.error());
    }
    auto row = patrons.lock_by_id(id);
    if (!row) return fail(ErrorCode::not_found, "", "no such patron");
    std::vector<std::string> changed;
    auto data = detail::apply_contact_change(row->patron, change, changed);
    if (!data) return tl::unexpected(data.error());

    const TimePoint now = impl_->context.clock.now();
    if (!changed.empty()) {
        patrons.update_contact(id, *data, now, caller.actor);
        row->patron.address = data->address;
        row->patron.email = data->email;
        row->patron.phones = data->phones;
        row->patron.notices = data->notices;
        row->patron.modified_at = now;
        row->patron.modified_by = caller.actor;
    }
    Patron patron = impl_->to_patron(std::move(*row), impl_->context.clock.today());
    const AuditEvent e = impl_->event(caller, Operation::update_contact, id, std::move(changed));
    tx->audit().append({&e, 1});
    tx->commit();
    return patron;
}

Result<void> Register::record_card_activity(const Caller& caller, PatronId id, Date on) {
    const Date today = impl_->context.clock.today();
    auto tx = impl_->context.database.begin();
    if (auto ok =
            detail::authorize(caller, Operation::record_card_activity, id, tx->patrons(), today);
        !ok) {
        return tl::unexpected(ok.error());
    }
    if (!on.ok()) return invalid("date", "is not a calendar date");
    // A kiosk with a wrong clock must not pin the date in the future: inactivity-based retention
    // would then never see the patron as inactive.
    if (on > today) return invalid("date", "is in the future");
    if (!tx->patrons().record_card_activity(id, on)) {
        return fail(ErrorCode::not_found, "", "no such patron");
    }
    const AuditEvent e =
        impl_->event(caller, Operation::record_card_activity, id, {"last_card_activity"});
    tx->audit().append({&e, 1});
    tx->commit();
    return {};
}

Result<void> Register::add_guardian(const Caller& caller, PatronId ward, PatronId guardian) {
    const Date today = impl_->context.clock.today();
    auto tx = impl_->context.database.begin();
    auto& patrons = tx->patrons();
    if (auto ok = detail::authorize(caller, Operation::add_guardian, ward, patrons, today); !ok) {
        return tl::unexpected(ok.error());
    }
    const auto ward_row = patrons.lock_by_id(ward);
    if (!ward_row) return fail(ErrorCode::not_found, "ward", "no such patron");
    if (!ward_row->birth_date || age_on(*ward_row->birth_date, today) >= kWardAgeLimit) {
        return invalid("ward", "only a person under 15 has a guardian");
    }
    if (ward == guardian) return invalid("guardian", "a ward cannot be their own guardian");
    auto ok = check_adult_person(patrons.lock_by_id(guardian), "guardian",
                                 ErrorCode::guardian_required, today);
    if (!ok) return tl::unexpected(ok.error());
    // Naming a guardian already recorded changes nothing, so nothing is audited either.
    if (!patrons.add_guardian(ward, guardian, false, impl_->context.clock.now(), caller.actor)) {
        return {};
    }
    const std::vector<AuditEvent> events{
        impl_->event(caller, Operation::add_guardian, ward, {"guardians"}),
        impl_->event(caller, Operation::add_guardian, guardian, {"wards"})};
    tx->audit().append(events);
    tx->commit();
    return {};
}

Result<void> Register::set_guardian_consent(const Caller& caller, PatronId ward, PatronId guardian,
                                            bool consent) {
    const Date today = impl_->context.clock.today();
    auto tx = impl_->context.database.begin();
    auto& patrons = tx->patrons();
    if (auto ok = detail::authorize(caller, Operation::guardian_consent, ward, patrons, today);
        !ok) {
        return tl::unexpected(ok.error());
    }
    const auto ward_row = patrons.lock_by_id(ward);
    const bool linked =
        ward_row && std::any_of(ward_row->guardianships.begin(), ward_row->guardianships.end(),
                                [&](const store::GuardianLink& link) {
                                    return link.ward == ward && link.guardian == guardian;
                                });
    if (!linked) return fail(ErrorCode::not_found, "guardian", "no such guardianship");
    if (!ward_row->birth_date || age_on(*ward_row->birth_date, today) >= kWardAgeLimit) {
        return invalid("ward", "a person of 15 or more needs no guardian's consent");
    }
    // Recording what is already recorded changes nothing, so nothing is audited either.
    if (!patrons.set_guardian_consent(ward, guardian, consent, impl_->context.clock.now(),
                                      caller.actor)) {
        return {};
    }
    const std::vector<AuditEvent> events{
        impl_->event(caller, Operation::guardian_consent, ward, {"guardian_consent"}),
        impl_->event(caller, Operation::guardian_consent, guardian, {"guardian_consent"})};
    tx->audit().append(events);
    tx->commit();
    return {};
}

Result<void> Register::set_category(const Caller& caller, PatronId id, std::string_view category) {
    auto code = detail::code_field("category", category);
    if (!code) return tl::unexpected(code.error());
    auto tx = impl_->context.database.begin();
    if (auto ok = detail::authorize(caller, Operation::set_category, id, tx->patrons(),
                                    impl_->context.clock.today());
        !ok) {
        return tl::unexpected(ok.error());
    }
    if (!tx->patrons().set_category(id, *code, impl_->context.clock.now(), caller.actor)) {
        return fail(ErrorCode::not_found, "", "no such patron");
    }
    const AuditEvent e = impl_->event(caller, Operation::set_category, id, {"category"});
    tx->audit().append({&e, 1});
    tx->commit();
    return {};
}

}  // namespace patron
