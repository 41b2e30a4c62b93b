#include "common/patron_json.hpp"

#include "patron/domain/date.hpp"

namespace patron::service {
namespace {

nlohmann::json ids(const std::vector<PatronId>& list) {
    auto out = nlohmann::json::array();
    for (const auto& id : list) out.push_back(id.value);
    return out;
}

nlohmann::json optional_text(const std::optional<std::string>& text) {
    return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const Patron& p, Date today) {
    nlohmann::json j;
    j["id"] = p.id.value;
    j["kind"] = to_string(p.kind);
    if (p.kind == PatronKind::person) {
        j["surname"] = p.surname;
        j["given_names"] = p.given_names;
        if (p.hetu) {
            j["hetu_masked"] = p.hetu->masked();
            j["birth_date"] = to_iso(p.hetu->birth_date());
            j["age"] = p.hetu->age_on(today);
        }
        j["guardians"] = ids(p.guardians);
        j["wards"] = ids(p.wards);
    } else {
        j["organisation_name"] = p.organisation_name;
        j["responsible_person"] =
            p.responsible_person ? nlohmann::json(p.responsible_person->value) : nullptr;
    }
    if (p.address) {
        j["address"] = {{"street", p.address->street},
                        {"postal_code", p.address->postal_code.value()},
                        {"post_office", p.address->post_office},
                        {"country", p.address->country.value()}};
    } else {
        j["address"] = nullptr;
    }
    j["email"] = optional_text(p.email ? std::optional(p.email->value()) : std::nullopt);
    j["phones"] = nlohmann::json::array();
    for (const auto& phone : p.phones) j["phones"].push_back(phone.value());
    j["card_number"] = p.card.value();
    j["home_library"] = p.home_library;
    j["mother_tongue"] =
        optional_text(p.mother_tongue ? std::optional(p.mother_tongue->value()) : std::nullopt);
    j["gender"] = to_string(p.gender);
    j["notices"] = {{"due_date_reminder", to_string(p.notices.due_date_reminder)},
                    {"overdue_notice", to_string(p.notices.overdue_notice)},
                    {"hold_ready", to_string(p.notices.hold_ready)}};
    j["created_at"] = to_iso(p.created_at);
    j["created_by"] = p.created_by;
    j["modified_at"] = to_iso(p.modified_at);
    j["modified_by"] = p.modified_by;
    j["last_card_activity"] = optional_text(
        p.last_card_activity ? std::optional(to_iso(*p.last_card_activity)) : std::nullopt);
    return j;
}

nlohmann::json to_json(const PatronSummary& s) {
    return {{"id", s.id.value},
            {"kind", to_string(s.kind)},
            {"name", s.display_name},
            {"card_number", s.card.value()},
            {"home_library", s.home_library}};
}

nlohmann::json to_json(const CirculationSummary& summary) {
    auto blocks = nlohmann::json::array();
    for (const BorrowBlock block : summary.blocks) blocks.push_back(to_string(block));
    return {{"loans", summary.loans},
            {"overdue_loans", summary.overdue_loans},
            {"holds_placed", summary.holds_placed},
            {"holds_ready", summary.holds_ready},
            {"unpaid_fees_cents", summary.unpaid_fees_cents},
            {"open_invoices", summary.open_invoices},
            {"open_invoices_cents", summary.open_invoices_cents},
            {"loan_ban", summary.loan_ban},
            {"may_borrow", summary.may_borrow},
            {"blocks", blocks}};
}

}  // namespace patron::service
