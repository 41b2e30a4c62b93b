#pragma once
// Request input: a JSON object body read field by field with its types checked, and query
// parameters. Refusals name the field, never its value.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/problem.hpp"
#include "patron/clock.hpp"
#include "patron/crypto/secret_bytes.hpp"

namespace patron::http {

/// The fields of a JSON object body. Each getter names a field the route knows; a field of the
/// wrong type, a missing required field, or a field no getter asked for is a problem, reported
/// by finish(): unknown fields first (a misspelt name explains a "required" after it), then the
/// first bad field. Not thread-safe; one per request.
class JsonReader {
public:
    /// Reads the body of `request`: a JSON object with Content-Type application/json (media
    /// type parameters such as charset allowed). An empty body reads as `{}` when `optional`.
    /// Problems: 415 for another content type, 400 malformed_json, 422 for a non-object.
    [[nodiscard]] static tl::expected<JsonReader, Problem> of(const Request& request,
                                                              bool optional = false);

    /// Optional fields leave `out` untouched when absent.
    void text(std::string_view key, std::string& out);
    void text(std::string_view key, std::optional<std::string>& out);
    void texts(std::string_view key, std::vector<std::string>& out);
    void texts(std::string_view key, std::optional<std::vector<std::string>>& out);
    void integer(std::string_view key, std::optional<std::int64_t>& out);
    void flag(std::string_view key, bool& out);
    /// An ISO date "YYYY-MM-DD".
    void date(std::string_view key, std::optional<Date>& out);
    /// A secret (a PIN): moved out of the parsed document, which is wiped.
    void secret(std::string_view key, std::optional<SecretBytes>& out);

    /// Required fields: absent is a problem.
    void required_text(std::string_view key, std::string& out);
    void required_integer(std::string_view key, std::int64_t& out);
    void required_flag(std::string_view key, bool& out);
    void required_secret(std::string_view key, SecretBytes& out);

    /// The first problem, if any (see the class comment).
    [[nodiscard]] std::optional<Problem> finish() const;

private:
    explicit JsonReader(nlohmann::json object) : object_(std::move(object)) {}
    /// The field's value (nullptr when absent); marks the field known.
    nlohmann::json* find(std::string_view key, bool required);
    void bad(std::string_view key, std::string reason);

    nlohmann::json object_;
    std::set<std::string, std::less<>> known_;
    std::optional<Problem> first_;
};

/// A secret's bytes as the text libpatron's PIN calls take.
[[nodiscard]] std::string_view text_of(const SecretBytes& secret) noexcept;

/// The decoded parameters of a query string ("a=1&b=x%20y"), in order. Empty: none.
/// Problem (422 invalid_input, field "query") on a malformed percent escape.
[[nodiscard]] tl::expected<std::vector<std::pair<std::string, std::string>>, Problem> parse_query(
    std::string_view query);

/// Percent-decodes one path segment or query component; empty when malformed.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace patron::http
