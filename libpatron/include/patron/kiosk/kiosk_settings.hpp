#pragma once
/// @file
/// How kiosks are served (configuration `[kiosk]`).

#include <chrono>
#include <cstdint>

namespace patron {

/// Kiosk rules (configuration `[kiosk]`).
struct KioskSettings {
    /// A kiosk with this many failed verifications in one window is refused until it ends.
    int failure_limit = 30;
    std::chrono::seconds failure_window{60};
};

/// What one kiosk may learn beyond the verification itself.
struct KioskProfile {
    bool disclose_name = false;  ///< a short display name ("Aino E.") after a correct PIN
};

}  // namespace patron
