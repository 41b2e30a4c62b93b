// KeyRing: loading the key file (only a private regular file, every key well formed, errors that
// never quote key material) and creating one (mode 0600, private directories, never overwriting).

#include "patron/crypto/key_ring.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "patron/exception.hpp"
#include "support/temp_dir.hpp"
#include "support/test_data.hpp"

namespace patron {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// Restores the process umask when the test ends.
class UmaskGuard {
public:
    explicit UmaskGuard(mode_t mask) : previous_(::umask(mask)) {}
    ~UmaskGuard() { ::umask(previous_); }
    UmaskGuard(const UmaskGuard&) = delete;
    UmaskGuard& operator=(const UmaskGuard&) = delete;

private:
    mode_t previous_;
};

std::string base64(const std::vector<unsigned char>& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// `size` bytes derived from `seed`, in base64.
std::string key_of(std::size_t size, unsigned char seed) {
    std::vector<unsigned char> bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>(seed + 7 * i);
    return base64(bytes);
}

std::vector<std::uint8_t> decode(const std::string& text) {
    std::vector<std::uint8_t> out(text.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) throw std::runtime_error("bad base64 in test");
    // EVP_DecodeBlock decodes each '=' of the padding as a zero byte.
    const auto padding = text.size() - text.find_last_not_of('=') - 1;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

// The quoted strings of key file text: the key material.
std::vector<std::string> quoted(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = text.find('"', at)) != std::string::npos) {
        const std::size_t end = text.find('"', at + 1);
        if (end == std::string::npos) break;
        if (end > at + 1) out.push_back(text.substr(at + 1, end - at - 1));
        at = end + 1;
    }
    return out;
}

// Valid [hetu_index] and [pin_pepper] sections, to complete a file.
std::string other_sections() {
    return "[hetu_index]\ncurrent = 1\nkeys = { 1 = \"" + key_of(kKeyLength, 200) +
           "\" }\n[pin_pepper]\ncurrent = 1\nkeys = { 1 = \"" + key_of(kKeyLength, 150) + "\" }\n";
}

// Key file text with the given encryption section and valid index and pepper sections.
std::string with_encryption_section(const std::string& section) {
    return "[hetu_encryption]\n" + section + "\n" + other_sections();
}

void write_file(const fs::path& file, const std::string& text, mode_t mode) {
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) throw std::runtime_error("cannot write test file");
    }
    if (::chmod(file.c_str(), mode) != 0) throw std::runtime_error("chmod failed");
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("stat failed");
    return st.st_mode;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The message with which loading `file` is refused, or "(accepted)". Fails the test if the message
// quotes any of `secrets`.
std::string load_refusal(const fs::path& file, const std::vector<std::string>& secrets) {
    try {
        (void)KeyRing::load(file);
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        EXPECT_FALSE(message.empty());
        for (const auto& secret : secrets) {
            EXPECT_FALSE(contains(message, secret)) << "the message quotes key material";
        }
        return message;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw something other than ConfigError";
        return e.what();
    }
    return "(accepted)";
}

// The message with which key file text (written as a 0600 file) is refused.
std::string text_refusal(const std::string& text) {
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    write_file(file, text, 0600);
    std::vector<std::string> secrets = quoted(text);
    // Short strings (such as "x") could occur in any message; only real key material counts.
    std::erase_if(secrets, [](const std::string& s) { return s.size() < 8; });
    const std::string message = load_refusal(file, secrets);
    if (message != "(accepted)") {
        EXPECT_TRUE(contains(message, file.string())) << "the message does not name the file";
    }
    return message;
}

// --- load: file checks ---------------------------------------------------------------------

TEST(KeyRingLoad, AcceptsOwnerOnlyModes) {
    const std::string text = test::test_key_file_text(3, 5, 9);
    for (const mode_t mode : {mode_t{0600}, mode_t{0400}}) {
        SCOPED_TRACE(fmt::format("mode {:04o}", mode));
        TempDir dir;
        const fs::path file = dir.path() / "keys.toml";
        write_file(file, text, mode);
        const KeyRing ring = KeyRing::load(file);
        EXPECT_EQ(ring.hetu_encryption().current, 3);
        EXPECT_EQ(ring.hetu_index().current, 5);
        EXPECT_EQ(ring.pin_pepper().current, 9);
        ASSERT_NE(ring.hetu_encryption().find(3), nullptr);
        ASSERT_NE(ring.hetu_index().find(5), nullptr);
        ASSERT_NE(ring.pin_pepper().find(9), nullptr);
        EXPECT_EQ(ring.hetu_encryption().keys.size(), 1U);
        EXPECT_EQ(ring.hetu_index().keys.size(), 1U);
        EXPECT_EQ(ring.pin_pepper().keys.size(), 1U);
    }
}

