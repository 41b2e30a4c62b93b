#pragma once
// Translation of libpqxx exceptions into patron's: no pqxx type crosses a repository interface,
// and no message carries row data (PostgreSQL's DETAIL of a constraint violation repeats values).

#include <string_view>

namespace patron::pg {

/// Call inside a catch block: rethrows the active exception as a patron::Exception naming
/// `operation` and the SQLSTATE, never the server's message text.
[[noreturn]] void rethrow_translated(std::string_view operation);

/// Runs `work`, translating whatever libpqxx throws.
template <class Work>
decltype(auto) translated(std::string_view operation, Work&& work) {
    try {
        return work();
    } catch (...) {
        rethrow_translated(operation);
    }
}

}  // namespace patron::pg
