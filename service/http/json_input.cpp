#include "http/json_input.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "patron/domain/date.hpp"

namespace patron::http {
namespace {

Problem invalid_field(std::string_view field, std::string reason) {
    return problem(Error{ErrorCode::invalid_input, std::string(field), std::move(reason)});
}

bool is_json_media_type(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
    constexpr std::string_view kJson = "application/json";
    return std::equal(type.begin(), type.end(), kJson.begin(), kJson.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
}

// A client's field name is shown back only in the form of the API's own names (lower-case
// snake_case): a key is client text too, and one that looks like a name or a code could be one.
bool showable_name(std::string_view key) {
    const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    return !key.empty() && key.size() <= 64 && lower(key.front()) &&
           std::all_of(key.begin(), key.end(),
                       [&](char c) { return lower(c) || (c >= '0' && c <= '9') || c == '_'; });
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

tl::expected<JsonReader, Problem> JsonReader::of(const Request& request, bool optional) {
    if (request.body.empty()) {
        if (optional) return JsonReader(nlohmann::json::object());
        return tl::unexpected(problem(Fault::malformed_json, "a JSON object body is required"));
    }
    if (!is_json_media_type(request.content_type)) {
        return tl::unexpected(problem(Fault::unsupported_media_type));
    }
    // Exceptions off: invalid JSON (and invalid UTF-8) comes back as a discarded value.
    nlohmann::json parsed = nlohmann::json::parse(request.body, nullptr, false);
    if (parsed.is_discarded()) return tl::unexpected(problem(Fault::malformed_json));
    if (!parsed.is_object()) {
        return tl::unexpected(invalid_field("", "the body must be a JSON object"));
    }
    return JsonReader(std::move(parsed));
}

nlohmann::json* JsonReader::find(std::string_view key, bool required) {
    known_.emplace(key);
    const auto it = object_.find(key);
    if (it == object_.end()) {
        if (required) bad(key, "is required");
        return nullptr;
    }
    return &*it;
}

void JsonReader::bad(std::string_view key, std::string reason) {
    if (!first_) first_ = invalid_field(key, std::move(reason));
}

void JsonReader::text(std::string_view key, std::string& out) {
    const nlohmann::json* value = find(key, false);
    if (!value) return;
    if (!value->is_string()) return bad(key, "must be a string");
    out = value->get<std::string>();
}

void JsonReader::text(std::string_view key, std::optional<std::string>& out) {
    const nlohmann::json* value = find(key, false);
    if (!value) return;
    if (!value->is_string()) return bad(key, "must be a string");
    out = value->get<std::string>();
}

void JsonReader::texts(std::string_view key, std::vector<std::string>& out) {
    const nlohmann::json* value = find(key, false);
    if (!value) return;
    const auto all_strings = [](const nlohmann::json& array) {
        return std::all_of(array.begin(), array.end(), [](const auto& v) { return v.is_string(); });
    };
    if (!value->is_array() || !all_strings(*value)) return bad(key, "must be an array of strings");
    out = value->get<std::vector<std::string>>();
}

void JsonReader::texts(std::string_view key, std::optional<std::vector<std::string>>& out) {
    if (object_.find(key) == object_.end()) {
        known_.emplace(key);
        return;
    }
    std::vector<std::string> list;
    texts(key, list);
    out = std::move(list);
}

void JsonReader::integer(std::string_view key, std::optional<std::int64_t>& out) {
    const nlohmann::json* value = find(key, false);
    if (!value) return;
    const bool fits =
        value->is_number_integer() &&
        (!value->is_number_unsigned() ||
         value->get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()});
    if (!fits) return bad(key, "must be an integer");
    out = value->get<std::int64_t>();
}

void JsonReader::flag(std::string_view key, bool& out) {
    const nlohmann::json* value = find(key, false);
    if (!value) return;
    if (!value->is_boolean()) return bad(key, "must be true or false");
    out = value->get<bool>();
}

void JsonReader::date(std::string_view key, std::optional<Date>& out) {
    const nlohmann::json* value = find(key, false);
    if (!value) return;
    const auto parsed =
        value->is_string() ? parse_iso_date(value->get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) return bad(key, "must be a date YYYY-MM-DD");
    out = parsed;
}

void JsonReader::secret(std::string_view key, std::optional<SecretBytes>& out) {
    nlohmann::json* value = find(key, false);
    if (!value) return;
    if (!value->is_string()) return bad(key, "must be a string");
    out = SecretBytes::take(value->get_ref<std::string&>());
}

void JsonReader::required_text(std::string_view key, std::string& out) {
    if (find(key, true)) text(key, out);
}

void JsonReader::required_integer(std::string_view key, std::int64_t& out) {
    std::optional<std::int64_t> value;
    if (find(key, true)) integer(key, value);
    if (value) out = *value;
}

void JsonReader::required_flag(std::string_view key, bool& out) {
    if (find(key, true)) flag(key, out);
}

void JsonReader::required_secret(std::string_view key, SecretBytes& out) {
    std::optional<SecretBytes> value;
    if (find(key, true)) secret(key, value);
    if (value) out = std::move(*value);
}

std::optional<Problem> JsonReader::finish() const {
    for (const auto& [key, value] : object_.items()) {
        if (known_.contains(key)) continue;
        return showable_name(key) ? invalid_field(key, "is not a known field")
                                  : invalid_field("", "a field is not known");
    }
    return first_;
}

std::string_view text_of(const SecretBytes& secret) noexcept {
    const auto bytes = secret.bytes();
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c != '%') {
            out += c;
        } else {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        }
    }
    return out;
}

tl::expected<std::vector<std::pair<std::string, std::string>>, Problem> parse_query(
    std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (part.empty()) continue;
        const std::size_t eq = part.find('=');
        auto name = percent_decode(part.substr(0, eq), true);
        auto value = percent_decode(
            eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
        if (!name || !value) return tl::unexpected(invalid_field("query", "is not well encoded"));
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

}  // namespace patron::http
