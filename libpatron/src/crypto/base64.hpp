#pragma once
// Unpadded base64 (RFC 4648 §4 alphabet, and §5 URL-safe): PHC strings and client tokens. The key
// file's padded form is key_ring.cpp's.

#include <optional>
#include <string>
#include <string_view>

namespace patron::crypto {

/// Standard alphabet, no padding (as in PHC strings).
[[nodiscard]] std::string base64_unpadded(std::string_view bytes);

/// Strict inverse of base64_unpadded: no padding, no other characters, no length that cannot
/// come from whole bytes, and unused trailing bits zero (so each byte string has one encoding).
[[nodiscard]] std::optional<std::string> base64_unpadded_decode(std::string_view text);

/// URL-safe alphabet ('-' and '_' for '+' and '/'), no padding.
[[nodiscard]] std::string base64url_unpadded(std::string_view bytes);

}  // namespace patron::crypto
