#include "sip2/message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <utility>

namespace patron::sip2 {
namespace {

constexpr std::size_t kCodeLength = 2;
constexpr std::size_t kIdLength = 2;
constexpr std::size_t kDateLength = 18;
constexpr char kDelimiter = '|';
// "AY<digit>" and "AZ<4 hex>" (SIP2 "Error detection").
constexpr std::size_t kSequenceLength = 3;
constexpr std::size_t kChecksumLength = 6;

tl::unexpected<ParseError> refuse(ParseErrorKind kind, std::string message) {
    return tl::unexpected<ParseError>(ParseError{kind, std::move(message)});
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}

bool all_digits(std::string_view text) { return std::ranges::all_of(text, is_digit); }

int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int number(std::string_view digits) {
    int value = 0;
    for (const char c : digits) value = value * 10 + (c - '0');
    return value;
}

std::uint16_t checksum_value(std::string_view text) {
    std::uint16_t sum = 0;
    for (const char c : text) sum = static_cast<std::uint16_t>(sum + static_cast<unsigned char>(c));
    return static_cast<std::uint16_t>(~sum + 1U);
}

// "YYYYMMDDZZZZHHMMSS". ZZZZ is four spaces (local time) or a zone such as "   Z"; some kiosks
// send "0000", which passes as alphanumeric.
bool valid_date(std::string_view date) {
    const std::string_view day = date.substr(0, 8);
    const std::string_view zone = date.substr(8, 4);
    const std::string_view time = date.substr(12, 6);
    if (!all_digits(day) || !all_digits(time)) return false;
    if (!std::ranges::all_of(zone, [](char c) { return c == ' ' || is_alnum(c); })) return false;
    const int month = number(day.substr(4, 2));
    const int mday = number(day.substr(6, 2));
    return month >= 1 && month <= 12 && mday >= 1 && mday <= 31 &&
           number(time.substr(0, 2)) <= 23 && number(time.substr(2, 2)) <= 59 &&
           number(time.substr(4, 2)) <= 60;
}

// Three-digit language code ("000" unknown, "011" Finnish …).
bool valid_language(std::string_view language) { return all_digits(language); }

// 93: UID algorithm, PWD algorithm; '0' means not encrypted.
bool valid_login(std::string_view fixed) { return all_digits(fixed); }

// 99: status code, max print width, protocol version "2.00". The 3M guide's own example
// ("990 402.00") pads the width with a space.
bool valid_sc_status(std::string_view fixed) {
    const std::string_view width = fixed.substr(1, 3);
    return is_digit(fixed[0]) &&
           std::ranges::all_of(width, [](char c) { return c == ' ' || is_digit(c); }) &&
           is_digit(fixed[4]) && fixed[5] == '.' && is_digit(fixed[6]) && is_digit(fixed[7]);
}

// 23: language, transaction date.
bool valid_patron_status(std::string_view fixed) {
    return valid_language(fixed.substr(0, 3)) && valid_date(fixed.substr(3, kDateLength));
}

// 63: language, transaction date, summary: ten positions, 'Y' in the one whose items are
// wanted, blank (or 'N') elsewhere.
bool valid_patron_information(std::string_view fixed) {
    const auto summary_flag = [](char c) {
        return c == ' ' || c == 'Y' || c == 'y' || c == 'N' || c == 'n';
    };
    return valid_patron_status(fixed.substr(0, 21)) &&
           std::ranges::all_of(fixed.substr(21, 10), summary_flag);
}

// 35, 17: transaction date.
bool valid_transaction_date(std::string_view fixed) { return valid_date(fixed); }

bool valid_nothing(std::string_view) { return true; }

// The fixed part of a message code this codec knows: its length and its check.
struct FixedLayout {
    std::size_t length;
    bool (*valid)(std::string_view);
};

std::optional<FixedLayout> fixed_layout(std::string_view code) {
    if (code == "93") return FixedLayout{2, valid_login};
    if (code == "99") return FixedLayout{8, valid_sc_status};
    if (code == "23") return FixedLayout{21, valid_patron_status};
    if (code == "63") return FixedLayout{31, valid_patron_information};
    if (code == "35" || code == "17") return FixedLayout{kDateLength, valid_transaction_date};
    if (code == "97") return FixedLayout{0, valid_nothing};
    return std::nullopt;
}

tl::expected<std::vector<Field>, ParseError> parse_fields(std::string_view code,
                                                          std::string_view rest) {
    std::vector<Field> fields;
    std::size_t at = 0;
    while (at < rest.size()) {
        if (rest.size() - at < kIdLength || !is_upper(rest[at]) ||
            !(is_upper(rest[at + 1]) || is_digit(rest[at + 1]))) {
            return refuse(ParseErrorKind::bad_field,
                          fmt::format("message {}: variable field at offset {} has no field id",
                                      code, kCodeLength + at));
        }
        const std::size_t end = std::min(rest.find(kDelimiter, at), rest.size());
        fields.push_back(Field{std::string(rest.substr(at, kIdLength)),
                               std::string(rest.substr(at + kIdLength, end - at - kIdLength))});
        at = end + 1;
    }
    return fields;
}

}  // namespace

std::string_view to_string(ParseErrorKind kind) noexcept {
    switch (kind) {
        case ParseErrorKind::empty:
            return "empty";
        case ParseErrorKind::too_long:
            return "too_long";
        case ParseErrorKind::bad_character:
            return "bad_character";
        case ParseErrorKind::bad_code:
            return "bad_code";
        case ParseErrorKind::truncated:
            return "truncated";
        case ParseErrorKind::bad_fixed_field:
            return "bad_fixed_field";
        case ParseErrorKind::bad_field:
            return "bad_field";
        case ParseErrorKind::bad_sequence:
            return "bad_sequence";
        case ParseErrorKind::bad_checksum:
            return "bad_checksum";
    }
    return "unknown";
}

const std::string* Request::field(std::string_view id) const {
    const auto found = std::ranges::find(fields, id, &Field::id);
    return found == fields.end() ? nullptr : &found->value;
}

std::string_view Request::field_or_empty(std::string_view id) const {
    const std::string* value = field(id);
    return value == nullptr ? std::string_view() : std::string_view(*value);
}

std::string checksum(std::string_view text) { return fmt::format("{:04X}", checksum_value(text)); }

tl::expected<Request, ParseError> parse(std::string_view message, std::size_t max_length) {
    if (message.empty()) return refuse(ParseErrorKind::empty, "empty message");
    if (message.size() > max_length) {
        return refuse(ParseErrorKind::too_long,
                      fmt::format("message of {} bytes exceeds {}", message.size(), max_length));
    }
    if (const auto bad = std::ranges::find_if(message, is_control); bad != message.end()) {
        return refuse(ParseErrorKind::bad_character,
                      fmt::format("control character at offset {}", bad - message.begin()));
    }
    if (message.size() < kCodeLength) return refuse(ParseErrorKind::truncated, "no message code");
    if (!all_digits(message.substr(0, kCodeLength))) {
        return refuse(ParseErrorKind::bad_code, "message code is not two digits");
    }

    Request request;
    request.code = std::string(message.substr(0, kCodeLength));
    std::string_view body = message;

    // Error detection is the tail of the message: "AY<digit>AZ<hhhh>", or "AY<digit>" alone.
    if (body.size() >= kCodeLength + kChecksumLength &&
        body.substr(body.size() - kChecksumLength, kIdLength) == "AZ") {
        const std::string_view given = body.substr(body.size() - 4);
        if (!std::ranges::all_of(given, [](char c) { return hex_value(c) >= 0; })) {
            return refuse(ParseErrorKind::bad_checksum, "checksum is not 4 hex digits");
        }
        int value = 0;
        for (const char c : given) value = value * 16 + hex_value(c);
        if (value != checksum_value(body.substr(0, body.size() - 4))) {
            return refuse(ParseErrorKind::bad_checksum, "checksum does not match the message");
        }
        request.checksummed = true;
        body.remove_suffix(kChecksumLength);
    }
    if (body.size() >= kCodeLength + kSequenceLength &&
        body.substr(body.size() - kSequenceLength, kIdLength) == "AY") {
        const char digit = body.back();
        if (!is_digit(digit)) return refuse(ParseErrorKind::bad_sequence, "AY is not one digit");
        request.sequence = digit - '0';
        body.remove_suffix(kSequenceLength);
    } else if (request.checksummed && body.size() >= kCodeLength + kIdLength + 2 &&
               body.substr(body.size() - kIdLength - 2, kIdLength) == "AY") {
        // "AY12AZ…": the sequence number is a single digit.
        return refuse(ParseErrorKind::bad_sequence, "AY is not one digit");
    }

    const std::string_view rest = body.substr(kCodeLength);
    const std::optional<FixedLayout> layout = fixed_layout(request.code);
    if (!layout) {
        request.fixed = std::string(rest);
        return request;
    }
    if (rest.size() < layout->length) {
        return refuse(ParseErrorKind::truncated,
                      fmt::format("message {}: fixed part is {} characters, needs {}", request.code,
                                  rest.size(), layout->length));
    }
    const std::string_view fixed = rest.substr(0, layout->length);
    if (!layout->valid(fixed)) {
        return refuse(ParseErrorKind::bad_fixed_field,
                      fmt::format("message {}: malformed fixed-length field", request.code));
    }
    request.fixed = std::string(fixed);
    auto fields = parse_fields(request.code, rest.substr(layout->length));
    if (!fields) return tl::unexpected<ParseError>(std::move(fields.error()));
    request.fields = std::move(*fields);
    return request;
}

// --- Framer ------------------------------------------------------------------------------------

Framer::Framer(std::size_t max_length) : max_length_(max_length) {}

void Framer::append(std::string_view bytes) {
    if (!too_long_) buffer_.append(bytes);
}

std::optional<std::string> Framer::next() {
    if (too_long_) return std::nullopt;
    // The LF of a CRLF (possibly in the next read) and empty lines are not messages.
    const std::size_t start = buffer_.find_first_not_of("\r\n");
    if (start == std::string::npos) {
        buffer_.clear();
        return std::nullopt;
    }
    const std::size_t end = buffer_.find('\r', start);
    const std::size_t length = (end == std::string::npos ? buffer_.size() : end) - start;
    if (length > max_length_) {
        too_long_ = true;
        buffer_.clear();
        buffer_.shrink_to_fit();
        return std::nullopt;
    }
    if (end == std::string::npos) {
        buffer_.erase(0, start);
        return std::nullopt;
    }
    std::string message = buffer_.substr(start, length);
    buffer_.erase(0, end + 1);
    return message;
}

// --- Response ----------------------------------------------------------------------------------

namespace {

// A '|' would end the field early and CR/LF the message: see Response.
void append_safe(std::string& out, std::string_view text) {
    for (const char c : text) {
        if (c == kDelimiter) {
            out.push_back('/');
        } else if (is_control(c)) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
}

}  // namespace

Response::Response(std::string code) : text_(std::move(code)) {
    assert(text_.size() == kCodeLength && all_digits(text_));
}

Response& Response::fixed(std::string_view text) {
    append_safe(text_, text);
    return *this;
}

Response& Response::field(std::string_view id, std::string_view value) {
    assert(id.size() == kIdLength);
    text_.append(id);
    append_safe(text_, value);
    text_.push_back(kDelimiter);
    return *this;
}

std::string Response::finish(std::optional<int> sequence) const {
    std::string out = text_;
    if (sequence) {
        assert(*sequence >= 0 && *sequence <= 9);
        out += "AY";
        out.push_back(static_cast<char>('0' + *sequence));
        out += "AZ";
        out += checksum(out);
    }
    out.push_back('\r');
    return out;
}

// --- Code page 850 -----------------------------------------------------------------------------

namespace {

// Unicode code points of bytes 0x80–0xFF in IBM code page 850 (Multilingual Latin 1), the SIP2
// default character set. 0x00–0x7F are ASCII.
constexpr std::array<char32_t, 128> kCp850 = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,  // 80 Ç ü é â ä à å ç
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,  // 88 ê ë è ï î ì Ä Å
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,  // 90 É æ Æ ô ö ò û ù
    0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192,  // 98 ÿ Ö Ü ø £ Ø × ƒ
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,  // A0 á í ó ú ñ Ñ ª º
    0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,  // A8 ¿ ® ¬ ½ ¼ ¡ « »
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0,  // B0 ░ ▒ ▓ │ ┤ Á Â À
    0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510,  // B8 © ╣ ║ ╗ ╝ ¢ ¥ ┐
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3,  // C0 └ ┴ ┬ ├ ─ ┼ ã Ã
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4,  // C8 ╚ ╔ ╩ ╦ ╠ ═ ╬ ¤
    0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x0131, 0x00CD, 0x00CE,  // D0 ð Ð Ê Ë È ı Í Î
    0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580,  // D8 Ï ┘ ┌ █ ▄ ¦ Ì ▀
    0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE,  // E0 Ó ß Ô Ò õ Õ µ þ
    0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4,  // E8 Þ Ú Û Ù ý Ý ¯ ´
    0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8,  // F0 SHY ± ‗ ¾ ¶ § ÷ ¸
    0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,  // F8 ° ¨ · ¹ ³ ² ■ NBSP
};

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        // The table holds nothing beyond the Basic Multilingual Plane.
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Decodes one UTF-8 sequence at `at`; nullopt for a malformed one (overlong, surrogate, out of
// range, truncated). `at` always advances by at least one byte.
std::optional<char32_t> decode_utf8(std::string_view text, std::size_t& at) {
    const auto lead = static_cast<unsigned char>(text[at++]);
    if (lead < 0x80) return lead;
    std::size_t extra = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((lead & 0xE0) == 0xC0) {
        extra = 1;
        cp = lead & 0x1FU;
        min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        extra = 2;
        cp = lead & 0x0FU;
        min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        extra = 3;
        cp = lead & 0x07U;
        min = 0x10000;
    } else {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < extra; ++i) {
        if (at >= text.size()) return std::nullopt;
        const auto next = static_cast<unsigned char>(text[at]);
        if ((next & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (next & 0x3FU);
        ++at;
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    return cp;
}

}  // namespace

std::string utf8_to_cp850(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t at = 0;
    while (at < utf8.size()) {
        const std::optional<char32_t> cp = decode_utf8(utf8, at);
        if (cp && *cp < 0x80) {
            out.push_back(static_cast<char>(*cp));
            continue;
        }
        const auto found = cp ? std::ranges::find(kCp850, *cp) : kCp850.end();
        out.push_back(found == kCp850.end() ? '?'
                                            : static_cast<char>(0x80 + (found - kCp850.begin())));
    }
    return out;
}

std::string cp850_to_utf8(std::string_view cp850) {
    std::string out;
    out.reserve(cp850.size() * 2);
    for (const char c : cp850) {
        const auto byte = static_cast<unsigned char>(c);
        append_utf8(out, byte < 0x80 ? char32_t{byte} : kCp850[byte - 0x80]);
    }
    return out;
}

}  // namespace patron::sip2
