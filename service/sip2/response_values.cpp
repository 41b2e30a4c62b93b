#include "sip2/response_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace patron::sip2 {
namespace {

// Patron status positions (SIP2 v2.00, Patron Status Response): 0 charge privileges denied,
// 1 renewal privileges denied, 2 recall privileges denied, 3 hold privileges denied, 4 card
// reported lost, 5 too many items charged, 6 too many items overdue, 7 too many renewals, 8 too
// many claims of items returned, 9 too many items lost, 10 excessive outstanding fines,
// 11 excessive outstanding fees, 12 recall overdue, 13 too many items billed.
constexpr std::size_t kStatusLength = 14;
constexpr std::size_t kChargeDenied = 0;
constexpr std::size_t kRenewalDenied = 1;
constexpr std::size_t kHoldDenied = 3;
constexpr std::size_t kExcessiveFines = 10;
constexpr std::size_t kExcessiveFees = 11;

constexpr std::array<std::string_view, 6> kListFields{"AS", "AT", "AU", "AV", "BU", "CD"};

// A positive decimal number of at most 9 digits; empty otherwise.
std::optional<std::size_t> position(const std::string* text) {
    if (text == nullptr || text->empty() || text->size() > 9) return std::nullopt;
    std::size_t value = 0;
    for (const char c : *text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::size_t>(c - '0');
    }
    if (value == 0) return std::nullopt;
    return value;
}

}  // namespace

std::string transaction_date(TimePoint at) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
    std::tm local{};
    localtime_r(&seconds, &local);
    return fmt::format("{:04}{:02}{:02}    {:02}{:02}{:02}", local.tm_year + 1900, local.tm_mon + 1,
                       local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
}

std::string due_date(Date day) {
    return fmt::format("{:04}{:02}{:02}    235959", static_cast<int>(day.year()),
                       static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
}

std::string patron_status(const std::vector<BorrowBlock>& blocks) {
    std::string status(kStatusLength, ' ');
    // Circulation refuses checkout, renewal and holds alike for every BorrowBlock (the borrower
    // check of Circulation), so any block denies all three. Recalls do not exist in the register:
    // position 2 stays blank. Unpaid fees over the limit are both "fines" and "fees" to a kiosk,
    // since the register does not tell them apart.
    for (const BorrowBlock block : blocks) {
        status[kChargeDenied] = 'Y';
        status[kRenewalDenied] = 'Y';
        status[kHoldDenied] = 'Y';
        if (block == BorrowBlock::excessive_fees) {
            status[kExcessiveFines] = 'Y';
            status[kExcessiveFees] = 'Y';
        }
    }
    return status;
}

std::string euros(std::int64_t cents) {
    const std::int64_t magnitude = cents < 0 ? -cents : cents;
    return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

std::string count_field(std::size_t count) {
    return fmt::format("{:04}", std::min<std::size_t>(count, 9999));
}

std::optional<ItemList> requested_list(std::string_view summary) {
    const std::size_t at = summary.find_first_of("Yy");
    if (at == std::string_view::npos || at >= kListFields.size()) return std::nullopt;
    return static_cast<ItemList>(at);
}

std::string_view list_field(ItemList list) { return kListFields[static_cast<std::size_t>(list)]; }

ItemWindow item_window(const std::string* start, const std::string* end, std::size_t count,
                       std::size_t max_items) {
    const std::size_t first = position(start).value_or(1) - 1;
    const std::size_t last = std::min(position(end).value_or(count), count);  // 1-based
    if (first >= last) return ItemWindow{first, first};
    return ItemWindow{first, first + std::min(last - first, max_items)};
}

}  // namespace patron::sip2
