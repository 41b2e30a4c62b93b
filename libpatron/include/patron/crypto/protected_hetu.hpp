#pragma once
/// @file
/// The only forms in which an identity code reaches storage.

#include <cstdint>
#include <string>

namespace patron {

/// An identity code encrypted with AES-256-GCM: `nonce (12) || ciphertext || tag (16)`, with the id
/// of the encryption key.
struct EncryptedHetu {
    std::uint16_t key_id = 0;
    std::string bytes;
};

/// The blind index of an identity code: HMAC-SHA-256 under the index key `key_id`. Equal codes give
/// equal digests under one key, so the register can find a patron by code without decrypting.
struct HetuDigest {
    std::uint16_t key_id = 0;
    std::string bytes;
    friend bool operator==(const HetuDigest&, const HetuDigest&) = default;
};

}  // namespace patron
