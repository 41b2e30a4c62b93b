#pragma once
/// @file
/// The message outbox: due-date reminders, overdue notices and hold-ready notices, generated per
/// each patron's chosen channel and drained by a sender that records what it sent.

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "patron/access/role.hpp"
#include "patron/circulation/circulation_settings.hpp"
#include "patron/context.hpp"
#include "patron/result.hpp"
#include "patron/store/circulation_repository.hpp"

namespace patron {

/// The outbox. A sender loop: generate() (e.g. nightly), then claim() a batch, deliver each
/// message, and mark_sent() or mark_failed() it. Senders on several machines never get the same
/// message at once: a claim is a lease of `lease` length; an unmarked claim (a crashed sender)
/// is claimed again after it. Generating twice writes nothing twice.
///
/// Every call is audited: generation per patron noticed (field "messages"), each claim per
/// patron whose contact data it hands out (the contact field), each mark.
/// Refusals: `permission_denied`, `invalid_input` (field "limit"), `not_found` (mark of a message
/// that is not pending). @throws DatabaseError / TransactionConflict. Thread-safe.
class MessageOutbox {
public:
    MessageOutbox(const Context& context, const CirculationSettings& settings,
                  std::chrono::seconds lease = std::chrono::minutes(10));
    ~MessageOutbox();
    MessageOutbox(const MessageOutbox&) = delete;
    MessageOutbox& operator=(const MessageOutbox&) = delete;

    /// Writes the notices due today; returns how many were written.
    [[nodiscard]] Result<std::size_t> generate(const Caller& caller);
    /// Claims up to `limit` (1–1000) pending messages with what delivery needs.
    [[nodiscard]] Result<std::vector<store::OutgoingMessage>> claim(const Caller& caller,
                                                                    std::size_t limit);
    [[nodiscard]] Result<void> mark_sent(const Caller& caller, MessageId message);
    /// A failed delivery; after `max_attempts` attempts the message is failed for good.
    [[nodiscard]] Result<void> mark_failed(const Caller& caller, MessageId message);

    /// Attempts before a message is failed for good.
    static constexpr int max_attempts = 5;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace patron
