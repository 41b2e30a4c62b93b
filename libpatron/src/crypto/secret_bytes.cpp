#include "patron/crypto/secret_bytes.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <limits>

#include "patron/exception.hpp"

namespace patron {

SecretBytes::SecretBytes(std::span<const std::uint8_t> bytes)
    : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes SecretBytes::take(std::string& source) {
    SecretBytes secret(
        std::span(reinterpret_cast<const std::uint8_t*>(source.data()), source.size()));
    OPENSSL_cleanse(source.data(), source.size());
    source.clear();
    return secret;
}

SecretBytes SecretBytes::random(std::size_t size) {
    SecretBytes secret;
    secret.bytes_.resize(size);
    if (size > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        RAND_bytes(secret.bytes_.data(), static_cast<int>(size)) != 1) {
        throw Exception("random number generator failed");
    }
    return secret;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.wipe();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        bytes_ = std::move(other.bytes_);
        other.wipe();
    }
    return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() noexcept {
    // OPENSSL_cleanse is not optimised away like a plain memset before free would be.
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.clear();
}

}  // namespace patron
