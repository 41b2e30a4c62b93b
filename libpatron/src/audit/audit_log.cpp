#include "patron/audit/audit_log.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "audit/chain.hpp"

namespace patron {
namespace {

// Entries sealed per transaction: short transactions keep the chain-head lock brief.
constexpr std::size_t kSealBatch = 1000;
// Entries read per query while verifying, so memory stays flat on a long log.
constexpr std::size_t kVerifyBatch = 5000;

}  // namespace

std::int64_t AuditLog::seal() {
    std::int64_t sealed = 0;
    for (;;) {
        auto tx = database_.begin();
        auto& audit = tx->audit();
        store::ChainHead head = audit.lock_chain_head();
        const auto records = audit.unsealed(kSealBatch);
        std::vector<store::AuditSeal> seals;
        seals.reserve(records.size());
        for (const auto& record : records) {
            store::AuditSeal seal{record.id, head.seal_no + 1, head.hash, {}};
            seal.hash = audit::entry_hash(seal.prev_hash, seal.seal_no, record.id, record.event);
            head = {seal.seal_no, seal.hash};
            seals.push_back(std::move(seal));
        }
        if (!seals.empty()) audit.store_seals(seals, head);
        tx->commit();
        sealed += static_cast<std::int64_t>(seals.size());
        if (records.size() < kSealBatch) return sealed;
    }
}

AuditVerification AuditLog::verify(const std::optional<AuditAnchor>& anchor) {
    AuditVerification result;
    auto tx = database_.begin();
    auto& audit = tx->audit();
    // The start is locked first, so retention cannot cut entries while we walk them; then the
    // head: entries sealed while we walk lie beyond it and are left for the next verification.
    const store::ChainHead start = audit.chain_start();
    const store::ChainHead head = audit.chain_head();
    result.unsealed = audit.count_unsealed();
    result.head_seal_no = head.seal_no;
    result.head_hash = head.hash;
    result.start_seal_no = start.seal_no;

    const auto broken = [&](std::int64_t at, std::string problem) {
        result.intact = false;
        result.broken_at = at;
        result.problem = std::move(problem);
        return result;
    };

    // start.hash is the genesis hash until the first purge.
    std::string prev = start.hash;
    std::int64_t expected = start.seal_no + 1;
    if (anchor && anchor->seal_no == start.seal_no && anchor->seal_no > 0 &&
        anchor->hash != start.hash) {
        return broken(start.seal_no, "entry does not match the anchor recorded earlier");
    }
    while (expected <= head.seal_no) {
        const auto records = audit.sealed_after(expected - 1, kVerifyBatch);
        if (records.empty()) break;
        for (const auto& record : records) {
            if (expected > head.seal_no) break;  // sealed after the head was read
            if (*record.seal_no != expected) {
                // A gap; entries past the head (sealed since) do not count as missing.
                const std::int64_t last = std::min(*record.seal_no - 1, head.seal_no);
                return broken(expected, fmt::format("entries {}-{} are missing", expected, last));
            }
            if (record.prev_hash != prev) {
                return broken(expected, "entry does not link to the previous entry");
            }
            if (record.hash != audit::entry_hash(prev, expected, record.id, record.event)) {
                return broken(expected, "entry was altered after sealing");
            }
            if (anchor && anchor->seal_no == expected && anchor->hash != record.hash) {
                return broken(expected, "entry does not match the anchor recorded earlier");
            }
            prev = record.hash;
            ++expected;
            ++result.sealed_checked;
        }
    }
    if (expected - 1 != head.seal_no) {
        return broken(expected, fmt::format("entries {}-{} at the end of the chain are missing",
                                            expected, head.seal_no));
    }
    if (prev != head.hash) return broken(head.seal_no, "chain head does not match the last entry");
    // Cutting the tail and moving the head back together leaves a consistent chain; only an
    // anchor kept outside the database shows that entries once existed.
    if (anchor && anchor->seal_no > head.seal_no) {
        return broken(head.seal_no + 1,
                      fmt::format("entries {}-{} recorded by the anchor are missing",
                                  head.seal_no + 1, anchor->seal_no));
    }
    tx->commit();
    return result;
}

}  // namespace patron
