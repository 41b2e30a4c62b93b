// HetuProtector: AES-256-GCM encryption and HMAC-SHA-256 blind index of identity codes, and key
// rotation. Failure messages never contain the code.

#include "crypto/hetu_protector.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "patron/exception.hpp"
#include "support/test_data.hpp"

namespace patron::crypto {
namespace {

using std::chrono::year;

constexpr std::string_view kExample = "131052-308T";  // DVV's published example code
constexpr std::size_t kNonceLength = 12;
constexpr std::size_t kTagLength = 16;

constexpr Date kToday{year{2099} / 12 / 31};

PersonalIdentityCode example() { return *PersonalIdentityCode::parse(kExample, kToday); }

PersonalIdentityCode other_code() {
    return *PersonalIdentityCode::parse(test::hetu_for(Date{year{2081} / 3 / 4}, 234), kToday);
}

// Base64 of 32 bytes that depend only on `seed`: the same seed gives the same key in every ring.
std::string key_base64(unsigned seed) {
    unsigned char key[kKeyLength];
    for (std::size_t i = 0; i < kKeyLength; ++i) key[i] = static_cast<unsigned char>(seed * 13 + i);
    unsigned char out[4 * ((kKeyLength + 2) / 3) + 1];
    EVP_EncodeBlock(out, key, static_cast<int>(kKeyLength));
    return reinterpret_cast<const char*>(out);
}

struct KeySpec {
    std::uint16_t id;
    unsigned seed;
};

std::string section(const char* name, std::uint16_t current, const std::vector<KeySpec>& keys) {
    std::string entries;
    for (const auto& key : keys) {
        if (!entries.empty()) entries += ", ";
        entries += fmt::format("{} = \"{}\"", key.id, key_base64(key.seed));
    }
    return fmt::format("[{}]\ncurrent = {}\nkeys = {{ {} }}\n", name, current, entries);
}

// A ring with the given encryption and index keys (and one PIN pepper, which HetuProtector does
// not use). Encryption key `id` has seed `id`, index key `id` seed `100 + id`, unless a test says
// otherwise.
KeyRing ring(std::uint16_t encryption_current, const std::vector<KeySpec>& encryption,
             std::uint16_t index_current, const std::vector<KeySpec>& index) {
    return KeyRing::parse(section("hetu_encryption", encryption_current, encryption) +
                              section("hetu_index", index_current, index) +
                              section("pin_pepper", 1, {{1, 200}}),
                          "test ring");
}

KeyRing ring_with_keys(std::uint16_t current, std::vector<std::uint16_t> ids) {
    std::vector<KeySpec> encryption;
    std::vector<KeySpec> index;
    for (const auto id : ids) {
        encryption.push_back({id, id});
        index.push_back({id, 100U + id});
    }
    return ring(current, encryption, current, index);
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// The message with which decrypting `blob` fails, or "(accepted)". Checks that the failure is a
// patron::Exception whose message does not contain `code`.
std::string decrypt_failure(const HetuProtector& protector, const EncryptedHetu& blob,
                            const PersonalIdentityCode& code) {
    try {
        (void)protector.decrypt(blob);
    } catch (const Exception& e) {
        const std::string message = e.what();
        EXPECT_FALSE(message.empty());
        EXPECT_FALSE(contains(message, code.text())) << "the message contains the code";
        return message;
    } catch (...) {
        ADD_FAILURE() << "threw something other than patron::Exception";
        return "(other exception)";
    }
    return "(accepted)";
}

// --- encryption ----------------------------------------------------------------------------

TEST(HetuProtector, RoundTripsACode) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    for (const auto& code : {example(), other_code()}) {
        const EncryptedHetu blob = protector.encrypt(code);
        const PersonalIdentityCode back = protector.decrypt(blob);
        EXPECT_TRUE(back == code) << "decrypted code differs";
        EXPECT_TRUE(back.birth_date() == code.birth_date());
    }
}

TEST(HetuProtector, LaysOutNonceCiphertextAndTagUnderTheCurrentKey) {
    const KeyRing keys = ring_with_keys(2, {1, 2});
    const HetuProtector protector(keys);
    const EncryptedHetu blob = protector.encrypt(example());
    EXPECT_EQ(blob.key_id, 2);
    EXPECT_EQ(blob.bytes.size(), kNonceLength + kExample.size() + kTagLength);
}

TEST(HetuProtector, CiphertextDoesNotContainTheCode) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = protector.encrypt(code);
    EXPECT_FALSE(contains(blob.bytes, code.text())) << "ciphertext contains the code";
    EXPECT_FALSE(contains(blob.bytes, code.text().substr(0, 6)))
        << "ciphertext contains the birth date";
}

TEST(HetuProtector, EncryptsOneCodeDifferentlyEachTimeWithEqualDigests) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    const EncryptedHetu first = protector.encrypt(code);
    const EncryptedHetu second = protector.encrypt(code);
    EXPECT_NE(first.bytes, second.bytes);
    EXPECT_NE(first.bytes.substr(0, kNonceLength), second.bytes.substr(0, kNonceLength))
        << "the nonce was reused";
    EXPECT_TRUE(protector.decrypt(first) == code);
    EXPECT_TRUE(protector.decrypt(second) == code);
    EXPECT_TRUE(protector.digest(code) == protector.digest(code));
}

