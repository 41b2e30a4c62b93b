#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "common/patron_json.hpp"
#include "patron/domain/date.hpp"
#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/pin/pin_service.hpp"
#include "patronctl/commands.hpp"

namespace patron::cli {
namespace {

std::string_view text_of(const SecretBytes& secret) {
    return {reinterpret_cast<const char*>(secret.bytes().data()), secret.size()};
}

}  // namespace

int pin_set(Session& session, const PatronRef& ref) {
    const auto id = resolve_patron(session, ref);
    if (!id) return refused(id.error());
    const SecretBytes pin = read_secret("New PIN: ");
    PinService pins(session.context(), session.config().pin);
    if (auto ok = pins.set_pin(session.caller(), *id, text_of(pin)); !ok) {
        return refused(ok.error());
    }
    std::cout << fmt::format("PIN set for patron {}\n", id->value);
    return kOk;
}

int pin_verify(Session& session, const std::string& card, bool disclose_name) {
    const SecretBytes pin = read_secret("PIN: ");
    KioskVerifier verifier(session.context(), session.config().pin, session.config().kiosk,
                           session.config().circulation);
    const auto answer =
        verifier.verify(session.caller(), card, text_of(pin), KioskProfile{disclose_name});
    if (!answer) return refused(answer.error());

    std::vector<std::string> blocks;
    for (const auto block : answer->blocks) blocks.emplace_back(to_string(block));
    if (session.options().json) {
        std::cout << service::to_json(*answer).dump(2) << "\n";
    } else {
        std::cout << fmt::format("outcome     {}\n", to_string(answer->outcome));
        if (answer->pin_ok) {
            std::cout << fmt::format(
                "may borrow  {}\n",
                answer->may_borrow ? "yes" : fmt::format("no ({})", fmt::join(blocks, ", ")));
        }
        if (answer->display_name)
            std::cout << fmt::format("name        {}\n", *answer->display_name);
        if (answer->locked_until) {
            std::cout << fmt::format("locked until {}\n", to_iso(*answer->locked_until));
        }
        if (answer->retry_after) {
            std::cout << fmt::format("retry after {} s\n", answer->retry_after->count());
        }
    }
    return answer->outcome == VerifyOutcome::verified ? kOk : kRefused;
}

}  // namespace patron::cli
