#pragma once
/// @file
/// Key material that is wiped from memory when released.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace patron {

/// A byte buffer for secrets (keys, later PINs): move-only, zeroed (OPENSSL_cleanse) on
/// destruction and when moved from, so copies do not linger in freed memory.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::span<const std::uint8_t> bytes);
    /// Moves the bytes of `source` into a secret and wipes `source` (a line just read, say).
    [[nodiscard]] static SecretBytes take(std::string& source);
    /// `size` bytes from a cryptographically secure generator. @throws patron::Exception
    [[nodiscard]] static SecretBytes random(std::size_t size);

    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes();

    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }

private:
    void wipe() noexcept;
    std::vector<std::uint8_t> bytes_;
};

}  // namespace patron
