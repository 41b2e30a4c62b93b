#pragma once
// Values of SIP2 response fields made from libpatron types: dates, amounts, counts, the patron
// status bitmap, the supported-messages bitmap and the item-list window of a 63. Used by the
// session (sip2/session.hpp); no state, no database.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/circulation/borrow_block.hpp"
#include "patron/clock.hpp"

namespace patron::sip2 {

/// The BX field of a 98: Y for the messages this ACS serves — patron status (23), SC/ACS status
/// (99), resend (97), login (93), patron information (63), end patron session (35) and item
/// information (17) — in the 16 positions of SIP2 v2.00.
inline constexpr std::string_view kSupportedMessages = "Y   YYYYY Y     ";

/// "YYYYMMDDZZZZHHMMSS" in the process's local time zone, ZZZZ blank ("local time" in SIP2).
[[nodiscard]] std::string transaction_date(TimePoint at);

/// A due date in the form of a transaction date, due at the end of the day: "YYYYMMDD    235959".
[[nodiscard]] std::string due_date(Date day);

/// The 14-character patron status of a 24 or 64: 'Y' where a position applies, blank elsewhere.
/// Give only the blocks the kiosk may learn (before a verified PIN: at most card_locked).
[[nodiscard]] std::string patron_status(const std::vector<BorrowBlock>& blocks);

/// Euros with two decimals, e.g. 1250 → "12.50" (BV, CC).
[[nodiscard]] std::string euros(std::int64_t cents);

/// A 4-digit count of a 64, at most "9999".
[[nodiscard]] std::string count_field(std::size_t count);

/// The item lists a 63 may ask for, in the order of its summary field.
enum class ItemList { hold, overdue, charged, fine, recall, unavailable_hold };

/// The list the 10-character summary field of a 63 asks for (its first 'Y'), or none.
[[nodiscard]] std::optional<ItemList> requested_list(std::string_view summary);

/// The field id of a list's items in a 64: AS, AT, AU, AV, BU or CD.
[[nodiscard]] std::string_view list_field(ItemList list);

/// Items [first, end) of a list of `count`, 0-based.
struct ItemWindow {
    std::size_t first = 0;
    std::size_t end = 0;
};

/// The window BP (start item) and BQ (end item), both 1-based and inclusive, ask for in a list
/// of `count` items; null: absent. A missing or unusable BP starts at the first item; a missing
/// or unusable BQ runs to the end. Never more than `max_items` items, so a response stays short.
[[nodiscard]] ItemWindow item_window(const std::string* start, const std::string* end,
                                     std::size_t count, std::size_t max_items);

}  // namespace patron::sip2
