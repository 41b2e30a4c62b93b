#include "circulation/borrowing.hpp"

#include "common/enum_names.hpp"
#include "patron/domain/date.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 6> kBlocks{"loan_ban",
                                                  "excessive_fees",
                                                  "card_locked",
                                                  "processing_restricted",
                                                  "guardian_consent_missing",
                                                  "card_expired"};

}  // namespace

std::string_view to_string(BorrowBlock block) noexcept { return detail::name_of(kBlocks, block); }

namespace detail {

std::vector<BorrowBlock> borrow_blocks(const store::BorrowerState& b,
                                       const CirculationSettings& settings, TimePoint now,
                                       Date today) {
    std::vector<BorrowBlock> blocks;
    if (b.loan_ban) blocks.push_back(BorrowBlock::loan_ban);
    if (b.unpaid_fees_cents > settings.fee_limit_cents) {
        blocks.push_back(BorrowBlock::excessive_fees);
    }
    if (b.pin && b.pin->locked_until && *b.pin->locked_until > now) {
        blocks.push_back(BorrowBlock::card_locked);
    }
    if (b.processing_restricted) blocks.push_back(BorrowBlock::processing_restricted);
    const bool ward = b.kind == PatronKind::person && b.birth_date &&
                      age_on(*b.birth_date, today) < kWardAgeLimit;
    if (ward && !b.guardian_consent) blocks.push_back(BorrowBlock::guardian_consent_missing);
    if (b.card_expires_on && *b.card_expires_on < today) {
        blocks.push_back(BorrowBlock::card_expired);
    }
    return blocks;
}

tl::unexpected<Error> borrowing_blocked(const std::vector<BorrowBlock>& blocks) {
    std::string message = "may not borrow: ";
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i > 0) message += ", ";
        message += to_string(blocks[i]);
    }
    return fail(ErrorCode::borrowing_blocked, "patron", std::move(message));
}

}  // namespace detail
}  // namespace patron