TEST(KeyRingLoad, ReadsTheKeyBytesOfTheFile) {
    const std::string encryption = key_of(kKeyLength, 11);
    const std::string index = key_of(kKeyLength, 99);
    const std::string pepper = key_of(kKeyLength, 55);
    const std::string text = "[hetu_encryption]\ncurrent = 1\nkeys = { 1 = \"" + encryption +
                             "\" }\n[hetu_index]\ncurrent = 1\nkeys = { 1 = \"" + index +
                             "\" }\n[pin_pepper]\ncurrent = 1\nkeys = { 1 = \"" + pepper + "\" }\n";
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    write_file(file, text, 0600);
    const KeyRing ring = KeyRing::load(file);
    const auto enc = ring.hetu_encryption().find(1)->bytes();
    const auto idx = ring.hetu_index().find(1)->bytes();
    const auto pep = ring.pin_pepper().find(1)->bytes();
    EXPECT_TRUE(std::vector<std::uint8_t>(enc.begin(), enc.end()) == decode(encryption));
    EXPECT_TRUE(std::vector<std::uint8_t>(idx.begin(), idx.end()) == decode(index));
    EXPECT_TRUE(std::vector<std::uint8_t>(pep.begin(), pep.end()) == decode(pepper));
}

TEST(KeyRingLoad, RefusesFileGroupOrOthersMayAccess) {
    const std::string text = test::test_key_file_text();
    const std::vector<std::string> secrets = quoted(text);
    ASSERT_EQ(secrets.size(), 3U);
    for (const mode_t mode :
         {mode_t{0644}, mode_t{0640}, mode_t{0604}, mode_t{0660}, mode_t{0620}, mode_t{0602},
          mode_t{0610}, mode_t{0601}, mode_t{0606}, mode_t{0666}, mode_t{0440}, mode_t{0404}}) {
        const std::string octal = fmt::format("{:04o}", mode);
        SCOPED_TRACE("mode " + octal);
        TempDir dir;
        const fs::path file = dir.path() / "keys.toml";
        write_file(file, text, mode);
        const std::string message = load_refusal(file, secrets);
        EXPECT_TRUE(contains(message, "group or others")) << message;
        EXPECT_TRUE(contains(message, octal)) << message;
        EXPECT_TRUE(contains(message, file.string())) << message;
    }
}

TEST(KeyRingLoad, RefusesSymbolicLink) {
    TempDir dir;
    const fs::path target = dir.path() / "real.toml";
    write_file(target, test::test_key_file_text(), 0600);
    const fs::path link = dir.path() / "keys.toml";
    fs::create_symlink(target, link);
    ASSERT_NO_THROW((void)KeyRing::load(target));
    const std::string message = load_refusal(link, quoted(test::test_key_file_text()));
    EXPECT_NE(message, "(accepted)");
    EXPECT_TRUE(contains(message, link.string())) << message;
}

TEST(KeyRingLoad, RefusesDirectory) {
    TempDir dir;
    const fs::path sub = dir.path() / "keys.toml";
    fs::create_directory(sub);
    fs::permissions(sub, fs::perms::owner_all);
    const std::string message = load_refusal(sub, {});
    EXPECT_TRUE(contains(message, "not a regular file")) << message;
}

TEST(KeyRingLoad, RefusesMissingFile) {
    TempDir dir;
    const std::string message = load_refusal(dir.path() / "absent.toml", {});
    EXPECT_TRUE(contains(message, "cannot open")) << message;
}

// --- load: content checks ------------------------------------------------------------------

TEST(KeyRingLoad, AcceptsValidText) {
    const std::string message = text_refusal(test::test_key_file_text());
    EXPECT_EQ(message, "(accepted)");
}

