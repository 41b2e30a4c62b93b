#include <fmt/format.h>

#include <iostream>

#include "common/patron_json.hpp"
#include "patron/circulation/circulation.hpp"
#include "patronctl/commands.hpp"

namespace patron::cli {
namespace {

std::string euros(std::int64_t cents) {
    return fmt::format("{}.{:02} EUR", cents / 100, cents % 100);
}

}  // namespace

int circulation_summary(Session& session, const PatronRef& ref) {
    const auto id = resolve_patron(session, ref);
    if (!id) return refused(id.error());
    Circulation circulation(session.context(), session.config().circulation);
    const auto s = circulation.summary(session.caller(), *id);
    if (!s) return refused(s.error());
    if (session.options().json) {
        std::cout << service::to_json(*s).dump(2) << "\n";
        return kOk;
    }
    std::vector<std::string> blocks;
    for (const BorrowBlock block : s->blocks) blocks.emplace_back(to_string(block));
    std::cout << fmt::format("loans          {} ({} overdue)\n", s->loans, s->overdue_loans)
              << fmt::format("holds          {} placed, {} ready for pickup\n", s->holds_placed,
                             s->holds_ready)
              << fmt::format("unpaid fees    {}\n", euros(s->unpaid_fees_cents))
              << fmt::format("open invoices  {} ({})\n", s->open_invoices,
                             euros(s->open_invoices_cents))
              << fmt::format("loan ban       {}\n", s->loan_ban ? "yes" : "no")
              << fmt::format(
                     "may borrow     {}\n",
                     s->may_borrow ? "yes" : fmt::format("no ({})", fmt::join(blocks, ", ")));
    return kOk;
}

}  // namespace patron::cli
