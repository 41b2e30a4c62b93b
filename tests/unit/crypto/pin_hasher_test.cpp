// PinHasher: Argon2id (RFC 9106) through libargon2 with the pepper as Argon2's secret, PHC strings
// formatted and parsed strictly, verification that fails safely, re-hash decisions and pepper
// rotation without locking anyone out.

#include "crypto/pin_hasher.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/exception.hpp"
#include "support/test_data.hpp"

namespace patron::crypto {
namespace {

// Small parameters keep most tests fast; the real defaults have a test of their own.
constexpr Argon2Params kSmall{64, 1, 1};

std::vector<std::uint8_t> repeated(std::size_t count, std::uint8_t byte) {
    return std::vector<std::uint8_t>(count, byte);
}

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::string hex(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
    return out;
}

// Base64 of 32 bytes that depend only on `seed`: one seed, one key, in every ring.
std::string key_base64(unsigned seed) {
    unsigned char key[kKeyLength];
    for (std::size_t i = 0; i < kKeyLength; ++i) key[i] = static_cast<unsigned char>(seed * 17 + i);
    unsigned char out[4 * ((kKeyLength + 2) / 3) + 1];
    EVP_EncodeBlock(out, key, static_cast<int>(kKeyLength));
    return reinterpret_cast<const char*>(out);
}

struct PepperSpec {
    std::uint16_t id;
    unsigned seed;
};

// A complete ring whose [pin_pepper] holds exactly `peppers`, `current` among them.
KeyRing ring_with_peppers(std::uint16_t current, const std::vector<PepperSpec>& peppers) {
    std::string entries;
    for (const auto& pepper : peppers) {
        if (!entries.empty()) entries += ", ";
        entries += fmt::format("{} = \"{}\"", pepper.id, key_base64(pepper.seed));
    }
    return KeyRing::parse(fmt::format("[hetu_encryption]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                                      "[hetu_index]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                                      "[pin_pepper]\ncurrent = {}\nkeys = {{ {} }}\n",
                                      key_base64(1000), key_base64(2000), current, entries),
                          "test ring");
}

std::span<const std::uint8_t> span_of(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// A well-formed PHC string: m=64,t=1,p=1, salt 16 x 0x02, tag 32 bytes 0..31.
PhcHash sample_hash() {
    std::string tag;
    for (int i = 0; i < 32; ++i) tag.push_back(static_cast<char>(i));
    return PhcHash{kSmall, std::string(16, '\x02'), tag};
}

// --- Argon2id --------------------------------------------------------------------------------

TEST(Argon2id, MatchesTheRfc9106Section5_3TestVector) {
    // RFC 9106 §5.3: Argon2id version 0x13 with secret and associated data.
    const auto password = repeated(32, 0x01);
    const auto salt = repeated(16, 0x02);
    const auto secret = repeated(8, 0x03);
    const auto associated_data = repeated(12, 0x04);
    const std::string tag = argon2id(password, salt, secret, associated_data, {32, 3, 4}, 32);
    EXPECT_EQ(hex(tag), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

TEST(Argon2id, MatchesLibargon2sEncodedHashWithoutSecret) {
    // Made by libargon2's own argon2id_hash_encoded("password", "somesalt", t=2, m=65536, p=1).
    const auto parsed = parse_phc(
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->params, (Argon2Params{65536, 2, 1}));
    EXPECT_EQ(parsed->salt, "somesalt");
    EXPECT_EQ(hex(parsed->tag), "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
    EXPECT_EQ(argon2id(bytes_of("password"), bytes_of("somesalt"), {}, {}, parsed->params, 32),
              parsed->tag);
}

TEST(Argon2id, DependsOnSecretAndAssociatedData) {
    const auto password = bytes_of("1234");
    const auto salt = repeated(16, 0x02);
    const std::string plain = argon2id(password, salt, {}, {}, kSmall, 32);
    const std::string with_secret = argon2id(password, salt, repeated(32, 7), {}, kSmall, 32);
    const std::string other_secret = argon2id(password, salt, repeated(32, 8), {}, kSmall, 32);
    const std::string with_ad = argon2id(password, salt, {}, repeated(32, 7), kSmall, 32);
    EXPECT_NE(plain, with_secret);
    EXPECT_NE(with_secret, other_secret);
    EXPECT_NE(with_secret, with_ad) << "the secret was used as associated data";
    EXPECT_EQ(with_secret, argon2id(password, salt, repeated(32, 7), {}, kSmall, 32));
}

TEST(Argon2id, GivesTagsOfTheRequestedLength) {
    for (const std::size_t length : {std::size_t{16}, std::size_t{17}, std::size_t{64}}) {
        EXPECT_EQ(argon2id(bytes_of("1234"), repeated(16, 2), {}, {}, kSmall, length).size(),
                  length);
    }
}

TEST(Argon2id, ThrowsLibargon2sMessageOnBadParameters) {
    const auto password = bytes_of("1234");
    try {
        (void)argon2id(password, repeated(7, 2), {}, {}, kSmall, 32);
        ADD_FAILURE() << "accepted a 7-byte salt";
    } catch (const Exception& e) {
        EXPECT_NE(std::string_view(e.what()).find("Salt is too short"), std::string_view::npos)
            << e.what();
    }
    EXPECT_THROW((void)argon2id(password, repeated(16, 2), {}, {}, {64, 0, 1}, 32), Exception);
    EXPECT_THROW((void)argon2id(password, repeated(16, 2), {}, {}, {64, 1, 0}, 32), Exception);
    EXPECT_THROW((void)argon2id(password, repeated(16, 2), {}, {}, {15, 1, 2}, 32), Exception);
    EXPECT_THROW((void)argon2id(password, repeated(16, 2), {}, {}, kSmall, 3), Exception);
}

TEST(Argon2id, HashesAnEmptyPassword) {
    const std::string tag = argon2id({}, repeated(16, 2), repeated(32, 7), {}, kSmall, 32);
    EXPECT_EQ(tag.size(), 32U);
    EXPECT_NE(tag, argon2id(bytes_of("0"), repeated(16, 2), repeated(32, 7), {}, kSmall, 32));
}

// --- PHC strings -----------------------------------------------------------------------------

TEST(PhcString, FormatsLikeLibargon2sEncoder) {
    // libargon2's argon2id_hash_encoded("1234", salt 16 x 0x02, t=1, m=64, p=1, 32-byte tag).
    const std::string reference =
        "$argon2id$v=19$m=64,t=1,p=1$AgICAgICAgICAgICAgICAg$"
        "sIv0uHnICjwov0eR3/01JRmYLI1OLDDkxQQObvwYgDU";
    const std::string tag = argon2id(bytes_of("1234"), repeated(16, 2), {}, {}, kSmall, 32);
    EXPECT_EQ(format_phc(PhcHash{kSmall, std::string(16, '\x02'), tag}), reference);
}

TEST(PhcString, ParsesAKnownStringToItsFields) {
    // libargon2's argon2id_hash_encoded("1234", "saltsalt1", t=3, m=32, p=4, 17-byte tag): odd
    // lengths, so both partial base64 groups occur.
    const std::string text = "$argon2id$v=19$m=32,t=3,p=4$c2FsdHNhbHQx$3VSiglgA9d+yfqVFm1/pWuo";
    const auto parsed = parse_phc(text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->params, (Argon2Params{32, 3, 4}));
    EXPECT_EQ(parsed->salt, "saltsalt1");
    EXPECT_EQ(parsed->tag.size(), 17U);
    EXPECT_EQ(parsed->tag,
              argon2id(bytes_of("1234"), bytes_of("saltsalt1"), {}, {}, {32, 3, 4}, 17));
    EXPECT_EQ(format_phc(*parsed), text);
}

TEST(PhcString, RoundTripsEveryLengthRemainder) {
    for (std::size_t salt_length = 8; salt_length <= 20; ++salt_length) {
        for (std::size_t tag_length = 16; tag_length <= 34; ++tag_length) {
            SCOPED_TRACE(fmt::format("salt {} bytes, tag {} bytes", salt_length, tag_length));
            std::string salt;
            std::string tag;
            for (std::size_t i = 0; i < salt_length; ++i)
                salt.push_back(static_cast<char>(255 - i));
            for (std::size_t i = 0; i < tag_length; ++i) tag.push_back(static_cast<char>(i * 37));
            const PhcHash hash{{19456, 2, 1}, salt, tag};
            const std::string text = format_phc(hash);
            EXPECT_EQ(text.find('=', text.find("p=") + 2), std::string::npos) << "padded: " << text;
            const auto back = parse_phc(text);
            ASSERT_TRUE(back.has_value()) << text;
            EXPECT_TRUE(*back == hash);
        }
    }
}

TEST(PhcString, FormatsTheParametersInOrder) {
    const std::string text =
        format_phc(PhcHash{{19456, 2, 1}, std::string(16, '\0'), std::string(32, '\0')});
    EXPECT_EQ(text,
              "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$" + std::string(43, 'A'));
}

TEST(PhcString, AcceptsTheLimitsOfTheParameters) {
    const PhcHash base = sample_hash();
    for (const Argon2Params params :
         {Argon2Params{4294967295U, 4294967295U, 16}, Argon2Params{8, 1, 1},
          Argon2Params{128, 1, 16}, Argon2Params{16, 1, 2}}) {
        SCOPED_TRACE(fmt::format("m={},t={},p={}", params.memory_kib, params.iterations,
                                 params.parallelism));
        PhcHash hash = base;
        hash.params = params;
        const auto back = parse_phc(format_phc(hash));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(back->params, params);
    }
    PhcHash shortest = base;
    shortest.salt.resize(8);
    shortest.tag.resize(16);
    EXPECT_TRUE(parse_phc(format_phc(shortest)).has_value());
}

// The sample with one piece replaced: the parameters, the salt or the tag as text.
std::string sample_with(std::string_view params, std::string_view salt = {},
                        std::string_view tag = {}) {
    const std::string good = format_phc(sample_hash());
    // $argon2id$v=19$<params>$<salt>$<tag>
    const std::size_t params_at = good.find("$m=") + 1;
    const std::size_t salt_at = good.find('$', params_at) + 1;
    const std::size_t tag_at = good.find('$', salt_at) + 1;
    const std::string_view good_params(good.data() + params_at, salt_at - 1 - params_at);
    const std::string_view good_salt(good.data() + salt_at, tag_at - 1 - salt_at);
    const std::string_view good_tag(good.data() + tag_at, good.size() - tag_at);
    return fmt::format("$argon2id$v=19${}${}${}", params.empty() ? good_params : params,
                       salt.empty() ? good_salt : salt, tag.empty() ? good_tag : tag);
}

TEST(PhcString, AcceptsTheUnalteredSample) {
    ASSERT_EQ(sample_with(""), format_phc(sample_hash()));
    ASSERT_TRUE(parse_phc(sample_with("")).has_value());
    ASSERT_TRUE(parse_phc(sample_with("m=64,t=1,p=1")).has_value());
}

TEST(PhcString, RefusesMalformedStrings) {
    const std::string good = format_phc(sample_hash());
    const std::size_t tag_at = good.rfind('$') + 1;
    const std::size_t salt_at = good.rfind('$', tag_at - 2) + 1;
    const std::string salt = good.substr(salt_at, tag_at - 1 - salt_at);
    const std::string tag = good.substr(tag_at);
    ASSERT_EQ(salt.size(), 22U);
    ASSERT_EQ(tag.size(), 43U);
    // The tag's last character carries 2 unused bits; setting one gives a non-canonical encoding.
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::size_t last = kAlphabet.find(tag.back());
    ASSERT_EQ(last % 4, 0U);
    std::string tag_with_loose_bits = tag;
    tag_with_loose_bits.back() = kAlphabet[last | 1];

    const std::vector<std::string> refused{
        // other algorithms and versions
        "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + tag,
        "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + tag,
        "$ARGON2ID$v=19$m=64,t=1,p=1$" + salt + "$" + tag,
        "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + tag,
        "$argon2id$v=019$m=64,t=1,p=1$" + salt + "$" + tag,
        "$argon2id$m=64,t=1,p=1$" + salt + "$" + tag,
        "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + tag,
        " " + good,
        // parameters: order, format, range
        sample_with("t=1,m=64,p=1"),
        sample_with("m=64,p=1,t=1"),
        sample_with("m=64,t=1"),
        sample_with("m=64,t=1,p=1,keyid=AAAA"),
        sample_with("m=64,t=1,p=1,"),
        sample_with("m=064,t=1,p=1"),
        sample_with("m=64,t=01,p=1"),
        sample_with("m=64,t=1,p=01"),
        sample_with("m=+64,t=1,p=1"),
        sample_with("m=64,t=-1,p=1"),
        sample_with("m= 64,t=1,p=1"),
        sample_with("m=64 ,t=1,p=1"),
        sample_with("m=,t=1,p=1"),
        sample_with("m=0x40,t=1,p=1"),
        sample_with("M=64,t=1,p=1"),
        sample_with("m=7,t=1,p=1"),
        sample_with("m=15,t=1,p=2"),
        sample_with("m=127,t=1,p=16"),
        sample_with("m=64,t=0,p=1"),
        sample_with("m=64,t=1,p=0"),
        sample_with("m=256,t=1,p=17"),
        sample_with("m=4294967296,t=1,p=1"),
        sample_with("m=64,t=4294967296,p=1"),
        sample_with("m=64,t=1,p=4294967297"),
        sample_with("m=99999999999999999999999,t=1,p=1"),
        sample_with("m=18446744073709551680,t=1,p=1"),  // 2^64 + 64: wraps to 64 in 64 bits
        // base64: padding, alphabet, length, canonical bits
        sample_with("", salt + "=="),
        sample_with("", "", tag + "="),
        sample_with("", salt.substr(0, 20) + "=="),
        sample_with("", salt.substr(0, 21) + "-"),
        sample_with("", salt.substr(0, 21) + "_"),
        sample_with("", salt.substr(0, 21) + "*"),
        sample_with("", salt.substr(0, 10) + " " + salt.substr(11)),
        sample_with("", std::string(21, 'A')),
        sample_with("", "", tag_with_loose_bits),
        // lengths: empty or short salt, short tag
        "$argon2id$v=19$m=64,t=1,p=1$$" + tag,
        sample_with("", "AAAAAAAAAA"),              // 7 bytes
        sample_with("", "", std::string(20, 'A')),  // 15 bytes
        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
        // fields missing or extra, trailing garbage
        "$argon2id$v=19$m=64,t=1,p=1$" + salt,
        "$argon2id$v=19$m=64,t=1,p=1",
        good + "$" + tag,
        good + "$",
        "$argon2id$v=19$m=64,t=1,p=1$$" + salt + "$" + tag,
        "$argon2id$v=19$$m=64,t=1,p=1$" + salt + "$" + tag,
        good + " ",
        good + "\n",
        good + std::string(1, '\0'),
        good + "!",
        "",
        "$",
        "$argon2id$v=19$",
    };
    for (const std::string& text : refused) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parse_phc(text).has_value());
    }
}

// --- PinHasher -------------------------------------------------------------------------------

TEST(PinHasher, HashThenVerifyMatches) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    EXPECT_EQ(stored.pepper_id, 1);
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), stored), PinCheck::match);
}

