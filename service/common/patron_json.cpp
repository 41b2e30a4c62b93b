#include "common/patron_json.hpp"

#include <variant>

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

nlohmann::json optional_date(const std::optional<Date>& date) {
    return date ? nlohmann::json(to_iso(*date)) : nlohmann::json(nullptr);
}

nlohmann::json optional_time(const std::optional<TimePoint>& at) {
    return at ? nlohmann::json(to_iso(*at)) : nlohmann::json(nullptr);
}

template <class T>
nlohmann::json list(const std::vector<T>& values) {
    auto out = nlohmann::json::array();
    for (const auto& value : values) out.push_back(to_json(value));
    return out;
}

nlohmann::json blocks_of(const std::vector<BorrowBlock>& blocks) {
    auto out = nlohmann::json::array();
    for (const BorrowBlock block : blocks) out.push_back(to_string(block));
    return out;
}

nlohmann::json address_of(const std::optional<Address>& address) {
    if (!address) return nullptr;
    return {{"street", address->street},
            {"postal_code", address->postal_code.value()},
            {"post_office", address->post_office},
            {"country", address->country.value()}};
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
        j["consenting_guardians"] = ids(p.consenting_guardians);
        j["wards"] = ids(p.wards);
    } else {
        j["organisation_name"] = p.organisation_name;
        j["responsible_person"] =
            p.responsible_person ? nlohmann::json(p.responsible_person->value) : nullptr;
    }
    j["address"] = address_of(p.address);
    j["email"] = optional_text(p.email ? std::optional(p.email->value()) : std::nullopt);
    j["phones"] = nlohmann::json::array();
    for (const auto& phone : p.phones) j["phones"].push_back(phone.value());
    j["card_number"] = p.card.value();
    j["card_expires_on"] = optional_date(p.card_expires_on);
    j["home_library"] = p.home_library;
    j["category"] = p.category;
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
    j["last_card_activity"] = optional_date(p.last_card_activity);
    j["processing_restricted"] = p.processing_restricted;
    return j;
}

nlohmann::json to_json(const PatronSummary& s) {
    return {{"id", s.id.value},
            {"kind", to_string(s.kind)},
            {"name", s.display_name},
            {"card_number", s.card.value()},
            {"card_expires_on", optional_date(s.card_expires_on)},
            {"home_library", s.home_library}};
}

nlohmann::json to_json(const CirculationSummary& summary) {
    return {{"loans", summary.loans},
            {"overdue_loans", summary.overdue_loans},
            {"holds_placed", summary.holds_placed},
            {"holds_ready", summary.holds_ready},
            {"unpaid_fees_cents", summary.unpaid_fees_cents},
            {"open_invoices", summary.open_invoices},
            {"open_invoices_cents", summary.open_invoices_cents},
            {"loan_ban", summary.loan_ban},
            {"may_borrow", summary.may_borrow},
            {"blocks", blocks_of(summary.blocks)}};
}

nlohmann::json to_json(const Item& item) {
    return {{"barcode", item.barcode()},
            {"title", item.title()},
            {"material_type", item.material_type()}};
}

nlohmann::json to_json(const Loan& loan) {
    return {{"id", loan.id.value},           {"patron", loan.patron.value},
            {"item", to_json(loan.item)},    {"checked_out_at", to_iso(loan.checked_out_at)},
            {"due_on", to_iso(loan.due_on)}, {"renewals", loan.renewals}};
}

nlohmann::json to_json(const Hold& hold) {
    return {{"id", hold.id.value},
            {"patron", hold.patron.value},
            {"item", to_json(hold.item)},
            {"placed_at", to_iso(hold.placed_at)},
            {"status", to_string(hold.status)},
            {"pickup_by", optional_date(hold.pickup_by)}};
}

