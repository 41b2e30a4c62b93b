#include "crypto/hetu_protector.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <memory>

#include "patron/exception.hpp"

namespace patron::crypto {
namespace {

constexpr int kNonceLength = 12;
constexpr int kTagLength = 16;
constexpr std::string_view kContext = "patron/hetu/v1";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Associated data binds the ciphertext to its purpose and key id, so a blob cannot be replayed
// under another key id or in another column.
std::string associated_data(std::uint16_t key_id) {
    std::string aad(kContext);
    aad.push_back(static_cast<char>(key_id >> 8));
    aad.push_back(static_cast<char>(key_id & 0xff));
    return aad;
}

const unsigned char* bytes_of(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

HetuDigest digest_with(std::uint16_t key_id, const SecretBytes& key,
                       const PersonalIdentityCode& code) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    const std::string& text = code.text();
    if (HMAC(EVP_sha256(), key.bytes().data(), static_cast<int>(key.size()), bytes_of(text),
             text.size(), out.data(), &length) == nullptr) {
        throw Exception("HMAC-SHA-256 failed");
    }
    return HetuDigest{key_id, std::string(reinterpret_cast<const char*>(out.data()), length)};
}

}  // namespace

EncryptedHetu HetuProtector::encrypt(const PersonalIdentityCode& code) const {
    const KeySet& set = keys_.hetu_encryption();
    const SecretBytes& key = *set.find(set.current);
    const std::string& plain = code.text();
    const std::string aad = associated_data(set.current);

    std::string out(kNonceLength + plain.size() + kTagLength, '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    auto* cipher = nonce + kNonceLength;
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int length = 0;
    const bool ok =
        ctx && RAND_bytes(nonce, kNonceLength) == 1 &&
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce) == 1 &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes_of(aad),
                          static_cast<int>(aad.size())) == 1 &&
        EVP_EncryptUpdate(ctx.get(), cipher, &length, bytes_of(plain),
                          static_cast<int>(plain.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx.get(), cipher + length, &length) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagLength, cipher + plain.size()) ==
            1;
    if (!ok) throw Exception("AES-256-GCM encryption failed");
    return EncryptedHetu{set.current, std::move(out)};
}

PersonalIdentityCode HetuProtector::decrypt(const EncryptedHetu& encrypted) const {
    const SecretBytes* key = keys_.hetu_encryption().find(encrypted.key_id);
    if (key == nullptr) {
        throw Exception("identity code is encrypted under a key id missing from the key file");
    }
    const std::string& in = encrypted.bytes;
    if (in.size() <= static_cast<std::size_t>(kNonceLength + kTagLength)) {
        throw Exception("encrypted identity code is truncated");
    }
    const std::string aad = associated_data(encrypted.key_id);
    const std::size_t plain_size = in.size() - kNonceLength - kTagLength;
    const unsigned char* nonce = bytes_of(in);
    const unsigned char* cipher = nonce + kNonceLength;
    std::string plain(plain_size, '\0');
    auto* plain_bytes = reinterpret_cast<unsigned char*>(plain.data());
    std::array<unsigned char, kTagLength> tag{};
    std::copy_n(cipher + plain_size, kTagLength, tag.begin());

    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int length = 0;
    const bool ok =
        ctx &&
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->bytes().data(), nonce) ==
            1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(aad),
                          static_cast<int>(aad.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), plain_bytes, &length, cipher, static_cast<int>(plain_size)) ==
            1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLength, tag.data()) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), plain_bytes + length, &length) == 1;
    if (!ok) {
        OPENSSL_cleanse(plain.data(), plain.size());
        throw Exception("encrypted identity code failed authentication (wrong key or altered)");
    }
    // Stored codes were validated when registered; the far-future "today" only skips the
    // not-in-the-future check, which a clock set back must not turn into unreadable records.
    auto code = PersonalIdentityCode::parse(plain, Date{std::chrono::year{9999} / 12 / 31});
    OPENSSL_cleanse(plain.data(), plain.size());
    if (!code) throw Exception("decrypted identity code is not valid");
    return std::move(*code);
}

HetuDigest HetuProtector::digest(const PersonalIdentityCode& code) const {
    const KeySet& set = keys_.hetu_index();
    return digest_with(set.current, *set.find(set.current), code);
}

std::vector<HetuDigest> HetuProtector::lookup_digests(const PersonalIdentityCode& code) const {
    std::vector<HetuDigest> digests;
    for (const auto& [id, key] : keys_.hetu_index().keys)
        digests.push_back(digest_with(id, key, code));
    return digests;
}

}  // namespace patron::crypto