TEST(PinHasher, StoresConfiguredParametersSaltAndTagLengths) {
    const KeyRing keys = test::test_keys(1, 1, 7);
    const PinHasher hasher(keys, {128, 2, 2});
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    EXPECT_EQ(stored.pepper_id, 7);
    EXPECT_TRUE(stored.phc.starts_with("$argon2id$v=19$m=128,t=2,p=2$")) << stored.phc;
    const auto parsed = parse_phc(stored.phc);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->params, (Argon2Params{128, 2, 2}));
    EXPECT_EQ(parsed->salt.size(), kPinSaltLength);
    EXPECT_EQ(parsed->tag.size(), kPinTagLength);
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), stored), PinCheck::match);
}

TEST(PinHasher, PassesThePepperAsArgon2Secret) {
    const KeyRing keys = test::test_keys(1, 1, 3);
    const PinHasher hasher(keys, kSmall);
    const Pin pin = Pin::entered("4821");
    const auto parsed = parse_phc(hasher.hash(pin).phc);
    ASSERT_TRUE(parsed.has_value());
    const auto pepper = keys.pin_pepper().find(3)->bytes();
    EXPECT_EQ(parsed->tag, argon2id(pin.bytes(), span_of(parsed->salt), pepper, {}, kSmall, 32));
    EXPECT_NE(parsed->tag, argon2id(pin.bytes(), span_of(parsed->salt), {}, {}, kSmall, 32));
}