nlohmann::json to_json(const Fee& fee) {
    return {
        {"id", fee.id.value},
        {"patron", fee.patron.value},
        {"kind", to_string(fee.kind)},
        {"amount_cents", fee.amount_cents},
        {"description", fee.description},
        {"barcode", optional_text(fee.barcode)},
        {"created_at", to_iso(fee.created_at)},
        {"paid_at", optional_time(fee.paid_at)},
        {"cancelled_at", optional_time(fee.cancelled_at)},
        {"invoice", fee.invoice ? nlohmann::json(fee.invoice->value) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const Invoice& invoice) {
    auto fees = nlohmann::json::array();
    for (const FeeId fee : invoice.fees) fees.push_back(fee.value);
    return {{"id", invoice.id.value},
            {"patron", invoice.patron.value},
            {"number", invoice.number},
            {"issued_on", to_iso(invoice.issued_on)},
            {"due_on", to_iso(invoice.due_on)},
            {"total_cents", invoice.total_cents},
            {"status", to_string(invoice.status)},
            {"fees", fees}};
}

nlohmann::json to_json(const LoanBan& ban) {
    return {{"id", ban.id.value},
            {"patron", ban.patron.value},
            {"reason", ban.reason},
            {"starts_on", to_iso(ban.starts_on)},
            {"ends_on", optional_date(ban.ends_on)},
            {"lifted_at", optional_time(ban.lifted_at)}};
}

nlohmann::json to_json(const MessageRecord& message) {
    return {{"id", message.id.value},
            {"kind", to_string(message.kind)},
            {"channel", to_string(message.channel)},
            {"status", to_string(message.status)},
            {"attempts", message.attempts},
            {"created_at", to_iso(message.created_at)},
            {"sent_at", optional_time(message.sent_at)}};
}

nlohmann::json to_json(const CirculationRecord& record) {
    return {{"loans", list(record.loans)},         {"holds", list(record.holds)},
            {"fees", list(record.fees)},           {"invoices", list(record.invoices)},
            {"loan_bans", list(record.loan_bans)}, {"messages", list(record.messages)}};
}

nlohmann::json to_json(const ItemStatus& status) {
    return {{"item", to_json(status.item)},
            {"due_on", optional_date(status.due_on)},
            {"holds", status.holds},
            {"on_hold_shelf", status.on_hold_shelf}};
}

nlohmann::json to_json(const LoanHistoryView& history) {
    nlohmann::json consent = nullptr;
    if (history.consent) {
        consent = {{"granted_at", to_iso(history.consent->granted_at)},
                   {"granted_by", history.consent->granted_by},
                   {"method", to_string(history.consent->method)}};
    }
    auto entries = nlohmann::json::array();
    for (const auto& entry : history.entries) {
        entries.push_back({{"item", to_json(entry.item)},
                           {"checked_out_at", to_iso(entry.checked_out_at)},
                           {"returned_at", to_iso(entry.returned_at)}});
    }
    return {{"consent", consent}, {"entries", entries}};
}

nlohmann::json to_json(const store::OutgoingMessage& message) {
    nlohmann::json recipient = nullptr;
    if (message.recipient) {
        if (const auto* email = std::get_if<EmailAddress>(&*message.recipient)) {
            recipient = {{"email", email->value()}};
        } else if (const auto* phone = std::get_if<PhoneNumber>(&*message.recipient)) {
            recipient = {{"phone", phone->value()}};
        } else {
            recipient = {{"address", address_of(std::get<Address>(*message.recipient))}};
        }
    }
    return {{"id", message.id.value},
            {"patron", message.patron.value},
            {"kind", to_string(message.kind)},
            {"channel", to_string(message.channel)},
            {"recipient", recipient},
            {"display_name", message.display_name},
            {"title", message.title},
            {"due_on", optional_date(message.due_on)},
            {"pickup_by", optional_date(message.pickup_by)},
            {"attempts", message.attempts}};
}

nlohmann::json to_json(const KioskAnswer& answer) {
    nlohmann::json j{{"outcome", to_string(answer.outcome)},
                     {"card_known", answer.card_known},
                     {"pin_ok", answer.pin_ok},
                     {"may_borrow", answer.may_borrow},
                     {"blocks", blocks_of(answer.blocks)}};
    if (answer.display_name) j["display_name"] = *answer.display_name;
    if (answer.locked_until) j["locked_until"] = to_iso(*answer.locked_until);
    if (answer.retry_after) j["retry_after_seconds"] = answer.retry_after->count();
    return j;
}

nlohmann::json to_json(const ClientInfo& client) {
    return {{"name", client.name},
            {"role", to_string(client.role)},
            {"created_at", to_iso(client.created_at)},
            {"created_by", client.created_by},
            {"revoked_at", optional_time(client.revoked_at)},
            {"revoked_by", optional_text(client.revoked_by)},
            {"last_used_at", optional_time(client.last_used_at)}};
}

}  // namespace patron::service
