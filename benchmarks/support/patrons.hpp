#pragma once
// Synthetic patrons for benchmarks, registered through libpatron as a library system would.
// Their identity codes and cards are generated; nothing here is ever printed.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "patron/pin/pin_service.hpp"
#include "patron/register/register.hpp"

namespace patron::bench {

/// A registered patron and the keys a lookup uses.
struct BenchPatron {
    PatronId id;
    std::string card;
    std::string hetu;
};

/// Registers `count` adult persons with full contact data through `reg` (one transaction and
/// audit entry each): cards "B0000001", "B0000002", ...; identity codes for distinct birth
/// dates from 1940 on. Precondition: the register holds none of them yet.
/// @throws patron::Exception when the register refuses one (a bug in the generator)
[[nodiscard]] std::vector<BenchPatron> register_patrons(Register& reg, const Caller& caller,
                                                        std::size_t count, Date today);

/// A card and the PIN set for it.
struct CardPin {
    std::string card;
    std::string pin;
};

/// Gives each patron a 4-digit PIN the policy accepts (a generated one that is refused, e.g. a
/// run or the birth date, is replaced by the next candidate); the same PINs on every run.
/// @throws std::runtime_error when the PIN service refuses otherwise
[[nodiscard]] std::vector<CardPin> set_pins(PinService& pins, const Caller& staff,
                                            std::span<const BenchPatron> patrons);

}  // namespace patron::bench
