#include "patron/circulation/circulation_types.hpp"

#include <algorithm>

#include "common/enum_names.hpp"
#include "common/text.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 5> kHoldStatuses{"placed", "ready", "fulfilled", "cancelled",
                                                        "expired"};
constexpr std::array<std::string_view, 5> kFeeKinds{"overdue", "lost", "damaged",
                                                    "hold_not_picked_up", "other"};
constexpr std::array<std::string_view, 3> kInvoiceStatuses{"open", "paid", "cancelled"};
constexpr std::array<std::string_view, 3> kMessageKinds{"due_date_reminder", "overdue_notice",
                                                        "hold_ready"};
constexpr std::array<std::string_view, 3> kMessageStatuses{"pending", "sent", "failed"};
constexpr std::array<std::string_view, 3> kConsentMethods{"written", "verbal", "electronic"};

constexpr std::size_t kMaxBarcode = 32;
constexpr std::size_t kMaxTitleBytes = 500;

bool barcode_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
           c == '.' || c == '_';
}

}  // namespace

Result<std::string> Item::parse_barcode(std::string_view barcode) {
    const std::string_view code = trim(barcode);
    if (code.empty() || code.size() > kMaxBarcode ||
        !std::all_of(code.begin(), code.end(), barcode_char)) {
        return invalid("barcode", "must be 1-32 letters, digits, '-', '.' or '_'");
    }
    return std::string(code);
}

Result<Item> Item::make(std::string_view barcode, std::string_view title,
                        std::string_view material_type) {
    auto code = parse_barcode(barcode);
    if (!code) return tl::unexpected(code.error());
    auto valid_title = detail::text_field("title", title, kMaxTitleBytes);
    if (!valid_title) return tl::unexpected(valid_title.error());
    auto type = detail::code_field("material_type", material_type);
    if (!type) return tl::unexpected(type.error());
    return Item(std::move(*code), std::move(*valid_title), std::move(*type));
}

std::string_view to_string(HoldStatus status) noexcept {
    return detail::name_of(kHoldStatuses, status);
}
std::string_view to_string(FeeKind kind) noexcept { return detail::name_of(kFeeKinds, kind); }
std::string_view to_string(InvoiceStatus status) noexcept {
    return detail::name_of(kInvoiceStatuses, status);
}
std::string_view to_string(MessageKind kind) noexcept {
    return detail::name_of(kMessageKinds, kind);
}
std::string_view to_string(MessageStatus status) noexcept {
    return detail::name_of(kMessageStatuses, status);
}
std::string_view to_string(ConsentMethod method) noexcept {
    return detail::name_of(kConsentMethods, method);
}

std::optional<HoldStatus> parse_hold_status(std::string_view text) noexcept {
    return detail::parse_name<HoldStatus>(kHoldStatuses, text);
}
std::optional<FeeKind> parse_fee_kind(std::string_view text) noexcept {
    return detail::parse_name<FeeKind>(kFeeKinds, text);
}
std::optional<InvoiceStatus> parse_invoice_status(std::string_view text) noexcept {
    return detail::parse_name<InvoiceStatus>(kInvoiceStatuses, text);
}
std::optional<MessageKind> parse_message_kind(std::string_view text) noexcept {
    return detail::parse_name<MessageKind>(kMessageKinds, text);
}
std::optional<MessageStatus> parse_message_status(std::string_view text) noexcept {
    return detail::parse_name<MessageStatus>(kMessageStatuses, text);
}
std::optional<ConsentMethod> parse_consent_method(std::string_view text) noexcept {
    return detail::parse_name<ConsentMethod>(kConsentMethods, text);
}

}  // namespace patron
