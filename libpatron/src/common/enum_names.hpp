#pragma once
// Enum <-> stable name tables: one array of names per enum, in enumerator order.

#include <array>
#include <optional>
#include <string_view>

namespace patron::detail {

template <class Enum, std::size_t N>
constexpr std::string_view name_of(const std::array<std::string_view, N>& names,
                                   Enum value) noexcept {
    return names[static_cast<std::size_t>(value)];
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                                         std::string_view text) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

}  // namespace patron::detail
