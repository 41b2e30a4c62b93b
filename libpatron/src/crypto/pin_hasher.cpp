#include "crypto/pin_hasher.hpp"

#include <argon2.h>
#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "crypto/base64.hpp"
#include "patron/exception.hpp"

namespace patron::crypto {
namespace {

constexpr std::string_view kPhcPrefix = "$argon2id$v=19$";
constexpr std::size_t kMinSaltLength = 8;  // libargon2's ARGON2_MIN_SALT_LENGTH
constexpr std::size_t kMinTagLength = 16;  // shorter tags make collisions practical
constexpr std::uint32_t kMaxParallelism = 16;
constexpr std::uint32_t kBlocksPerLane = 8;  // libargon2: m >= 2 * ARGON2_SYNC_POINTS * p

// A decimal u32 as the PHC string format writes it: digits only, no sign, no leading zero.
std::optional<std::uint32_t> parse_u32(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    if (text.size() > 1 && text.front() == '0') return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

// `name=<u32>` at the front of `text`, which then starts after it.
std::optional<std::uint32_t> take_param(std::string_view& text, char name, char end) {
    if (text.size() < 2 || text[0] != name || text[1] != '=') return std::nullopt;
    const std::size_t stop = end == '\0' ? text.size() : text.find(end);
    if (stop == std::string_view::npos) return std::nullopt;
    const auto value = parse_u32(text.substr(2, stop - 2));
    text.remove_prefix(end == '\0' ? text.size() : stop + 1);
    return value;
}

std::uint32_t length_u32(std::size_t size, const char* what) {
    if (size > std::numeric_limits<std::uint32_t>::max()) {
        throw Exception(fmt::format("Argon2id: {} is too long", what));
    }
    return static_cast<std::uint32_t>(size);
}

// libargon2 takes non-const pointers for inputs it only writes with the ARGON2_FLAG_CLEAR_*
// flags, which are never set here; null for empty inputs, as its validation expects.
std::uint8_t* input(std::span<const std::uint8_t> bytes) noexcept {
    return bytes.empty() ? nullptr : const_cast<std::uint8_t*>(bytes.data());
}

std::span<const std::uint8_t> bytes_of(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

void wipe(std::string& text) noexcept {
    if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
}

}  // namespace

std::string argon2id(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                     std::span<const std::uint8_t> secret,
                     std::span<const std::uint8_t> associated_data, const Argon2Params& params,
                     std::size_t tag_length) {
    std::string tag(tag_length, '\0');
    argon2_context ctx{};
    ctx.out = reinterpret_cast<std::uint8_t*>(tag.data());
    ctx.outlen = length_u32(tag_length, "tag");
    ctx.pwd = input(password);
    ctx.pwdlen = length_u32(password.size(), "password");
    ctx.salt = input(salt);
    ctx.saltlen = length_u32(salt.size(), "salt");
    ctx.secret = input(secret);
    ctx.secretlen = length_u32(secret.size(), "secret");
    ctx.ad = input(associated_data);
    ctx.adlen = length_u32(associated_data.size(), "associated data");
    ctx.t_cost = params.iterations;
    ctx.m_cost = params.memory_kib;
    ctx.lanes = params.parallelism;
    ctx.threads = params.parallelism;
    // Without an explicit version libargon2 would compute the obsolete 0x10 variant.
    ctx.version = ARGON2_VERSION_13;
    ctx.allocate_cbk = nullptr;
    ctx.free_cbk = nullptr;
    // Never ARGON2_FLAG_CLEAR_SECRET/PASSWORD: the pepper is the key ring's long-lived buffer.
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    const int rc = argon2_ctx(&ctx, Argon2_id);
    if (rc != ARGON2_OK) {
        wipe(tag);
        throw Exception(fmt::format("Argon2id failed: {}", argon2_error_message(rc)));
    }
    return tag;
}

std::string format_phc(const PhcHash& hash) {
    return fmt::format("{}m={},t={},p={}${}${}", kPhcPrefix, hash.params.memory_kib,
                       hash.params.iterations, hash.params.parallelism, base64_unpadded(hash.salt),
                       base64_unpadded(hash.tag));
}

std::optional<PhcHash> parse_phc(std::string_view text) {
    if (!text.starts_with(kPhcPrefix)) return std::nullopt;
    text.remove_prefix(kPhcPrefix.size());
    // m=<m>,t=<t>,p=<p>$<salt>$<tag>: exactly this order, nothing more.
    const std::size_t params_end = text.find('$');
    if (params_end == std::string_view::npos) return std::nullopt;
    std::string_view params = text.substr(0, params_end);
    text.remove_prefix(params_end + 1);
    const auto m = take_param(params, 'm', ',');
    const auto t = m ? take_param(params, 't', ',') : std::nullopt;
    const auto p = t ? take_param(params, 'p', '\0') : std::nullopt;
    if (!p || !params.empty()) return std::nullopt;

    const std::size_t salt_end = text.find('$');
    if (salt_end == std::string_view::npos) return std::nullopt;
    const std::string_view salt_text = text.substr(0, salt_end);
    const std::string_view tag_text = text.substr(salt_end + 1);
    if (tag_text.find('$') != std::string_view::npos) return std::nullopt;
    auto salt = base64_unpadded_decode(salt_text);
    auto tag = base64_unpadded_decode(tag_text);
    if (!salt || !tag) return std::nullopt;

    PhcHash hash{Argon2Params{*m, *t, *p}, std::move(*salt), std::move(*tag)};
    const bool in_range = hash.salt.size() >= kMinSaltLength && hash.tag.size() >= kMinTagLength &&
                          *t >= 1 && *p >= 1 && *p <= kMaxParallelism && *m >= kBlocksPerLane * *p;
    if (!in_range) return std::nullopt;
    return hash;
}

StoredPin PinHasher::hash(const Pin& pin) const {
    const KeySet& peppers = keys_.pin_pepper();
    const SecretBytes* pepper = peppers.find(peppers.current);
    if (pepper == nullptr) {
        throw ConfigError(
            "the key file has no PIN pepper: add one with `patronctl keys rotate pin_pepper`");
    }
    const SecretBytes salt = SecretBytes::random(kPinSaltLength);
    PhcHash phc{params_,
                std::string(reinterpret_cast<const char*>(salt.bytes().data()), salt.size()),
                argon2id(pin.bytes(), salt.bytes(), pepper->bytes(), {}, params_, kPinTagLength)};
    StoredPin stored{format_phc(phc), peppers.current};
    wipe(phc.tag);
    return stored;
}

namespace {
constexpr std::uint32_t kMaxStoredMemoryKib = 1024 * 1024;  // 1 GiB
constexpr std::uint32_t kMaxStoredIterations = 10;
}  // namespace

PinCheck PinHasher::verify(const Pin& pin, const StoredPin& stored) const {
    auto phc = parse_phc(stored.phc);
    const SecretBytes* pepper = keys_.pin_pepper().find(stored.pepper_id);
    // A stored hash costlier than any we would make is refused unrun: written into the database
    // by someone else, it would otherwise tie up a worker (or all memory) per attempt.
    const bool affordable =
        phc && phc->params.memory_kib <= std::max(4 * params_.memory_kib, kMaxStoredMemoryKib) &&
        phc->params.iterations <= std::max(4 * params_.iterations, kMaxStoredIterations);
    if (!phc || pepper == nullptr || !affordable) {
        // Costs what a real check costs, so an unusable hash cannot be told apart by timing.
        dummy_verify(pin);
        return PinCheck::unusable;
    }
    std::string tag = argon2id(pin.bytes(), bytes_of(phc->salt), pepper->bytes(), {}, phc->params,
                               phc->tag.size());
    const bool equal = CRYPTO_memcmp(tag.data(), phc->tag.data(), tag.size()) == 0;
    wipe(tag);
    wipe(phc->tag);
    return equal ? PinCheck::match : PinCheck::mismatch;
}

bool PinHasher::needs_rehash(const StoredPin& stored) const {
    const auto phc = parse_phc(stored.phc);
    // Salt and tag lengths count as parameters too: a hash unlike the ones made now is renewed.
    return !phc || phc->params != params_ || phc->salt.size() != kPinSaltLength ||
           phc->tag.size() != kPinTagLength || stored.pepper_id != keys_.pin_pepper().current;
}

void PinHasher::dummy_verify(const Pin& pin) const {
    static constexpr std::array<std::uint8_t, kPinSaltLength> kDummySalt{
        'p', 'a', 't', 'r', 'o', 'n', '/', 'd', 'u', 'm', 'm', 'y', '/', 'p', 'i', 'n'};
    const KeySet& peppers = keys_.pin_pepper();
    const SecretBytes* pepper = peppers.find(peppers.current);
    const std::vector<std::uint8_t> dummy_secret(pepper == nullptr ? kKeyLength : pepper->size(),
                                                 0);
    std::string tag = argon2id(pin.bytes(), kDummySalt, dummy_secret, {}, params_, kPinTagLength);
    wipe(tag);
}

}  // namespace patron::crypto
