#pragma once
/// @file
/// The library's circulation rules (configuration `[circulation]`).

#include <cstdint>

namespace patron {

struct CirculationSettings {
    /// Unpaid fees above this (euro cents) stop borrowing, at the desk and at kiosks.
    std::int64_t fee_limit_cents = 1000;
    /// A ready hold waits this many days for pickup.
    int hold_pickup_days = 7;
    /// A due-date reminder goes this many days before the due date.
    int reminder_days_before = 2;
    /// An overdue notice goes this many days after the due date.
    int overdue_notice_days_after = 1;
    /// An invoice is due this many days after it is issued.
    int invoice_due_days = 14;
};

}  // namespace patron
