#include "crypto/base64.hpp"

#include <algorithm>
#include <cstdint>

namespace patron::crypto {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::uint32_t byte_at(std::string_view bytes, std::size_t i) noexcept {
    return static_cast<unsigned char>(bytes[i]);
}

int base64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

// libargon2's encoder (encoding.c) is not exported, hence ours.
std::string base64_unpadded(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = byte_at(bytes, i) << 16;
        if (n > 1) v |= byte_at(bytes, i + 1) << 8;
        if (n > 2) v |= byte_at(bytes, i + 2);
        // n bytes give n + 1 characters.
        for (std::size_t k = 0; k <= n; ++k) out += kAlphabet[(v >> (18 - 6 * k)) & 63];
    }
    return out;
}

std::optional<std::string> base64_unpadded_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = base64_value(c);
        if (v < 0) return std::nullopt;
        acc = ((acc << 6) | static_cast<std::uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if ((acc & ((1U << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string base64url_unpadded(std::string_view bytes) {
    std::string out = base64_unpadded(bytes);
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

}  // namespace patron::crypto