TEST(PinHasher, WrongPinMismatches) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    for (const char* wrong : {"4822", "482", "48210", "", "abcd", "4821 "}) {
        SCOPED_TRACE(fmt::format("attempt of {} characters", std::string_view(wrong).size()));
        EXPECT_EQ(hasher.verify(Pin::entered(wrong), stored), PinCheck::mismatch);
    }
}

TEST(PinHasher, SaltsEachHashDifferentlyAndBothVerify) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin first = hasher.hash(Pin::entered("4821"));
    const StoredPin second = hasher.hash(Pin::entered("4821"));
    EXPECT_NE(first.phc, second.phc);
    EXPECT_NE(parse_phc(first.phc)->salt, parse_phc(second.phc)->salt);
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), first), PinCheck::match);
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), second), PinCheck::match);
}

TEST(PinHasher, AnotherPepperUnderTheSameIdMismatches) {
    const KeyRing ours = ring_with_peppers(1, {{1, 11}});
    const KeyRing theirs = ring_with_peppers(1, {{1, 12}});
    const StoredPin stored = PinHasher(theirs, kSmall).hash(Pin::entered("4821"));
    ASSERT_EQ(PinHasher(theirs, kSmall).verify(Pin::entered("4821"), stored), PinCheck::match);
    EXPECT_EQ(PinHasher(ours, kSmall).verify(Pin::entered("4821"), stored), PinCheck::mismatch);
}

