#pragma once
/// @file
/// The service's secret keys, read from the key file (never from the database).

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "patron/crypto/secret_bytes.hpp"

namespace patron {

/// Keys of one purpose, by key id; `current` is the one new data is protected with. Older ids stay
/// so data protected with them can still be read while it is re-protected (key rotation). Only
/// the PIN pepper may be empty (current 0): a key file written before PINs existed.
struct KeySet {
    std::uint16_t current = 0;
    std::map<std::uint16_t, SecretBytes> keys;

    /// The key with `id`; nullptr when the ring has no such key.
    [[nodiscard]] const SecretBytes* find(std::uint16_t id) const noexcept;
};

/// What a key protects; also its section name in the key file.
enum class KeyPurpose {
    hetu_encryption,  ///< AES-256-GCM keys for identity codes
    hetu_index,       ///< HMAC-SHA-256 keys for the identity codes' blind index
    pin_pepper,       ///< Argon2 secrets ("pepper") for PIN hashes
};

[[nodiscard]] std::string_view to_string(KeyPurpose purpose) noexcept;
/// Parses the names to_string gives; empty on anything else.
[[nodiscard]] std::optional<KeyPurpose> parse_key_purpose(std::string_view text) noexcept;

/// All keys of the service, by purpose. Immutable once shared; thread-safe to share.
///
/// Key file format (TOML), each key 32 random bytes in base64, one section per purpose:
/// @code
/// [hetu_encryption]
/// current = 1
/// keys = { 1 = "base64..." }
/// [hetu_index]
/// current = 1
/// keys = { 1 = "base64..." }
/// [pin_pepper]
/// current = 2
/// keys = { 1 = "base64...", 2 = "base64..." }
/// @endcode
class KeyRing {
public:
    /// Reads a key file. Refuses a file that group or others have any access to (use 0600 or
    /// 0400), a symbolic link, or anything but a regular file.
    /// @throws ConfigError unreadable, unsafe mode, malformed, wrong key length, unknown current id
    [[nodiscard]] static KeyRing load(const std::filesystem::path& file);

    /// Parses key file text; `source` names it in error messages (never the key material).
    /// @throws ConfigError as for load()
    [[nodiscard]] static KeyRing parse(std::string_view text, std::string_view source);

    /// Creates a new key file with fresh random keys (id 1 for each purpose), mode 0600, creating
    /// missing parent directories (mode 0700). Never overwrites.
    /// @throws ConfigError when the file exists or cannot be written
    static void create_file(const std::filesystem::path& file);

    /// Rotation: adds a fresh random key with the next id for `purpose` and makes it current; the
    /// older keys stay so data protected with them can still be read. Returns the new id.
    /// @throws ConfigError when the ids are used up (65535)
    std::uint16_t rotate(KeyPurpose purpose);

    /// Replaces `file` with this ring atomically (a 0600 temporary beside it, fsync, rename).
    /// @throws ConfigError when it cannot be written
    void rewrite_file(const std::filesystem::path& file) const;

    [[nodiscard]] const KeySet& hetu_encryption() const noexcept {
        return set(KeyPurpose::hetu_encryption);
    }
    [[nodiscard]] const KeySet& hetu_index() const noexcept { return set(KeyPurpose::hetu_index); }
    [[nodiscard]] const KeySet& pin_pepper() const noexcept { return set(KeyPurpose::pin_pepper); }

private:
    explicit KeyRing(std::array<KeySet, 3> sets) : sets_(std::move(sets)) {}
    [[nodiscard]] const KeySet& set(KeyPurpose purpose) const noexcept {
        return sets_[static_cast<std::size_t>(purpose)];
    }
    [[nodiscard]] std::string to_text() const;

    std::array<KeySet, 3> sets_;
};

/// Length of every key in the ring, in bytes (AES-256 and HMAC-SHA-256).
inline constexpr std::size_t kKeyLength = 32;

}  // namespace patron
