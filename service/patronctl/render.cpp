#include "patronctl/render.hpp"

#include <fmt/format.h>

#include "patron/domain/date.hpp"

namespace patron::cli {
namespace {

std::string id_list(const std::vector<PatronId>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id.value);
    return out.empty() ? "-" : out;
}

void line(std::ostream& out, std::string_view label, std::string_view value) {
    out << fmt::format("  {:<20}{}\n", label, value.empty() ? "-" : value);
}

}  // namespace

void print_patron(std::ostream& out, const Patron& p, Date today) {
    out << fmt::format("patron {} ({})\n", p.id.value, to_string(p.kind));
    line(out, "name", p.display_name());
    if (p.hetu) {
        line(out, "identity code", p.hetu->masked());
        line(out, "birth date",
             fmt::format("{} (age {})", to_iso(p.hetu->birth_date()), p.hetu->age_on(today)));
    }
    line(out, "card", p.card.value());
    line(out, "home library", p.home_library);
    if (p.address) {
        line(out, "address",
             fmt::format("{}, {} {}, {}", p.address->street, p.address->postal_code.value(),
                         p.address->post_office, p.address->country.value()));
    } else {
        line(out, "address", "");
    }
    line(out, "email", p.email ? p.email->value() : "");
    std::string phones;
    for (const auto& phone : p.phones) phones += (phones.empty() ? "" : ", ") + phone.value();
    line(out, "phones", phones);
    line(out, "mother tongue", p.mother_tongue ? p.mother_tongue->value() : "");
    if (p.kind == PatronKind::person) line(out, "gender", to_string(p.gender));
    line(out, "notices",
         fmt::format("due date {}, overdue {}, hold ready {}",
                     to_string(p.notices.due_date_reminder), to_string(p.notices.overdue_notice),
                     to_string(p.notices.hold_ready)));
    if (p.kind == PatronKind::person) {
        line(out, "guardians", id_list(p.guardians));
        line(out, "wards under 15", id_list(p.wards));
    } else {
        line(out, "responsible person",
             p.responsible_person ? std::to_string(p.responsible_person->value) : "");
    }
    line(out, "created", fmt::format("{} by {}", to_iso(p.created_at), p.created_by));
    line(out, "modified", fmt::format("{} by {}", to_iso(p.modified_at), p.modified_by));
    line(out, "last card activity", p.last_card_activity ? to_iso(*p.last_card_activity) : "");
}

void print_summary(std::ostream& out, const PatronSummary& s) {
    out << fmt::format("{:>8}  {:<12}  {:<20}  {:<16}  {}\n", s.id.value, to_string(s.kind),
                       s.card.value(), s.home_library, s.display_name);
}

std::string hex(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
    return out;
}

}  // namespace patron::cli
