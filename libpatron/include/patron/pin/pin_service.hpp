#pragma once
/// @file
/// Setting and changing patrons' PINs.

#include <memory>
#include <string_view>

#include "patron/access/role.hpp"
#include "patron/context.hpp"
#include "patron/pin/pin_settings.hpp"
#include "patron/result.hpp"

namespace patron {

/// PINs (tunnusluku) of patrons. A PIN is stored only as an Argon2id hash with a pepper from the
/// key file; it appears in no audit entry, message or log. Every change writes an audit entry
/// naming the field "pin".
///
/// Refusals: `permission_denied`, `not_found`, `invalid_input` (field "pin": the policy's reason),
/// `wrong_pin` (the old PIN), `card_locked` (too many wrong PINs; the lock ends by itself).
/// Every method @throws DatabaseError / TransactionConflict on storage failures.
/// Thread-safe.
class PinService {
public:
    PinService(const Context& context, const PinSettings& settings);
    ~PinService();
    PinService(const PinService&) = delete;
    PinService& operator=(const PinService&) = delete;

    /// Staff set or reset a patron's PIN (role circulation). Clears a lockout.
    [[nodiscard]] Result<void> set_pin(const Caller& caller, PatronId patron,
                                       std::string_view new_pin);

    /// A patron changes their own PIN by giving the old one. A wrong old PIN counts towards the
    /// lockout exactly as at a kiosk.
    [[nodiscard]] Result<void> change_pin(const Caller& caller, PatronId patron,
                                          std::string_view old_pin, std::string_view new_pin);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
