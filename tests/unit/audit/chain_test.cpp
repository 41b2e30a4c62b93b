// The audit hash chain: entry_hash covers every part of an entry, each length-prefixed, so no
// edit of any one part and no shift of characters between parts goes unnoticed.

#include "audit/chain.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace patron::audit {
namespace {

using std::chrono::year;

AuditEvent base_event() {
    AuditEvent event;
    event.at = std::chrono::sys_days{year{2026} / 11 / 24} + std::chrono::hours{16} +
               std::chrono::microseconds{52123456};
    event.actor = "staff-1";
    event.role = Role::circulation;
    event.action = "patron.update_contact";
    event.patron = PatronId{42};
    event.purpose = "checkout at desk";
    event.fields = {"email", "phones"};
    return event;
}

std::string previous() { return std::string(32, '\x5a'); }

std::string hash_of(const AuditEvent& event) { return entry_hash(previous(), 7, 1001, event); }

std::string hex(const std::string& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 0xf];
    }
    return out;
}

TEST(AuditChain, GenesisIs32ZeroBytes) {
    EXPECT_EQ(genesis_hash(), std::string(32, '\0'));
    EXPECT_EQ(&genesis_hash(), &genesis_hash());
}

TEST(AuditChain, HashIs32Bytes) {
    EXPECT_EQ(hash_of(base_event()).size(), 32U);
    EXPECT_EQ(entry_hash(genesis_hash(), 1, 1, AuditEvent{}).size(), 32U);
}

TEST(AuditChain, HashIsDeterministic) {
    EXPECT_EQ(hex(hash_of(base_event())), hex(hash_of(base_event())));
    const AuditEvent copy = base_event();
    EXPECT_EQ(hex(entry_hash(previous(), 7, 1001, copy)), hex(hash_of(base_event())));
}

TEST(AuditChain, HashDependsOnPreviousHash) {
    const AuditEvent event = base_event();
    std::string altered = previous();
    altered[31] = static_cast<char>(altered[31] ^ 1);
    EXPECT_NE(hex(entry_hash(altered, 7, 1001, event)), hex(hash_of(event)));
    EXPECT_NE(hex(entry_hash(genesis_hash(), 7, 1001, event)), hex(hash_of(event)));
    // A shorter previous hash is a different previous hash, not a prefix of the same message.
    EXPECT_NE(hex(entry_hash(previous().substr(0, 31), 7, 1001, event)), hex(hash_of(event)));
}

TEST(AuditChain, HashDependsOnSealNumberAndId) {
    const AuditEvent event = base_event();
    const std::string base = hex(entry_hash(previous(), 7, 1001, event));
    EXPECT_NE(hex(entry_hash(previous(), 8, 1001, event)), base);
    EXPECT_NE(hex(entry_hash(previous(), 7, 1002, event)), base);
    EXPECT_NE(hex(entry_hash(previous(), 1001, 7, event)), base) << "seal_no and id swapped";
    EXPECT_NE(hex(entry_hash(previous(), -7, 1001, event)), base);
}