TEST(PinHasher, RelabelledPepperIdMismatches) {
    const KeyRing keys = ring_with_peppers(2, {{1, 11}, {2, 12}});
    const PinHasher hasher(keys, kSmall);
    StoredPin stored = hasher.hash(Pin::entered("4821"));
    ASSERT_EQ(stored.pepper_id, 2);
    stored.pepper_id = 1;
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), stored), PinCheck::mismatch);
}

TEST(PinHasher, PepperIdMissingFromTheRingIsUnusable) {
    const KeyRing rotated = ring_with_peppers(2, {{1, 11}, {2, 12}});
    const KeyRing older = ring_with_peppers(1, {{1, 11}});
    const StoredPin stored = PinHasher(rotated, kSmall).hash(Pin::entered("4821"));
    ASSERT_EQ(stored.pepper_id, 2);
    EXPECT_EQ(PinHasher(older, kSmall).verify(Pin::entered("4821"), stored), PinCheck::unusable);
    StoredPin no_pepper = stored;
    no_pepper.pepper_id = 0;
    EXPECT_EQ(PinHasher(rotated, kSmall).verify(Pin::entered("4821"), no_pepper),
              PinCheck::unusable);
}

TEST(PinHasher, ARingWithoutPepperCannotHashAndSaysHowToAddOne) {
    // A key file written before PINs existed: no [pin_pepper] section at all.
    const std::string full = test::test_key_file_text();
    const KeyRing old = KeyRing::parse(full.substr(0, full.find("[pin_pepper]")), "old keys");
    const PinHasher hasher(old, kSmall);
    try {
        (void)hasher.hash(Pin::entered("4821"));
        ADD_FAILURE() << "hash() without a pepper did not throw";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("keys rotate pin_pepper"), std::string::npos);
    }
    const StoredPin stored = PinHasher(test::test_keys(), kSmall).hash(Pin::entered("4821"));
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), stored), PinCheck::unusable);
    hasher.dummy_verify(Pin::entered("4821"));  // still costs a verification, does not throw
}