TEST(KeyRingLoad, RefusesMissingSections) {
    const std::string full = test::test_key_file_text();
    const std::size_t index_at = full.find("[hetu_index]");
    ASSERT_NE(index_at, std::string::npos);
    const std::string encryption_only = full.substr(0, index_at);
    const std::string index_only = full.substr(index_at);

    EXPECT_TRUE(contains(text_refusal(index_only), "missing section [hetu_encryption]"));
    EXPECT_TRUE(contains(text_refusal(encryption_only), "missing section [hetu_index]"));
    EXPECT_TRUE(contains(text_refusal(""), "missing section"));
    // A section that is not a table is as good as missing.
    EXPECT_TRUE(contains(text_refusal("hetu_encryption = 1\n" + index_only),
                         "missing section [hetu_encryption]"));
}

TEST(KeyRingLoad, RefusesBadCurrent) {
    const std::string keys = "keys = { 1 = \"" + key_of(kKeyLength, 1) + "\" }";
    for (const char* current :
         {"", "current = 0", "current = -1", "current = 65536", "current = \"1\"", "current = [1]",
          "current = 1.5", "current = true"}) {
        SCOPED_TRACE(current);
        const std::string message =
            text_refusal(with_encryption_section(std::string(current) + "\n" + keys));
        EXPECT_TRUE(contains(message, "[hetu_encryption] current must be a key id 1-65535"))
            << message;
    }
}

TEST(KeyRingLoad, RefusesCurrentIdNotAmongKeys) {
    const std::string message = text_refusal(
        with_encryption_section("current = 2\nkeys = { 1 = \"" + key_of(kKeyLength, 1) +
                                "\", 3 = \"" + key_of(kKeyLength, 3) + "\" }"));
    EXPECT_TRUE(contains(message, "current key 2 is not among the keys")) << message;
}

TEST(KeyRingLoad, RefusesMissingOrEmptyKeys) {
    EXPECT_TRUE(contains(text_refusal(with_encryption_section("current = 1")), "has no keys"));
    EXPECT_TRUE(
        contains(text_refusal(with_encryption_section("current = 1\nkeys = {}")), "has no keys"));
    EXPECT_TRUE(contains(
        text_refusal(with_encryption_section("current = 1\nkeys = \"" + key_of(32, 1) + "\"")),
        "has no keys"));
}

TEST(KeyRingLoad, RefusesKeyIdsThatAreNotNumbers1To65535) {
    for (const char* id :
         {"a", "one", "1a", "-1", "0", "65536", "123456", "\"\"", "\" 1\"", "\"+1\"", "1_0"}) {
        SCOPED_TRACE(id);
        const std::string message = text_refusal(
            with_encryption_section("current = 1\nkeys = { 1 = \"" + key_of(kKeyLength, 1) +
                                    "\", " + id + " = \"" + key_of(kKeyLength, 2) + "\" }"));
        EXPECT_TRUE(contains(message, "key id must be a number 1-65535")) << message;
    }
}

TEST(KeyRingLoad, AcceptsHighestKeyId) {
    const std::string message = text_refusal(with_encryption_section(
        "current = 65535\nkeys = { 65535 = \"" + key_of(kKeyLength, 1) + "\" }"));
    EXPECT_EQ(message, "(accepted)");
}

TEST(KeyRingLoad, RefusesTheSameKeyIdWrittenTwice) {
    // "1" and "01" are different TOML keys but the same key id: which bytes are key 1 would
    // depend on the order of the file, so the file is ambiguous.
    const std::string message = text_refusal(
        with_encryption_section("current = 1\nkeys = { 1 = \"" + key_of(kKeyLength, 1) +
                                "\", 01 = \"" + key_of(kKeyLength, 2) + "\" }"));
    EXPECT_NE(message, "(accepted)");
}

TEST(KeyRingLoad, RefusesWrongKeyLength) {
    for (const std::size_t size :
         {std::size_t{1}, std::size_t{16}, std::size_t{31}, std::size_t{33}, std::size_t{64}}) {
        SCOPED_TRACE(fmt::format("{} bytes", size));
        const std::string message = text_refusal(
            with_encryption_section("current = 1\nkeys = { 1 = \"" + key_of(size, 5) + "\" }"));
        EXPECT_TRUE(contains(message, "key 1 must be 32 bytes in base64")) << message;
    }
}