// Every single-part change of the base event, with a name for the failure message.
std::vector<std::pair<std::string, AuditEvent>> single_changes() {
    std::vector<std::pair<std::string, AuditEvent>> out;
    const auto change = [&](std::string name, const std::function<void(AuditEvent&)>& edit) {
        AuditEvent event = base_event();
        edit(event);
        out.emplace_back(std::move(name), std::move(event));
    };
    change("at + 1 microsecond", [](AuditEvent& e) { e.at += std::chrono::microseconds{1}; });
    change("at - 1 second", [](AuditEvent& e) { e.at -= std::chrono::seconds{1}; });
    change("actor", [](AuditEvent& e) { e.actor = "staff-2"; });
    change("actor empty", [](AuditEvent& e) { e.actor.clear(); });
    for (const Role role :
         {Role::home_service, Role::kiosk, Role::billing, Role::dpo, Role::admin, Role::patron}) {
        change("role " + std::string(to_string(role)), [role](AuditEvent& e) { e.role = role; });
    }
    change("action", [](AuditEvent& e) { e.action = "patron.read"; });
    change("patron other id", [](AuditEvent& e) { e.patron = PatronId{43}; });
    change("patron absent", [](AuditEvent& e) { e.patron.reset(); });
    change("patron 0", [](AuditEvent& e) { e.patron = PatronId{0}; });
    change("purpose", [](AuditEvent& e) { e.purpose = "checkout at kiosk"; });
    change("purpose empty", [](AuditEvent& e) { e.purpose.clear(); });
    change("first field name", [](AuditEvent& e) { e.fields[0] = "address"; });
    change("second field name", [](AuditEvent& e) { e.fields[1] = "phone"; });
    change("fields reordered", [](AuditEvent& e) { std::swap(e.fields[0], e.fields[1]); });
    change("field added", [](AuditEvent& e) { e.fields.emplace_back("address"); });
    change("empty field added", [](AuditEvent& e) { e.fields.emplace_back(); });
    change("field removed", [](AuditEvent& e) { e.fields.pop_back(); });
    change("no fields", [](AuditEvent& e) { e.fields.clear(); });
    return out;
}

TEST(AuditChain, HashChangesWithAnyOnePartOfTheEvent) {
    const std::string base = hex(hash_of(base_event()));
    std::set<std::string> seen{base};
    for (const auto& [name, event] : single_changes()) {
        const std::string hash = hex(hash_of(event));
        EXPECT_NE(hash, base) << name;
        EXPECT_TRUE(seen.insert(hash).second) << name << " collides with another change";
    }
}

TEST(AuditChain, TellsPatronZeroFromNoPatron) {
    AuditEvent none = base_event();
    none.patron.reset();
    AuditEvent zero = base_event();
    zero.patron = PatronId{0};
    EXPECT_NE(hex(hash_of(none)), hex(hash_of(zero)));
}

TEST(AuditChain, PrefixesLengthsSoTextCannotShiftBetweenParts) {
    AuditEvent left = base_event();
    left.actor = "ab";
    left.action = "c";
    AuditEvent right = base_event();
    right.actor = "a";
    right.action = "bc";
    EXPECT_NE(hex(hash_of(left)), hex(hash_of(right)));

    AuditEvent purpose_left = base_event();
    purpose_left.purpose = "x";
    purpose_left.fields = {"y"};
    AuditEvent purpose_right = base_event();
    purpose_right.purpose = "xy";
    purpose_right.fields = {""};
    EXPECT_NE(hex(hash_of(purpose_left)), hex(hash_of(purpose_right)));
}

TEST(AuditChain, CountsFieldsSoOneFieldIsNotTwo) {
    AuditEvent one = base_event();
    one.fields = {"a,b"};
    AuditEvent two = base_event();
    two.fields = {"a", "b"};
    EXPECT_NE(hex(hash_of(one)), hex(hash_of(two)));

    AuditEvent joined = base_event();
    joined.fields = {"ab"};
    AuditEvent split = base_event();
    split.fields = {"a", "b"};
    EXPECT_NE(hex(hash_of(joined)), hex(hash_of(split)));

    AuditEvent none = base_event();
    none.fields = {};
    AuditEvent empty = base_event();
    empty.fields = {""};
    EXPECT_NE(hex(hash_of(none)), hex(hash_of(empty)));
}

TEST(AuditChain, ChainsEntriesThroughTheirHashes) {
    const AuditEvent event = base_event();
    const std::string first = entry_hash(genesis_hash(), 1, 1, event);
    const std::string second = entry_hash(first, 2, 2, event);
    const std::string second_after_edit = entry_hash(entry_hash(genesis_hash(), 1, 1,
                                                                [] {
                                                                    AuditEvent edited =
                                                                        base_event();
                                                                    edited.purpose = "edited";
                                                                    return edited;
                                                                }()),
                                                     2, 2, event);
    EXPECT_NE(hex(second), hex(second_after_edit))
        << "editing the first entry did not change the second hash";
}

}  // namespace
}  // namespace patron::audit