TEST(PinHasher, MalformedStoredHashIsUnusableAndNeverThrows) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin good = hasher.hash(Pin::entered("4821"));
    std::string truncated = good.phc;
    truncated.pop_back();
    truncated.pop_back();
    std::string other_algorithm = good.phc;
    other_algorithm.replace(0, 9, "$argon2i");
    for (const std::string& phc :
         {std::string(), std::string("4821"), std::string("$argon2id$v=19$m=64,t=1,p=1$$"),
          truncated, other_algorithm, good.phc + "$", good.phc.substr(0, 30)}) {
        SCOPED_TRACE(phc);
        PinCheck check = PinCheck::match;
        EXPECT_NO_THROW(check = hasher.verify(Pin::entered("4821"), StoredPin{phc, 1}));
        EXPECT_EQ(check, PinCheck::unusable);
    }
}

TEST(PinHasher, VerifiesWithTheStoredParametersNotTheConfiguredOnes) {
    const KeyRing keys = test::test_keys();
    const StoredPin stored = PinHasher(keys, kSmall).hash(Pin::entered("4821"));
    const PinHasher stronger(keys, {256, 2, 2});
    EXPECT_EQ(stronger.verify(Pin::entered("4821"), stored), PinCheck::match);
    EXPECT_EQ(stronger.verify(Pin::entered("4820"), stored), PinCheck::mismatch);
    EXPECT_TRUE(stronger.needs_rehash(stored));
}

