#include <fmt/format.h>

#include "common/text.hpp"
#include "patron/domain/date.hpp"
#include "register/form_validation.hpp"

namespace patron::detail {
namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxPhones = 5;

Result<Channel> channel_field(const char* field, std::string_view text) {
    const std::string_view value = trim(text);
    if (value.empty()) return Channel::none;
    const auto channel = parse_channel(value);
    if (!channel) return invalid(field, "must be email, sms, letter or none");
    return *channel;
}

Result<NotificationChannels> channels_field(std::string_view due, std::string_view overdue,
                                            std::string_view hold) {
    NotificationChannels channels;
    auto d = channel_field("due_date_reminder", due);
    if (!d) return tl::unexpected(d.error());
    auto o = channel_field("overdue_notice", overdue);
    if (!o) return tl::unexpected(o.error());
    auto h = channel_field("hold_ready", hold);
    if (!h) return tl::unexpected(h.error());
    return NotificationChannels{*d, *o, *h};
}

// An address is all of street, postal code and post office, or none of them.
Result<std::optional<Address>> address_field(std::string_view street, std::string_view postal,
                                             std::string_view office, std::string_view country) {
    const bool any = !trim(street).empty() || !trim(postal).empty() || !trim(office).empty();
    if (!any) return std::optional<Address>{};
    auto s = text_field("street_address", street, kMaxNameBytes);
    if (!s) return tl::unexpected(s.error());
    auto c = CountryCode::parse(trim(country).empty() ? "FI" : country);
    if (!c) return tl::unexpected(c.error());
    auto p = PostalCode::parse(postal, *c);
    if (!p) return tl::unexpected(p.error());
    auto o = text_field("post_office", office, kMaxNameBytes);
    if (!o) return tl::unexpected(o.error());
    return std::optional<Address>{
        Address{std::move(*s), std::move(*p), std::move(*o), std::move(*c)}};
}

Result<std::optional<EmailAddress>> email_field(std::string_view text) {
    if (trim(text).empty()) return std::optional<EmailAddress>{};
    auto email = EmailAddress::parse(text);
    if (!email) return tl::unexpected(email.error());
    return std::optional<EmailAddress>{std::move(*email)};
}

Result<std::vector<PhoneNumber>> phones_field(const std::vector<std::string>& texts) {
    std::vector<PhoneNumber> phones;
    for (const auto& text : texts) {
        if (trim(text).empty()) continue;
        auto phone = PhoneNumber::parse(text);
        if (!phone) return tl::unexpected(phone.error());
        if (std::find(phones.begin(), phones.end(), *phone) == phones.end()) {
            phones.push_back(std::move(*phone));
        }
    }
    if (phones.size() > kMaxPhones) {
        return invalid("phones", fmt::format("at most {} phone numbers", kMaxPhones));
    }
    return phones;
}

// A notice can only go where the patron can be reached.
Result<void> check_channels(const NotificationChannels& channels,
                            const std::optional<Address>& address,
                            const std::optional<EmailAddress>& email,
                            const std::vector<PhoneNumber>& phones) {
    const std::pair<const char*, Channel> all[] = {
        {"due_date_reminder", channels.due_date_reminder},
        {"overdue_notice", channels.overdue_notice},
        {"hold_ready", channels.hold_ready}};
    for (const auto& [field, channel] : all) {
        if (channel == Channel::email && !email)
            return invalid(field, "email channel needs an email address");
        if (channel == Channel::sms && phones.empty())
            return invalid(field, "sms channel needs a phone number");
        if (channel == Channel::letter && !address)
            return invalid(field, "letter channel needs a postal address");
    }
    return {};
}

}  // namespace

