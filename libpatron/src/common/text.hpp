#pragma once
// Validation of free text and codes that services store: one set of rules for every field.

#include <cstddef>
#include <string>
#include <string_view>

#include "patron/result.hpp"

namespace patron::detail {

/// Free text (names, titles, reasons): trimmed, non-empty, at most `max_bytes`, well-formed
/// UTF-8 without control characters. Errors name `field`.
[[nodiscard]] Result<std::string> text_field(const char* field, std::string_view text,
                                             std::size_t max_bytes);

/// A code of the library's own vocabulary (material type, patron category): a lower-case ASCII
/// letter, then lower-case letters, digits or '_', at most 32 in all. Errors name `field`.
[[nodiscard]] Result<std::string> code_field(const char* field, std::string_view text);

}  // namespace patron::detail
