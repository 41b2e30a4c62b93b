#pragma once
// Synthetic patrons for benchmarks, registered through libpatron as a library system would.
// Their identity codes and cards are generated; nothing here is ever printed.

#include <cstddef>
#include <string>
#include <vector>

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

}  // namespace patron::bench
