#include <fmt/format.h>

#include <iostream>

#include "common/patron_json.hpp"
#include "patron/register/register.hpp"
#include "patronctl/commands.hpp"
#include "patronctl/render.hpp"

namespace patron::cli {
namespace {

int show(Session& session, const Result<Patron>& patron) {
    if (!patron) return refused(patron.error());
    const Date today = session.clock().today();
    if (session.options().json) {
        std::cout << service::to_json(*patron, today).dump(2) << "\n";
    } else {
        print_patron(std::cout, *patron, today);
    }
    return kOk;
}

}  // namespace

Result<PatronId> resolve_patron(Session& session, const PatronRef& ref) {
    if (!ref.card) return PatronId{ref.id.value_or(0)};
    Register reg(session.context());
    const auto patron = reg.find_by_card(session.caller(), *ref.card);
    if (!patron) return tl::unexpected(patron.error());
    return patron->id;
}

int patron_add(Session& session, PatronForm form) {
    if (form.kind == "person") form.hetu = read_stdin_line("Identity code (HETU): ");
    Register reg(session.context());
    const auto id = reg.register_patron(session.caller(), form);
    if (!id) return refused(id.error());
    if (session.options().json) {
        std::cout << nlohmann::json{{"id", id->value}} << "\n";
    } else {
        std::cout << fmt::format("registered patron {}\n", id->value);
    }
    return kOk;
}

int patron_show(Session& session, const PatronSelector& selector) {
    Register reg(session.context());
    const Caller caller = session.caller();
    if (selector.id) return show(session, reg.find_by_id(caller, PatronId{*selector.id}));
    if (selector.card) return show(session, reg.find_by_card(caller, *selector.card));
    const std::string code = read_stdin_line("Identity code (HETU): ");
    return show(session, reg.find_by_hetu(caller, code));
}

int patron_update(Session& session, std::int64_t id, const ContactForm& change) {
    Register reg(session.context());
    return show(session, reg.update_contact(session.caller(), PatronId{id}, change));
}

int patron_list(Session& session, std::int64_t after, std::size_t limit) {
    Register reg(session.context());
    const auto page = reg.list(session.caller(), PatronId{after}, limit);
    if (!page) return refused(page.error());
    if (session.options().json) {
        auto items = nlohmann::json::array();
        for (const auto& s : *page) items.push_back(service::to_json(s));
        std::cout << nlohmann::json{{"patrons", items},
                                    {"next_after", page->size() < limit
                                                       ? nlohmann::json(nullptr)
                                                       : nlohmann::json(page->back().id.value)}}
                         .dump(2)
                  << "\n";
    } else {
        for (const auto& s : *page) print_summary(std::cout, s);
    }
    return kOk;
}

}  // namespace patron::cli
