#include "audit/chain.hpp"

#include "crypto/sha256.hpp"

namespace patron::audit {
namespace {

constexpr std::string_view kVersionTag = "patron-audit-v1";

void put_u64(std::string& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((value >> shift) & 0xff));
    }
}

void put_text(std::string& out, std::string_view text) {
    put_u64(out, text.size());
    out.append(text);
}

}  // namespace

const std::string& genesis_hash() {
    static const std::string zeros(32, '\0');
    return zeros;
}

std::string entry_hash(const std::string& prev_hash, std::int64_t seal_no, std::int64_t id,
                       const AuditEvent& event) {
    std::string message;
    put_text(message, kVersionTag);
    put_text(message, prev_hash);
    put_u64(message, static_cast<std::uint64_t>(seal_no));
    put_u64(message, static_cast<std::uint64_t>(id));
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(event.at.time_since_epoch()).count();
    put_u64(message, static_cast<std::uint64_t>(micros));
    put_text(message, event.actor);
    put_text(message, to_string(event.role));
    put_text(message, event.action);
    message.push_back(event.patron ? '\1' : '\0');
    put_u64(message, event.patron ? static_cast<std::uint64_t>(event.patron->value) : 0);
    put_text(message, event.purpose);
    put_u64(message, event.fields.size());
    for (const auto& field : event.fields) put_text(message, field);
    // Added with kiosk verification: entries without an outcome hash exactly as before, so chains
    // sealed earlier still verify; the marker keeps "outcome present" unambiguous.
    if (!event.outcome.empty()) {
        message.push_back('\2');
        put_text(message, event.outcome);
    }

    return crypto::sha256(message);
}

}  // namespace patron::audit
