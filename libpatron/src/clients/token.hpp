#pragma once
// Bearer tokens of API clients and web sessions: 256 random bits behind a prefix that tells
// what the token is for (so secret scanners recognise a leaked one), stored only as a SHA-256.

#include <string>
#include <string_view>

namespace patron::detail {

/// A token just made and what is stored of it.
struct IssuedToken {
    std::string token;  ///< `prefix` then 32 bytes in base64url (RFC 4648 §5) without padding
    std::string hash;   ///< SHA-256 of `token`, 32 bytes
};

/// A fresh token: 32 bytes from OpenSSL's CSPRNG behind `prefix`.
/// @throws Exception when the random generator or the hash fails
[[nodiscard]] IssuedToken issue_token(std::string_view prefix);

/// Whether `token` has the form issue_token(prefix) gives: the prefix, then 43 characters of the
/// base64url alphabet. One that has not cannot match a stored hash.
[[nodiscard]] bool well_formed_token(std::string_view token, std::string_view prefix) noexcept;

/// What is stored of `token`, to look it up. @throws Exception when the hash fails
[[nodiscard]] std::string token_hash(std::string_view token);

}  // namespace patron::detail