TEST(PinHasher, VerifiesAStoredTagOfAnotherLength) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const Pin pin = Pin::entered("4821");
    const std::string salt(12, '\x05');
    const std::string tag =
        argon2id(pin.bytes(), span_of(salt), keys.pin_pepper().find(1)->bytes(), {}, kSmall, 16);
    const StoredPin stored{format_phc(PhcHash{kSmall, salt, tag}), 1};
    EXPECT_EQ(hasher.verify(pin, stored), PinCheck::match);
    EXPECT_EQ(hasher.verify(Pin::entered("4822"), stored), PinCheck::mismatch);
    EXPECT_TRUE(hasher.needs_rehash(stored)) << "salt and tag shorter than a fresh hash's";
}

TEST(PinHasher, AlteredTagOrSaltMismatches) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    const PhcHash parsed = *parse_phc(stored.phc);
    for (const bool in_tag : {true, false}) {
        PhcHash altered = parsed;
        std::string& field = in_tag ? altered.tag : altered.salt;
        field[3] = static_cast<char>(field[3] ^ 0x01);
        EXPECT_EQ(hasher.verify(Pin::entered("4821"), StoredPin{format_phc(altered), 1}),
                  PinCheck::mismatch);
    }
}

TEST(PinHasher, FreshHashNeedsNoRehash) {
    const KeyRing keys = test::test_keys(1, 1, 4);
    const PinHasher hasher(keys, kSmall);
    EXPECT_FALSE(hasher.needs_rehash(hasher.hash(Pin::entered("4821"))));
}

TEST(PinHasher, OtherParametersNeedRehash) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    for (const Argon2Params other :
         {Argon2Params{128, 1, 1}, Argon2Params{64, 2, 1}, Argon2Params{64, 1, 2}}) {
        const StoredPin stored = PinHasher(keys, other).hash(Pin::entered("4821"));
        EXPECT_TRUE(hasher.needs_rehash(stored)) << stored.phc;
        EXPECT_FALSE(PinHasher(keys, other).needs_rehash(stored));
    }
}

