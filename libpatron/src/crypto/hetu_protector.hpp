#pragma once
// Encryption and blind index of identity codes: the only code that turns a HETU into something
// storable and back.

#include <vector>

#include "patron/crypto/key_ring.hpp"
#include "patron/crypto/protected_hetu.hpp"
#include "patron/domain/hetu.hpp"

namespace patron::crypto {

/// AES-256-GCM encryption (random 96-bit nonce, 128-bit tag, the key id bound as associated data)
/// and HMAC-SHA-256 digests of identity codes. Thread-safe; holds a reference to the ring.
class HetuProtector {
public:
    explicit HetuProtector(const KeyRing& keys) : keys_(keys) {}

    /// Encrypts under the current encryption key. @throws Exception if OpenSSL fails
    [[nodiscard]] EncryptedHetu encrypt(const PersonalIdentityCode& code) const;
    /// @throws Exception when the key id is unknown, the data was altered or is not a valid code
    [[nodiscard]] PersonalIdentityCode decrypt(const EncryptedHetu& encrypted) const;

    /// The digest under the current index key, stored beside the ciphertext.
    [[nodiscard]] HetuDigest digest(const PersonalIdentityCode& code) const;
    /// The digest under every index key in the ring, for lookups while keys rotate.
    [[nodiscard]] std::vector<HetuDigest> lookup_digests(const PersonalIdentityCode& code) const;

private:
    const KeyRing& keys_;
};

}  // namespace patron::crypto