TEST(KeyRingLoad, RefusesBadBase64) {
    const std::string good = key_of(kKeyLength, 5);  // 43 characters and one '='
    ASSERT_EQ(good.size(), 44U);
    std::string with_star = good;
    with_star[10] = '*';
    std::string with_space = good;
    with_space[20] = ' ';
    std::string unpadded = good;
    unpadded.pop_back();
    std::string dash = good;
    dash[5] = '-';
    for (const std::string& value : {with_star, with_space, unpadded, dash, std::string(),
                                     good + "AAAA", std::string(43, 'A') + "==="}) {
        const std::string message =
            text_refusal(with_encryption_section("current = 1\nkeys = { 1 = \"" + value + "\" }"));
        EXPECT_TRUE(contains(message, "key 1 must be 32 bytes in base64")) << message;
    }
}

TEST(KeyRingLoad, RefusesPaddingInsideTheKey) {
    // '=' may only end base64; inside it is a typo, not part of a key.
    std::string value = key_of(kKeyLength, 5);
    value[8] = '=';
    const std::string message =
        text_refusal(with_encryption_section("current = 1\nkeys = { 1 = \"" + value + "\" }"));
    EXPECT_TRUE(contains(message, "key 1 must be 32 bytes in base64")) << message;
}

TEST(KeyRingLoad, RefusesKeyOfOnlyPadding) {
    for (const std::size_t size : {std::size_t{4}, std::size_t{8}, std::size_t{44}}) {
        SCOPED_TRACE(fmt::format("{} '=' characters", size));
        const std::string message = text_refusal(with_encryption_section(
            "current = 1\nkeys = { 1 = \"" + std::string(size, '=') + "\" }"));
        EXPECT_TRUE(contains(message, "key 1 must be 32 bytes in base64")) << message;
    }
}

TEST(KeyRingLoad, RefusesKeyThatIsNotAString) {
    const std::string message =
        text_refusal(with_encryption_section("current = 1\nkeys = { 1 = 12345 }"));
    EXPECT_TRUE(contains(message, "key 1 must be 32 bytes in base64")) << message;
}

TEST(KeyRingLoad, NamesTheLineOfATomlSyntaxError) {
    const std::string secret = key_of(kKeyLength, 42);
    // Line 4: an unterminated inline table holding a key.
    const std::string text = "# keys\n[hetu_encryption]\ncurrent = 1\nkeys = { 1 = \"" + secret +
                             "\" \n" + other_sections();
    const std::string message = text_refusal(text);
    EXPECT_TRUE(contains(message, "line 4")) << message;
    EXPECT_FALSE(contains(message, secret.substr(0, 12))) << "the message quotes key material";
}

TEST(KeyRingLoad, NamesTheLineOfAnUnterminatedKeyString) {
    const std::string secret = key_of(kKeyLength, 43);
    const std::string text =
        "[hetu_encryption]\ncurrent = 1\nkeys = { 1 = \"" + secret + " }\n" + other_sections();
    const std::string message = text_refusal(text);
    EXPECT_TRUE(contains(message, "line 3")) << "no line 3 in the message";
    EXPECT_FALSE(contains(message, secret.substr(0, 12))) << "the message quotes key material";
}

TEST(KeyRingParse, NamesTheSourceInErrors) {
    try {
        (void)KeyRing::parse("[hetu_encryption]\n", "the-source");
        ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_TRUE(contains(e.what(), "the-source")) << e.what();
    }
}

TEST(KeyRingParse, KeepsEveryKeyOfARotatedRing) {
    const KeyRing ring =
        KeyRing::parse("[hetu_encryption]\ncurrent = 2\nkeys = { 1 = \"" + key_of(kKeyLength, 1) +
                           "\", 2 = \"" + key_of(kKeyLength, 2) + "\" }\n" + other_sections(),
                       "test");
    EXPECT_EQ(ring.hetu_encryption().current, 2);
    EXPECT_EQ(ring.hetu_encryption().keys.size(), 2U);
    ASSERT_NE(ring.hetu_encryption().find(1), nullptr);
    ASSERT_NE(ring.hetu_encryption().find(2), nullptr);
    EXPECT_EQ(ring.hetu_encryption().find(3), nullptr);
    EXPECT_FALSE(std::ranges::equal(ring.hetu_encryption().find(1)->bytes(),
                                    ring.hetu_encryption().find(2)->bytes()));
}

