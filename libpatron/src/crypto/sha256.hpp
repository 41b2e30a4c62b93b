#pragma once
// SHA-256, for the audit chain and client token hashes.

#include <string>
#include <string_view>

namespace patron::crypto {

/// The 32-byte digest of `bytes`. @throws Exception when OpenSSL fails
[[nodiscard]] std::string sha256(std::string_view bytes);

}  // namespace patron::crypto