TEST(HetuProtector, RefusesAFlippedBitAnywhere) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = protector.encrypt(code);
    for (std::size_t i = 0; i < blob.bytes.size(); ++i) {
        for (const int mask : {0x01, 0x80}) {
            SCOPED_TRACE(fmt::format("byte {} mask {:#04x}", i, mask));
            EncryptedHetu altered = blob;
            altered.bytes[i] = static_cast<char>(altered.bytes[i] ^ mask);
            EXPECT_TRUE(contains(decrypt_failure(protector, altered, code), "authentication"));
        }
    }
}

TEST(HetuProtector, RefusesATruncatedBlob) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = protector.encrypt(code);
    for (std::size_t size = 0; size <= kNonceLength + kTagLength; ++size) {
        SCOPED_TRACE(fmt::format("{} bytes", size));
        EncryptedHetu truncated = blob;
        truncated.bytes.resize(size);
        EXPECT_TRUE(contains(decrypt_failure(protector, truncated, code), "truncated"));
    }
    for (std::size_t size = kNonceLength + kTagLength + 1; size < blob.bytes.size(); ++size) {
        SCOPED_TRACE(fmt::format("{} bytes", size));
        EncryptedHetu truncated = blob;
        truncated.bytes.resize(size);
        EXPECT_NE(decrypt_failure(protector, truncated, code), "(accepted)");
    }
    EncryptedHetu longer = blob;
    longer.bytes.push_back('\0');
    EXPECT_NE(decrypt_failure(protector, longer, code), "(accepted)");
}

TEST(HetuProtector, RefusesABlobRelabelledWithAnotherKeyId) {
    // Keys 1 and 2 have the same bytes: only the key id bound as associated data can tell the
    // blob was relabelled.
    const KeyRing keys = ring(2, {{1, 7}, {2, 7}}, 1, {{1, 101}});
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = protector.encrypt(code);
    ASSERT_EQ(blob.key_id, 2);
    ASSERT_TRUE(protector.decrypt(blob) == code);
    EncryptedHetu relabelled = blob;
    relabelled.key_id = 1;
    EXPECT_TRUE(contains(decrypt_failure(protector, relabelled, code), "authentication"));
}

TEST(HetuProtector, RefusesABlobRelabelledWithAKeyIdOfOtherBytes) {
    const KeyRing keys = ring_with_keys(2, {1, 2});
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    EncryptedHetu relabelled = protector.encrypt(code);
    relabelled.key_id = 1;
    EXPECT_TRUE(contains(decrypt_failure(protector, relabelled, code), "authentication"));
}

TEST(HetuProtector, RefusesABlobUnderAKeyTheRingLacks) {
    const KeyRing rotated = ring_with_keys(2, {1, 2});
    const KeyRing old = ring_with_keys(1, {1});
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = HetuProtector(rotated).encrypt(code);
    ASSERT_EQ(blob.key_id, 2);
    EXPECT_TRUE(contains(decrypt_failure(HetuProtector(old), blob, code), "missing"));
}