// --- create_file ---------------------------------------------------------------------------

TEST(KeyRingCreateFile, CreatesMode0600FileThatLoads) {
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    KeyRing::create_file(file);
    const mode_t mode = mode_of(file);
    EXPECT_TRUE(S_ISREG(mode));
    EXPECT_EQ(mode & 07777, 0600U) << fmt::format("mode {:04o}", mode & 07777);

    const KeyRing ring = KeyRing::load(file);
    EXPECT_EQ(ring.hetu_encryption().current, 1);
    EXPECT_EQ(ring.hetu_index().current, 1);
    EXPECT_EQ(ring.pin_pepper().current, 1);
    ASSERT_NE(ring.hetu_encryption().find(1), nullptr);
    ASSERT_NE(ring.hetu_index().find(1), nullptr);
    ASSERT_NE(ring.pin_pepper().find(1), nullptr);
    EXPECT_EQ(ring.hetu_encryption().find(1)->size(), kKeyLength);
    EXPECT_EQ(ring.hetu_index().find(1)->size(), kKeyLength);
    EXPECT_EQ(ring.pin_pepper().find(1)->size(), kKeyLength);
    EXPECT_FALSE(std::ranges::equal(ring.hetu_encryption().find(1)->bytes(),
                                    ring.hetu_index().find(1)->bytes()))
        << "the encryption and index keys are the same";
    EXPECT_FALSE(std::ranges::equal(ring.pin_pepper().find(1)->bytes(),
                                    ring.hetu_encryption().find(1)->bytes()));
    EXPECT_FALSE(
        std::ranges::equal(ring.pin_pepper().find(1)->bytes(), ring.hetu_index().find(1)->bytes()));
}

TEST(KeyRingCreateFile, IsMode0600WhateverTheUmask) {
    const UmaskGuard guard(0);
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    KeyRing::create_file(file);
    EXPECT_EQ(mode_of(file) & 07777, 0600U);
}

TEST(KeyRingCreateFile, CreatesMissingParentDirectoriesWithMode0700) {
    const UmaskGuard guard(022);
    TempDir dir;
    const fs::path outer = dir.path() / "etc";
    const fs::path inner = outer / "patron";
    const fs::path file = inner / "keys.toml";
    KeyRing::create_file(file);
    for (const fs::path& created : {outer, inner}) {
        SCOPED_TRACE(created.string());
        const mode_t mode = mode_of(created);
        EXPECT_TRUE(S_ISDIR(mode));
        EXPECT_EQ(mode & 07777, 0700U) << fmt::format("mode {:04o}", mode & 07777);
    }
    EXPECT_NO_THROW((void)KeyRing::load(file));
}

TEST(KeyRingCreateFile, LeavesAnExistingParentDirectoryAlone) {
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
    KeyRing::create_file(dir.path() / "keys.toml");
    EXPECT_EQ(mode_of(dir.path()) & 07777, 0755U);
}

TEST(KeyRingCreateFile, NeverOverwritesAnExistingFile) {
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    const std::string original = test::test_key_file_text(7, 8);
    write_file(file, original, 0600);
    try {
        KeyRing::create_file(file);
        ADD_FAILURE() << "overwrote the file";
    } catch (const ConfigError& e) {
        EXPECT_TRUE(contains(e.what(), "exists")) << e.what();
        EXPECT_TRUE(contains(e.what(), file.string())) << e.what();
    }
    EXPECT_TRUE(read_file(file) == original) << "the existing file changed";
    EXPECT_EQ(mode_of(file) & 07777, 0600U);
    EXPECT_EQ(KeyRing::load(file).hetu_encryption().current, 7);
}

TEST(KeyRingCreateFile, RefusesAFileItCreatedBefore) {
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    KeyRing::create_file(file);
    const std::string first = read_file(file);
    EXPECT_THROW(KeyRing::create_file(file), ConfigError);
    EXPECT_TRUE(read_file(file) == first) << "the existing file changed";
}