Result<ValidRegistration> validate_registration(const PatronForm& form, Date today) {
    auto card = CardNumber::parse(form.card_number);
    if (!card) return tl::unexpected(card.error());
    ValidRegistration out{.patron = {.card = std::move(*card)}};
    Patron& p = out.patron;
    const auto kind = parse_patron_kind(trim(form.kind));
    if (!kind) return invalid("kind", "must be person or organisation");
    p.kind = *kind;

    if (p.kind == PatronKind::person) {
        auto hetu = PersonalIdentityCode::parse(form.hetu, today);
        if (!hetu) return tl::unexpected(hetu.error());
        auto surname = text_field("surname", form.surname, kMaxNameBytes);
        if (!surname) return tl::unexpected(surname.error());
        auto given = text_field("given_names", form.given_names, kMaxNameBytes);
        if (!given) return tl::unexpected(given.error());
        if (!trim(form.organisation_name).empty()) {
            return invalid("organisation_name", "only an organisation has one");
        }
        if (form.responsible_person) {
            return invalid("responsible_person", "only an organisation has one");
        }
        const bool ward = hetu->age_on(today) < kWardAgeLimit;
        if (ward && !form.guardian) {
            return fail(ErrorCode::guardian_required, "guardian",
                        "a person under 15 is registered only with a guardian");
        }
        if (!ward && form.guardian) {
            return invalid("guardian", "only a person under 15 is registered with a guardian");
        }
        p.surname = std::move(*surname);
        p.given_names = std::move(*given);
        if (form.guardian_consent && !form.guardian) {
            return invalid("guardian_consent", "only a guardian gives consent");
        }
        out.hetu = std::move(*hetu);
        out.guardian = form.guardian;
        out.guardian_consent = form.guardian_consent;
    } else {
        for (const auto& [field, value] :
             {std::pair{"hetu", &form.hetu}, std::pair{"surname", &form.surname},
              std::pair{"given_names", &form.given_names}, std::pair{"gender", &form.gender}}) {
            if (!trim(*value).empty()) return invalid(field, "an organisation has none");
        }
        auto name = text_field("organisation_name", form.organisation_name, kMaxNameBytes);
        if (!name) return tl::unexpected(name.error());
        if (form.guardian || form.guardian_consent) {
            return invalid("guardian", "an organisation has no guardian");
        }
        if (!form.responsible_person) {
            return invalid("responsible_person", "an organisation needs a responsible person");
        }
        p.organisation_name = std::move(*name);
        out.responsible_person = form.responsible_person;
    }

    auto address =
        address_field(form.street_address, form.postal_code, form.post_office, form.country);
    if (!address) return tl::unexpected(address.error());
    auto email = email_field(form.email);
    if (!email) return tl::unexpected(email.error());
    auto phones = phones_field(form.phones);
    if (!phones) return tl::unexpected(phones.error());
    if (!trim(form.card_expires_on).empty()) {
        const auto expires = parse_iso_date(trim(form.card_expires_on));
        if (!expires) return invalid("card_expires_on", "must be a date YYYY-MM-DD");
        p.card_expires_on = *expires;
    }
    auto library = text_field("home_library", form.home_library, kMaxNameBytes);
    if (!library) return tl::unexpected(library.error());
    if (trim(form.category).empty()) {
        p.category = p.kind == PatronKind::organisation ? "organisation" : "adult";
    } else {
        auto category = code_field("category", form.category);
        if (!category) return tl::unexpected(category.error());
        p.category = std::move(*category);
    }
    if (!trim(form.mother_tongue).empty()) {
        auto language = LanguageCode::parse(form.mother_tongue);
        if (!language) return tl::unexpected(language.error());
        p.mother_tongue = std::move(*language);
    }
    if (!trim(form.gender).empty()) {
        const auto gender = parse_gender(trim(form.gender));
        if (!gender) return invalid("gender", "must be female, male, other or not_given");
        p.gender = *gender;
    }
    auto channels = channels_field(form.due_date_reminder, form.overdue_notice, form.hold_ready);
    if (!channels) return tl::unexpected(channels.error());
    if (auto ok = check_channels(*channels, *address, *email, *phones); !ok) {
        return tl::unexpected(ok.error());
    }
    p.address = std::move(*address);
    p.email = std::move(*email);
    p.phones = std::move(*phones);
    p.home_library = std::move(*library);
    p.notices = *channels;
    return out;
}

Result<store::ContactData> apply_contact_change(const Patron& current, const ContactForm& change,
                                                std::vector<std::string>& changed) {
    store::ContactData data{current.address, current.email, current.phones, current.notices};
    if (change.street_address || change.postal_code || change.post_office || change.country) {
        if (!change.street_address || !change.postal_code || !change.post_office) {
            return invalid("street_address",
                           "an address changes whole: street, postal code and post office");
        }
        auto address = address_field(*change.street_address, *change.postal_code,
                                     *change.post_office, change.country.value_or("FI"));
        if (!address) return tl::unexpected(address.error());
        data.address = std::move(*address);
    }
    if (change.email) {
        auto email = email_field(*change.email);
        if (!email) return tl::unexpected(email.error());
        data.email = std::move(*email);
    }
    if (change.phones) {
        auto phones = phones_field(*change.phones);
        if (!phones) return tl::unexpected(phones.error());
        data.phones = std::move(*phones);
    }
    auto channels = channels_field(
        change.due_date_reminder.value_or(std::string(to_string(data.notices.due_date_reminder))),
        change.overdue_notice.value_or(std::string(to_string(data.notices.overdue_notice))),
        change.hold_ready.value_or(std::string(to_string(data.notices.hold_ready))));
    if (!channels) return tl::unexpected(channels.error());
    data.notices = *channels;
    if (auto ok = check_channels(data.notices, data.address, data.email, data.phones); !ok) {
        return tl::unexpected(ok.error());
    }

    if (data.address != current.address) changed.emplace_back("address");
    if (data.email != current.email) changed.emplace_back("email");
    if (data.phones != current.phones) changed.emplace_back("phones");
    if (data.notices.due_date_reminder != current.notices.due_date_reminder) {
        changed.emplace_back("due_date_reminder");
    }
    if (data.notices.overdue_notice != current.notices.overdue_notice) {
        changed.emplace_back("overdue_notice");
    }
    if (data.notices.hold_ready != current.notices.hold_ready) changed.emplace_back("hold_ready");
    return data;
}

}  // namespace patron::detail