TEST(HetuProtector, RefusesABlobUnderAnotherKeyWithTheSameId) {
    const KeyRing mine = ring(1, {{1, 1}}, 1, {{1, 101}});
    const KeyRing theirs = ring(1, {{1, 2}}, 1, {{1, 101}});
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = HetuProtector(theirs).encrypt(code);
    EXPECT_TRUE(contains(decrypt_failure(HetuProtector(mine), blob, code), "authentication"));
}

TEST(HetuProtector, DecryptsWithAnOlderKeyAfterRotation) {
    const KeyRing old = ring_with_keys(1, {1});
    const KeyRing rotated = ring_with_keys(2, {1, 2});
    const PersonalIdentityCode code = example();
    const EncryptedHetu blob = HetuProtector(old).encrypt(code);
    ASSERT_EQ(blob.key_id, 1);
    EXPECT_TRUE(HetuProtector(rotated).decrypt(blob) == code);
    EXPECT_EQ(HetuProtector(rotated).encrypt(code).key_id, 2);
}

// --- blind index ---------------------------------------------------------------------------

TEST(HetuProtector, DigestIsAnHmacSha256UnderTheCurrentIndexKey) {
    const KeyRing keys = ring_with_keys(2, {1, 2});
    const HetuProtector protector(keys);
    const HetuDigest digest = protector.digest(example());
    EXPECT_EQ(digest.key_id, 2);
    EXPECT_EQ(digest.bytes.size(), 32U);
    EXPECT_FALSE(contains(digest.bytes, example().text()));
}

TEST(HetuProtector, DigestsDifferentCodesDifferently) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    EXPECT_FALSE(protector.digest(example()) == protector.digest(other_code()));
}

TEST(HetuProtector, DigestDependsOnTheIndexKeyNotTheEncryptionKey) {
    const KeyRing a = ring(1, {{1, 1}}, 1, {{1, 101}});
    const KeyRing b = ring(1, {{1, 2}}, 1, {{1, 101}});
    const KeyRing c = ring(1, {{1, 1}}, 1, {{1, 102}});
    const PersonalIdentityCode code = example();
    EXPECT_TRUE(HetuProtector(a).digest(code) == HetuProtector(b).digest(code));
    EXPECT_FALSE(HetuProtector(a).digest(code) == HetuProtector(c).digest(code));
}

TEST(HetuProtector, LooksUpUnderEveryIndexKey) {
    const KeyRing keys = ring_with_keys(2, {1, 2});
    const HetuProtector protector(keys);
    const PersonalIdentityCode code = example();
    const std::vector<HetuDigest> digests = protector.lookup_digests(code);
    ASSERT_EQ(digests.size(), 2U);
    std::vector<std::uint16_t> ids;
    for (const auto& d : digests) ids.push_back(d.key_id);
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::uint16_t>{1, 2}));
    EXPECT_NE(std::find(digests.begin(), digests.end(), protector.digest(code)), digests.end());
    EXPECT_FALSE(digests[0].bytes == digests[1].bytes) << "two index keys gave one digest";
}

TEST(HetuProtector, FindsDigestsStoredBeforeRotation) {
    const KeyRing old = ring_with_keys(1, {1});
    const KeyRing rotated = ring_with_keys(2, {1, 2});
    const PersonalIdentityCode code = example();
    const HetuDigest stored = HetuProtector(old).digest(code);
    ASSERT_EQ(stored.key_id, 1);
    const std::vector<HetuDigest> lookups = HetuProtector(rotated).lookup_digests(code);
    const auto key_1 = std::find_if(lookups.begin(), lookups.end(),
                                    [](const HetuDigest& d) { return d.key_id == 1; });
    ASSERT_NE(key_1, lookups.end());
    EXPECT_TRUE(*key_1 == stored);
    EXPECT_FALSE(HetuProtector(rotated).digest(code) == stored);
}

TEST(HetuProtector, LookupUnderOneKeyIsTheDigest) {
    const KeyRing keys = test::test_keys();
    const HetuProtector protector(keys);
    const std::vector<HetuDigest> lookups = protector.lookup_digests(example());
    ASSERT_EQ(lookups.size(), 1U);
    EXPECT_TRUE(lookups.front() == protector.digest(example()));
}

}  // namespace
}  // namespace patron::crypto