TEST(KeyRingCreateFile, DoesNotWriteThroughASymbolicLink) {
    TempDir dir;
    const fs::path target = dir.path() / "elsewhere.toml";
    const fs::path link = dir.path() / "keys.toml";
    fs::create_symlink(target, link);  // dangling: the target does not exist
    EXPECT_THROW(KeyRing::create_file(link), ConfigError);
    EXPECT_FALSE(fs::exists(target)) << "created the file the link points to";
}

TEST(KeyRingCreateFile, GivesFreshKeysEachTime) {
    TempDir dir;
    const fs::path first = dir.path() / "first.toml";
    const fs::path second = dir.path() / "second.toml";
    KeyRing::create_file(first);
    KeyRing::create_file(second);
    const KeyRing a = KeyRing::load(first);
    const KeyRing b = KeyRing::load(second);
    EXPECT_FALSE(std::ranges::equal(a.hetu_encryption().find(1)->bytes(),
                                    b.hetu_encryption().find(1)->bytes()));
    EXPECT_FALSE(
        std::ranges::equal(a.hetu_index().find(1)->bytes(), b.hetu_index().find(1)->bytes()));
    EXPECT_FALSE(
        std::ranges::equal(a.pin_pepper().find(1)->bytes(), b.pin_pepper().find(1)->bytes()));
}

// --- pin_pepper ----------------------------------------------------------------------------

TEST(KeyRingLoad, ReadsAFileWrittenBeforePinsAndRotationAddsThePepper) {
    // A file as written before PINs existed: both identity code sections, no [pin_pepper].
    const std::string full = test::test_key_file_text();
    const std::string two_sections = full.substr(0, full.find("[pin_pepper]"));
    ASSERT_NE(two_sections, full);
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    write_file(file, two_sections, 0600);
    KeyRing ring = KeyRing::load(file);
    EXPECT_TRUE(ring.pin_pepper().keys.empty());
    EXPECT_EQ(ring.pin_pepper().current, 0);
    ASSERT_NE(ring.hetu_encryption().find(1), nullptr);

    EXPECT_EQ(ring.rotate(KeyPurpose::pin_pepper), 1);
    ring.rewrite_file(file);
    const KeyRing upgraded = KeyRing::load(file);
    EXPECT_EQ(upgraded.pin_pepper().current, 1);
    ASSERT_NE(upgraded.pin_pepper().find(1), nullptr);
    EXPECT_TRUE(std::ranges::equal(upgraded.hetu_encryption().find(1)->bytes(),
                                   ring.hetu_encryption().find(1)->bytes()));
}

TEST(KeyRingLoad, ChecksThePinPepperSectionLikeTheOthers) {
    const std::string head = test::test_key_file_text();
    const std::string without = head.substr(0, head.find("[pin_pepper]"));
    EXPECT_TRUE(contains(text_refusal(without + "[pin_pepper]\ncurrent = 1\nkeys = {}\n"),
                         "[pin_pepper] has no keys"));
    EXPECT_TRUE(contains(text_refusal(without + "[pin_pepper]\ncurrent = 2\nkeys = { 1 = \"" +
                                      key_of(kKeyLength, 3) + "\" }\n"),
                         "[pin_pepper] current key 2 is not among the keys"));
    EXPECT_TRUE(contains(text_refusal(without + "[pin_pepper]\ncurrent = 1\nkeys = { 1 = \"" +
                                      key_of(16, 3) + "\" }\n"),
                         "[pin_pepper] key 1 must be 32 bytes in base64"));
}

// --- key purposes --------------------------------------------------------------------------

TEST(KeyPurpose, RoundTripsThroughItsName) {
    const std::array<std::pair<KeyPurpose, std::string_view>, 3> purposes{{
        {KeyPurpose::hetu_encryption, "hetu_encryption"},
        {KeyPurpose::hetu_index, "hetu_index"},
        {KeyPurpose::pin_pepper, "pin_pepper"},
    }};
    for (const auto& [purpose, name] : purposes) {
        EXPECT_EQ(to_string(purpose), name);
        EXPECT_EQ(parse_key_purpose(name), purpose);
    }
}

