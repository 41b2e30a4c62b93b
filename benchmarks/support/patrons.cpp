#include "support/patrons.hpp"

#include <fmt/format.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include "patron/domain/hetu.hpp"
#include "patron/exception.hpp"

namespace patron::bench {
namespace {

constexpr int kDaysPerIndividual = 20000;  // birth dates 1940-01-01 .. 1994-10-03, all adults

std::string generated_hetu(std::size_t i, Date today) {
    const std::chrono::sys_days first{std::chrono::year{1940} / 1 / 1};
    const Date birth{first + std::chrono::days{static_cast<int>(i % kDaysPerIndividual)}};
    const int individual = 2 + static_cast<int>(i / kDaysPerIndividual);
    const auto code = PersonalIdentityCode::make(birth, individual, today);
    if (!code) throw Exception("benchmark identity code could not be composed");
    return code->text();
}

}  // namespace

std::vector<BenchPatron> register_patrons(Register& reg, const Caller& caller, std::size_t count,
                                          Date today) {
    std::vector<BenchPatron> patrons;
    patrons.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        PatronForm form;
        form.hetu = generated_hetu(i, today);
        form.surname = fmt::format("Sukunimi{}", i);
        form.given_names = "Etunimi";
        form.street_address = fmt::format("Kirjastokatu {}", i % 200 + 1);
        form.postal_code = "55100";
        form.post_office = "Imatra";
        form.email = fmt::format("patron{}@example.fi", i);
        form.phones = {"040 000 0000"};
        form.card_number = fmt::format("B{:07}", i + 1);
        form.home_library = "Main library";
        form.mother_tongue = "fi";
        form.due_date_reminder = "email";
        form.overdue_notice = "sms";
        form.hold_ready = "email";
        const auto id = reg.register_patron(caller, form);
        if (!id) {
            throw Exception(fmt::format("benchmark patron refused: {}: {}", id.error().field,
                                        id.error().message));
        }
        patrons.push_back(BenchPatron{*id, form.card_number, form.hetu});
    }
    return patrons;
}

std::vector<CardPin> set_pins(PinService& pins, const Caller& staff,
                              std::span<const BenchPatron> patrons) {
    std::mt19937 random{20261124};
    std::uniform_int_distribution<int> digits(0, 9999);
    std::vector<CardPin> out;
    out.reserve(patrons.size());
    for (const auto& p : patrons) {
        for (int attempt = 0;; ++attempt) {
            if (attempt == 100) throw std::runtime_error("no acceptable PIN was generated");
            const std::string pin = fmt::format("{:04}", digits(random));
            const auto ok = pins.set_pin(staff, p.id, pin);
            if (!ok && ok.error().code == ErrorCode::invalid_input) continue;
            if (!ok) throw std::runtime_error("PinService refused to set a benchmark PIN");
            out.push_back(CardPin{p.card, pin});
            break;
        }
    }
    return out;
}

}  // namespace patron::bench
