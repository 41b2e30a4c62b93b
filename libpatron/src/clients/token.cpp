#include "clients/token.hpp"

#include <algorithm>
#include <cstddef>

#include "crypto/base64.hpp"
#include "crypto/sha256.hpp"
#include "patron/crypto/secret_bytes.hpp"

namespace patron::detail {
namespace {

constexpr std::size_t kTokenBytes = 32;
// base64url of 32 bytes without padding.
constexpr std::size_t kEncodedLength = (kTokenBytes * 4 + 2) / 3;

bool base64url_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

IssuedToken issue_token(std::string_view prefix) {
    const SecretBytes random = SecretBytes::random(kTokenBytes);
    const auto& bytes = random.bytes();
    IssuedToken issued;
    issued.token =
        std::string(prefix) +
        crypto::base64url_unpadded({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    issued.hash = token_hash(issued.token);
    return issued;
}

bool well_formed_token(std::string_view token, std::string_view prefix) noexcept {
    if (token.size() != prefix.size() + kEncodedLength || !token.starts_with(prefix)) return false;
    return std::all_of(token.begin() + static_cast<std::ptrdiff_t>(prefix.size()), token.end(),
                       base64url_char);
}

std::string token_hash(std::string_view token) { return crypto::sha256(token); }

}  // namespace patron::detail