TEST(KeyPurpose, ParsesNothingElse) {
    for (const char* text :
         {"", "pin", "PIN_PEPPER", "pin-pepper", " pin_pepper", "pin_pepper ", "hetu", "keys"}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parse_key_purpose(text).has_value());
    }
}

// --- rotate --------------------------------------------------------------------------------

// Key file text whose [pin_pepper] has keys `ids` (seeds 50 + id) and current `current`.
std::string with_peppers(std::uint16_t current, const std::vector<std::uint16_t>& ids) {
    const std::string full = test::test_key_file_text();
    std::string text = full.substr(0, full.find("[pin_pepper]")) +
                       fmt::format("[pin_pepper]\ncurrent = {}\nkeys = {{ ", current);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        text += fmt::format("{}{} = \"{}\"", i == 0 ? "" : ", ", ids[i],
                            key_of(kKeyLength, static_cast<unsigned char>(50 + ids[i])));
    }
    return text + " }\n";
}

bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return std::ranges::equal(a, b);
}

// Same current id, same ids, same bytes under each id.
bool same_keys(const KeySet& a, const KeySet& b) {
    if (a.current != b.current || a.keys.size() != b.keys.size()) return false;
    for (const auto& [id, key] : a.keys) {
        const SecretBytes* other = b.find(id);
        if (other == nullptr || !same_bytes(key.bytes(), other->bytes())) return false;
    }
    return true;
}

TEST(KeyRingRotate, AddsTheNextIdAsCurrentAndKeepsOlderKeys) {
    // Current 1 among {1, 5}: the new id follows the highest, not the current.
    KeyRing ring = KeyRing::parse(with_peppers(1, {1, 5}), "test");
    const KeyRing before = KeyRing::parse(with_peppers(1, {1, 5}), "test");
    EXPECT_EQ(ring.rotate(KeyPurpose::pin_pepper), 6);
    EXPECT_EQ(ring.pin_pepper().current, 6);
    ASSERT_EQ(ring.pin_pepper().keys.size(), 3U);
    for (const std::uint16_t id : std::vector<std::uint16_t>{1, 5}) {
        ASSERT_NE(ring.pin_pepper().find(id), nullptr);
        EXPECT_TRUE(
            same_bytes(ring.pin_pepper().find(id)->bytes(), before.pin_pepper().find(id)->bytes()))
            << "key " << id << " changed";
    }
    const SecretBytes* fresh = ring.pin_pepper().find(6);
    ASSERT_NE(fresh, nullptr);
    EXPECT_EQ(fresh->size(), kKeyLength);
    for (const std::uint16_t id : std::vector<std::uint16_t>{1, 5}) {
        EXPECT_FALSE(same_bytes(fresh->bytes(), ring.pin_pepper().find(id)->bytes()));
    }
    // Only the rotated purpose changes.
    EXPECT_TRUE(same_keys(ring.hetu_encryption(), before.hetu_encryption()));
    EXPECT_TRUE(same_keys(ring.hetu_index(), before.hetu_index()));

    EXPECT_EQ(ring.rotate(KeyPurpose::pin_pepper), 7);
    EXPECT_EQ(ring.pin_pepper().keys.size(), 4U);
}

TEST(KeyRingRotate, RotatesEachPurposeOnItsOwn) {
    KeyRing ring = test::test_keys(3, 4, 5);
    EXPECT_EQ(ring.rotate(KeyPurpose::hetu_encryption), 4);
    EXPECT_EQ(ring.rotate(KeyPurpose::hetu_index), 5);
    EXPECT_EQ(ring.hetu_encryption().current, 4);
    EXPECT_EQ(ring.hetu_index().current, 5);
    EXPECT_EQ(ring.pin_pepper().current, 5);
    EXPECT_EQ(ring.pin_pepper().keys.size(), 1U);
}

TEST(KeyRingRotate, RefusesWhenTheIdsAreUsedUp) {
    KeyRing ring = KeyRing::parse(with_peppers(3, {3, 65535}), "test");
    const KeyRing before = KeyRing::parse(with_peppers(3, {3, 65535}), "test");
    try {
        (void)ring.rotate(KeyPurpose::pin_pepper);
        ADD_FAILURE() << "rotated past key id 65535";
    } catch (const ConfigError& e) {
        EXPECT_TRUE(contains(e.what(), "pin_pepper")) << e.what();
    }
    EXPECT_TRUE(same_keys(ring.pin_pepper(), before.pin_pepper())) << "the ring changed";
}

