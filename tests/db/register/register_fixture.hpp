#pragma once
// Shared fixture of the Register database tests: a fresh database per test, builders of the
// patrons the tests need, and raw-SQL views of what storage holds (counts and fingerprints, so a
// failure message never shows personal data).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "patron/register/register.hpp"
#include "support/test_cluster.hpp"
#include "support/test_data.hpp"

namespace patron::test {

/// What storage holds, reduced to counts and an MD5 fingerprint of each table's rows. Equal
/// snapshots before and after a call mean the call changed nothing (audit log included).
struct StorageSnapshot {
    std::string patrons;
    std::string guardianships;
    std::string organisation_contacts;
    std::string audit_entries;
    std::string patrons_fingerprint;
    std::string links_fingerprint;
    friend bool operator==(const StorageSnapshot&, const StorageSnapshot&) = default;
};

inline void PrintTo(const StorageSnapshot& s, std::ostream* os) {
    *os << "{patrons " << s.patrons << ", guardianships " << s.guardianships
        << ", organisation_contacts " << s.organisation_contacts << ", audit " << s.audit_entries
        << ", patrons md5 " << s.patrons_fingerprint << ", links md5 " << s.links_fingerprint
        << "}";
}

/// A store::Database that counts the transactions begun, to show that a call did no database work.
class CountingDatabase final : public store::Database {
public:
    explicit CountingDatabase(store::Database& inner) : inner_(inner) {}
    std::unique_ptr<store::Transaction> begin(store::Atomicity atomicity) override {
        ++begun_;
        return inner_.begin(atomicity);
    }
    [[nodiscard]] int begun() const { return begun_.load(); }
    store::PoolUse pool_use() const override { return inner_.pool_use(); }
    void ping() override { inner_.ping(); }

private:
    store::Database& inner_;
    std::atomic<int> begun_{0};
};

/// Success of a Result, or a failure naming the refusal (code, field and reason; never values).
template <class T>
::testing::AssertionResult Succeeded(const Result<T>& result) {
    if (result) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "refused as " << to_string(result.error().code) << " on field '"
           << result.error().field << "': " << result.error().message;
}

/// A refusal with `code` on `field` (empty: no field).
template <class T>
::testing::AssertionResult Refused(const Result<T>& result, ErrorCode code,
                                   std::string_view field) {
    if (result) {
        return ::testing::AssertionFailure()
               << "succeeded; expected " << to_string(code) << " on field '" << field << "'";
    }
    if (result.error().code != code || result.error().field != field) {
        return ::testing::AssertionFailure()
               << "refused as " << to_string(result.error().code) << " on field '"
               << result.error().field << "' (" << result.error().message << "); expected "
               << to_string(code) << " on field '" << field << "'";
    }
    return ::testing::AssertionSuccess();
}

/// Ids as plain numbers, for readable comparisons.
inline std::vector<std::int64_t> ids(const std::vector<PatronId>& patrons) {
    std::vector<std::int64_t> out;
    for (const auto& p : patrons) out.push_back(p.value);
    return out;
}

class RegisterDbTest : public DbTest {
protected:
    /// 46 on the fixture's default day (2026-11-24).
    static constexpr Date kAdultBirth{std::chrono::year{1980} / 5 / 17};

    /// Registers `form` as circulation staff; the test fails (not aborts) on a refusal.
    PatronId add(const PatronForm& form) {
        Register reg(context());
        auto id = reg.register_patron(staff(), form);
        EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().field + ": " + id.error().message);
        return id.value_or(PatronId{});
    }

    /// A person born on `birth`; `n` (2-899) makes both the identity code and card unique.
    PatronId add_person(Date birth, int n, std::optional<PatronId> guardian = std::nullopt) {
        PatronForm form = person_form(card_for(n), hetu_for(birth, n));
        form.guardian = guardian;
        return add(form);
    }

    PatronId add_adult(int n) { return add_person(kAdultBirth, n); }

    PatronId add_organisation(int n, PatronId responsible) {
        return add(organisation_form(card_for(n), responsible));
    }

    static std::string card_for(int n) { return fmt::format("CARD{:04}", n); }

    /// The day `years` years before the clock's today, shifted by `days`.
    [[nodiscard]] Date born_years_ago(int years, int days = 0) const {
        const Date today = clock_.today();
        const Date anniversary{today.year() - std::chrono::years{years}, today.month(),
                               today.day()};
        return Date{std::chrono::sys_days{anniversary} + std::chrono::days{days}};
    }

    [[nodiscard]] StorageSnapshot snapshot() const {
        return StorageSnapshot{
            sql_value("SELECT count(*) FROM patrons"),
            sql_value("SELECT count(*) FROM guardianships"),
            sql_value("SELECT count(*) FROM organisation_contacts"),
            sql_value("SELECT count(*) FROM audit_log"),
            sql_value("SELECT coalesce(md5(string_agg(p::text, '|' ORDER BY p.id)), '') "
                      "FROM patrons p"),
            sql_value("SELECT coalesce(md5((SELECT string_agg(g::text, '|' ORDER BY g.ward_id, "
                      "g.guardian_id) FROM guardianships g) || '#' || coalesce((SELECT "
                      "string_agg(c::text, '|' ORDER BY c.organisation_id) FROM "
                      "organisation_contacts c), '')), '')")};
    }

    [[nodiscard]] long count(const std::string& statement) const {
        return std::stol(sql_value(statement));
    }

    [[nodiscard]] long audit_count() const { return count("SELECT count(*) FROM audit_log"); }
    [[nodiscard]] long patron_count() const { return count("SELECT count(*) FROM patrons"); }
    [[nodiscard]] long last_audit_id() const {
        return count("SELECT coalesce(max(id), 0) FROM audit_log");
    }

    /// Audit entries after `after_id` as "action|patron_id|fields|actor|role|purpose", by id.
    [[nodiscard]] std::vector<std::string> audit_after(long after_id) const {
        std::vector<std::string> out;
        for (const auto& row : sql(fmt::format(
                 "SELECT action || '|' || coalesce(patron_id::text, '') || '|' || fields::text "
                 "|| '|' || actor || '|' || role || '|' || purpose FROM audit_log WHERE id > {} "
                 "ORDER BY id",
                 after_id))) {
            out.push_back(row[0]);
        }
        return out;
    }

    /// The audit line audit_after() gives for an entry of the default staff caller.
    static std::string audit_line(std::string_view action, PatronId patron,
                                  std::string_view fields = "{}",
                                  std::string_view actor = "staff-1",
                                  std::string_view role = "circulation",
                                  std::string_view purpose = "test") {
        return fmt::format("{}|{}|{}|{}|{}|{}", action, patron.value, fields, actor, role, purpose);
    }
};

}  // namespace patron::test
