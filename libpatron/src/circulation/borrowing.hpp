#pragma once
// Whether a patron may borrow: one decision for kiosk verification, checkout, renewal, holds and
// the circulation summary.

#include <string>
#include <vector>

#include "patron/circulation/borrow_block.hpp"
#include "patron/circulation/circulation_settings.hpp"
#include "patron/result.hpp"
#include "patron/store/pin_repository.hpp"

namespace patron::detail {

/// Every reason `borrower` may not borrow at `now` (on `today`), in BorrowBlock order.
[[nodiscard]] std::vector<BorrowBlock> borrow_blocks(const store::BorrowerState& borrower,
                                                     const CirculationSettings& settings,
                                                     TimePoint now, Date today);

/// The `borrowing_blocked` refusal naming `blocks` ("may not borrow: loan_ban, card_expired").
[[nodiscard]] tl::unexpected<Error> borrowing_blocked(const std::vector<BorrowBlock>& blocks);

}  // namespace patron::detail