// --- rewrite_file --------------------------------------------------------------------------

TEST(KeyRingRewriteFile, WritesAFileThatLoadsToTheSameKeys) {
    const UmaskGuard guard(0);
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    KeyRing::create_file(file);
    KeyRing ring = KeyRing::load(file);
    ring.rotate(KeyPurpose::pin_pepper);
    ring.rotate(KeyPurpose::pin_pepper);
    ring.rotate(KeyPurpose::hetu_index);
    ring.rewrite_file(file);

    EXPECT_EQ(mode_of(file) & 07777, 0600U) << fmt::format("mode {:04o}", mode_of(file) & 07777);
    const KeyRing back = KeyRing::load(file);
    EXPECT_TRUE(same_keys(back.hetu_encryption(), ring.hetu_encryption()));
    EXPECT_TRUE(same_keys(back.hetu_index(), ring.hetu_index()));
    EXPECT_TRUE(same_keys(back.pin_pepper(), ring.pin_pepper()));
    EXPECT_EQ(back.pin_pepper().current, 3);
    EXPECT_EQ(back.pin_pepper().keys.size(), 3U);
    EXPECT_EQ(back.hetu_index().keys.size(), 2U);
    EXPECT_FALSE(fs::exists(file.string() + ".new")) << "the temporary file was left behind";
}

TEST(KeyRingRewriteFile, KeepsEveryIdOfAHandWrittenFile) {
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    write_file(file, with_peppers(5, {2, 5, 9, 65535}), 0600);
    const KeyRing ring = KeyRing::load(file);
    ring.rewrite_file(file);
    const KeyRing back = KeyRing::load(file);
    EXPECT_TRUE(same_keys(back.pin_pepper(), ring.pin_pepper()));
    EXPECT_EQ(back.pin_pepper().current, 5);
    for (const std::uint16_t id : std::vector<std::uint16_t>{2, 5, 9, 65535}) {
        EXPECT_NE(back.pin_pepper().find(id), nullptr) << "key " << id << " is gone";
    }
    EXPECT_TRUE(same_keys(back.hetu_encryption(), ring.hetu_encryption()));
    EXPECT_TRUE(same_keys(back.hetu_index(), ring.hetu_index()));
}

TEST(KeyRingRewriteFile, ReplacesTheFileRatherThanOverwritingIt) {
    // A reader that opened the old file still reads the whole old file: the new one was renamed
    // into place, never truncated and rewritten where a crash could leave half a key file.
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    const std::string original = with_peppers(1, {1});
    write_file(file, original, 0400);
    std::ifstream old_reader(file, std::ios::binary);
    ASSERT_TRUE(old_reader.good());

    KeyRing ring = KeyRing::load(file);
    ring.rotate(KeyPurpose::pin_pepper);
    ring.rewrite_file(file);

    std::stringstream old_text;
    old_text << old_reader.rdbuf();
    EXPECT_TRUE(old_text.str() == original) << "the old file was changed in place";
    EXPECT_EQ(mode_of(file) & 07777, 0600U);
    EXPECT_EQ(KeyRing::load(file).pin_pepper().current, 2);
}

TEST(KeyRingRewriteFile, ReplacesALeftoverTemporaryFile) {
    TempDir dir;
    const fs::path file = dir.path() / "keys.toml";
    write_file(file, with_peppers(1, {1}), 0600);
    write_file(file.string() + ".new", "half a key file", 0644);
    KeyRing ring = KeyRing::load(file);
    ring.rotate(KeyPurpose::pin_pepper);
    ring.rewrite_file(file);
    EXPECT_EQ(KeyRing::load(file).pin_pepper().current, 2);
    EXPECT_FALSE(fs::exists(file.string() + ".new"));
}

TEST(KeyRingRewriteFile, ThrowsWhenTheDirectoryIsMissing) {
    TempDir dir;
    const KeyRing ring = test::test_keys();
    const fs::path file = dir.path() / "absent" / "keys.toml";
    EXPECT_THROW(ring.rewrite_file(file), ConfigError);
    EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace patron
