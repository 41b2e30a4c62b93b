#pragma once
/// @file
/// SIP2 (3M Standard Interchange Protocol v2.00) messages without a transport: framing a byte
/// stream into messages, parsing a request, building a response, error detection (AY/AZ) and code
/// page 850. No sockets and no libpatron types here; the SIP2 session in patrond uses these.
///
/// Everything here takes bytes a client sent and never throws on them, never asserts on them and
/// never quotes them in an error message (they may be a card number or a PIN).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace patron::sip2 {

/// Longest message `parse` accepts by default, terminator excluded. Requests are short (a login
/// with long credentials is under 200 bytes); the server may configure its own limit.
inline constexpr std::size_t kDefaultMaxLength = 4096;

/// What is wrong with a message. `bad_checksum` is the one the server answers with 96 (request
/// resend); the others are malformed input.
enum class ParseErrorKind {
    empty,            ///< no bytes at all
    too_long,         ///< longer than the limit
    bad_character,    ///< a control character (NUL, CR, LF, TAB, DEL …) inside the message
    bad_code,         ///< the first two characters are not digits
    truncated,        ///< shorter than the fixed part of its message code
    bad_fixed_field,  ///< a fixed-length field has the wrong form (date, language, …)
    bad_field,        ///< a variable field without its 2-letter id
    bad_sequence,     ///< AY not followed by exactly one digit
    bad_checksum,     ///< AZ not followed by 4 hex digits, or they do not match the message
};

/// Stable lower-case name of a kind, e.g. "bad_checksum".
[[nodiscard]] std::string_view to_string(ParseErrorKind kind) noexcept;

/// Why a message was refused. The message names the part (code, field id, position) and never
/// repeats a field value.
struct ParseError {
    ParseErrorKind kind;
    std::string message;
};

/// One variable-length field: a 2-letter id ("AA", "CN", …) and its value, '|' not included.
struct Field {
    std::string id;
    std::string value;

    friend bool operator==(const Field&, const Field&) = default;
};

/// A parsed request. Unknown field ids are kept in order; the caller ignores what it does not
/// know. Values are bytes as received (code page 850 or UTF-8, as the kiosk is configured).
struct Request {
    std::string code;             ///< two digits, e.g. "93"
    std::string fixed;            ///< the fixed-length fields after the code, as received
    std::vector<Field> fields;    ///< variable fields in message order
    std::optional<int> sequence;  ///< AY sequence number 0–9, to be echoed in the response
    bool checksummed = false;     ///< AZ was present (and correct)

    /// The value of the first field with `id`, or null when absent.
    [[nodiscard]] const std::string* field(std::string_view id) const;
    /// The value of the first field with `id`, or "" when absent: SIP2 treats an empty and a
    /// missing AC (terminal password) or AD (patron password) alike.
    [[nodiscard]] std::string_view field_or_empty(std::string_view id) const;
};

/// Parses one message, terminator (CR / CRLF) already removed by `Framer`.
///
/// Error detection (SIP2 "Error detection"): a trailing `AY<digit>AZ<4 hex>` is verified — the
/// checksum is the two's complement of the 16-bit sum of all bytes from the start through "AZ";
/// hex digits in either case are accepted. `AY<digit>` alone and no AY/AZ at all are accepted.
///
/// Fixed parts are checked for the codes patrond serves: 93 Login (2), 99 SC Status (8),
/// 23 Patron Status (21), 63 Patron Information (31), 35 End Patron Session (18), 17 Item
/// Information (18), 97 Request ACS Resend (0). Dates are "YYYYMMDDZZZZHHMMSS" with ZZZZ four
/// spaces, a zone such as "   Z", or "0000". Any other two-digit code parses generically: its
/// field layout is unknown, so the whole remainder becomes `fixed` and `fields` stays empty.
/// A final field without its '|' is accepted (some kiosks omit it).
[[nodiscard]] tl::expected<Request, ParseError> parse(std::string_view message,
                                                      std::size_t max_length = kDefaultMaxLength);

/// The 4 upper-case hex digits of the SIP2 checksum of `text` (which ends with "AZ").
[[nodiscard]] std::string checksum(std::string_view text);

/// Splits a received byte stream into messages on CR. CRLF is accepted: LF (and CR) at the start
/// of a message are skipped, so a CRLF split across two reads and blank lines are harmless.
/// Not thread-safe; one per connection.
class Framer {
public:
    /// `max_length`: the longest message accepted, terminator excluded.
    explicit Framer(std::size_t max_length = kDefaultMaxLength);

    /// Adds received bytes. Ignored once `too_long()`.
    void append(std::string_view bytes);

    /// The next complete message without its terminator, or nullopt when none is complete yet or
    /// the stream is `too_long()`.
    [[nodiscard]] std::optional<std::string> next();

    /// True once a message exceeded `max_length` (terminated or not): the stream cannot be
    /// resynchronised safely, so the server closes the connection. Sticky.
    [[nodiscard]] bool too_long() const noexcept { return too_long_; }

    /// Bytes received and not yet returned as a message.
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size(); }

private:
    std::size_t max_length_;
    std::string buffer_;
    bool too_long_ = false;
};

/// Builds one response message.
///
/// Values (and fixed text) are made safe for the framing: '|' becomes '/', and every control
/// character (CR, LF, TAB, NUL, DEL …) becomes a space, so a title such as "A | B" cannot end its
/// field early or a message. Convert text to the kiosk's character set (`utf8_to_cp850`) first.
class Response {
public:
    /// `code`: the two-digit response code, e.g. "94".
    explicit Response(std::string code);

    /// Appends to the fixed-length part; the caller pads each field to its width.
    Response& fixed(std::string_view text);
    /// Appends a variable field. Precondition: `id` is two characters.
    Response& field(std::string_view id, std::string_view value);

    /// The message with its terminating CR. With `sequence` (0–9, from the request) it carries
    /// `AY<n>AZ<checksum>`; without, neither (the kiosk did not ask for error detection).
    [[nodiscard]] std::string finish(std::optional<int> sequence) const;

private:
    std::string text_;
};

/// UTF-8 to code page 850 (the SIP2 default). Characters without a code page 850 form and
/// malformed UTF-8 become '?'.
[[nodiscard]] std::string utf8_to_cp850(std::string_view utf8);

/// Code page 850 to UTF-8; every byte has a form (0x00–0x7F are ASCII).
[[nodiscard]] std::string cp850_to_utf8(std::string_view cp850);

}  // namespace patron::sip2
