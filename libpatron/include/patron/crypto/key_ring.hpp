#pragma once
/// @file
/// The service's secret keys, read from the key file (never from the database).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string_view>

#include "patron/crypto/secret_bytes.hpp"

namespace patron {

/// Keys of one purpose, by key id; `current` is the one new data is protected with. Older ids stay
/// so data protected with them can still be read while it is re-protected (key rotation).
struct KeySet {
    std::uint16_t current = 0;
    std::map<std::uint16_t, SecretBytes> keys;

    /// The key with `id`; nullptr when the ring has no such key.
    [[nodiscard]] const SecretBytes* find(std::uint16_t id) const noexcept;
};

/// All keys of the service: AES-256-GCM keys for identity codes and HMAC-SHA-256 keys for their
/// blind index. Immutable after loading; thread-safe to share.
///
/// Key file format (TOML), each key 32 random bytes in base64:
/// @code
/// [hetu_encryption]
/// current = 1
/// keys = { 1 = "base64..." }
/// [hetu_index]
/// current = 1
/// keys = { 1 = "base64..." }
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

    [[nodiscard]] const KeySet& hetu_encryption() const noexcept { return hetu_encryption_; }
    [[nodiscard]] const KeySet& hetu_index() const noexcept { return hetu_index_; }

private:
    KeyRing(KeySet encryption, KeySet index)
        : hetu_encryption_(std::move(encryption)), hetu_index_(std::move(index)) {}

    KeySet hetu_encryption_;
    KeySet hetu_index_;
};

/// Length of every key in the ring, in bytes (AES-256 and HMAC-SHA-256).
inline constexpr std::size_t kKeyLength = 32;

}  // namespace patron