TEST(PinHasher, MalformedStoredHashNeedsRehash) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    EXPECT_TRUE(hasher.needs_rehash(StoredPin{"", 1}));
    EXPECT_TRUE(hasher.needs_rehash(StoredPin{"$argon2id$v=19$m=64,t=1,p=1$", 1}));
}

TEST(PinHasher, OlderPepperNeedsRehashAfterRotation) {
    KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    ASSERT_FALSE(hasher.needs_rehash(stored));
    ASSERT_EQ(keys.rotate(KeyPurpose::pin_pepper), 2);
    EXPECT_TRUE(hasher.needs_rehash(stored));
}

TEST(PinHasher, RotatingThePepperLocksNobodyOut) {
    KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    const StoredPin before = hasher.hash(Pin::entered("4821"));
    ASSERT_EQ(before.pepper_id, 1);

    ASSERT_EQ(keys.rotate(KeyPurpose::pin_pepper), 2);
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), before), PinCheck::match);
    EXPECT_EQ(hasher.verify(Pin::entered("4822"), before), PinCheck::mismatch);
    EXPECT_TRUE(hasher.needs_rehash(before));

    const StoredPin after = hasher.hash(Pin::entered("4821"));
    EXPECT_EQ(after.pepper_id, 2);
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), after), PinCheck::match);
    EXPECT_FALSE(hasher.needs_rehash(after));
}

TEST(PinHasher, DefaultParametersAreOwaspsMinimumAndWork) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, Argon2Params{});
    EXPECT_EQ(hasher.params(), (Argon2Params{19456, 2, 1}));
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    EXPECT_TRUE(stored.phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << stored.phc;
    EXPECT_EQ(hasher.verify(Pin::entered("4821"), stored), PinCheck::match);
    EXPECT_EQ(hasher.verify(Pin::entered("1248"), stored), PinCheck::mismatch);
    EXPECT_FALSE(hasher.needs_rehash(stored));
}

TEST(PinHasher, DummyVerifyRunsForAnyInput) {
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, kSmall);
    EXPECT_NO_THROW(hasher.dummy_verify(Pin::entered("4821")));
    EXPECT_NO_THROW(hasher.dummy_verify(Pin::entered("")));
    EXPECT_NO_THROW(hasher.dummy_verify(Pin::entered(std::string(200, 'x'))));
}

// Shortest of `runs` timings of `work`, in microseconds.
template <class Work>
double fastest_microseconds(int runs, Work&& work) {
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        const std::chrono::duration<double, std::micro> took =
            std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count());
    }
    return best;
}

TEST(PinHasher, UnusableHashCostsAboutOneVerification) {
    // Without the dummy work, an unusable hash answers in microseconds instead of milliseconds:
    // a factor of a thousand, so a bound of a third is far from noise.
    const KeyRing keys = test::test_keys();
    const PinHasher hasher(keys, Argon2Params{});
    const StoredPin stored = hasher.hash(Pin::entered("4821"));
    const double real = fastest_microseconds(
        3, [&] { EXPECT_EQ(hasher.verify(Pin::entered("4822"), stored), PinCheck::mismatch); });
    const double malformed = fastest_microseconds(3, [&] {
        EXPECT_EQ(hasher.verify(Pin::entered("4822"), StoredPin{"x", 1}), PinCheck::unusable);
    });
    const double missing_pepper = fastest_microseconds(3, [&] {
        EXPECT_EQ(hasher.verify(Pin::entered("4822"), StoredPin{stored.phc, 9}),
                  PinCheck::unusable);
    });
    EXPECT_GT(malformed, real / 3) << fmt::format("{:.0f} us vs {:.0f} us", malformed, real);
    EXPECT_GT(missing_pepper, real / 3)
        << fmt::format("{:.0f} us vs {:.0f} us", missing_pepper, real);
}

}  // namespace
}  // namespace patron::crypto
