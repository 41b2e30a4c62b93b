#include "common/text.hpp"

#include <fmt/format.h>

#include "patron/domain/contact.hpp"

namespace patron::detail {
namespace {

// Well-formed UTF-8 (RFC 3629 §4, Unicode Table 3-7): no overlong forms, no surrogates, nothing
// beyond U+10FFFF. PostgreSQL refuses anything else, which would surface as a database error.
bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;  // allowed range of the second byte
        unsigned char high = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            if (c == 0xe0) low = 0xa0;   // overlong
            if (c == 0xed) high = 0x9f;  // surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            if (c == 0xf0) low = 0x90;   // overlong
            if (c == 0xf4) high = 0x8f;  // beyond U+10FFFF
        } else {
            return false;
        }
        if (i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xbf)) return false;
        }
        i += length;
    }
    return true;
}

// C1 control characters U+0080-U+009F (UTF-8 C2 80 - C2 9F); U+009B starts terminal escapes.
bool has_c1_control(std::string_view text) {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (static_cast<unsigned char>(text[i]) == 0xc2 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            return true;
        }
    }
    return false;
}

}  // namespace

Result<std::string> text_field(const char* field, std::string_view text, std::size_t max_bytes) {
    const std::string_view value = trim(text);
    if (value.empty()) return invalid(field, "is empty");
    if (value.size() > max_bytes) {
        return invalid(field, fmt::format("is longer than {} bytes", max_bytes));
    }
    for (char c : value) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return invalid(field, "contains control characters");
        }
    }
    if (!valid_utf8(value)) return invalid(field, "is not valid UTF-8");
    if (has_c1_control(value)) return invalid(field, "contains control characters");
    return std::string(value);
}

Result<std::string> code_field(const char* field, std::string_view text) {
    const std::string_view value = trim(text);
    const bool ok =
        !value.empty() && value.size() <= 32 && value[0] >= 'a' && value[0] <= 'z' &&
        value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
    if (!ok) {
        return invalid(field,
                       "must be a lower-case letter, then letters, digits or '_' (at most 32)");
    }
    return std::string(value);
}

}  // namespace patron::detail
