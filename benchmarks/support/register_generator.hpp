#pragma once
// A synthetic register of a public library's shape and size, for the retention benchmark, written
// with COPY: a million patrons and ten million circulation rows in minutes (registering them
// through libpatron would take hours of Argon2 and audit work). Nothing here is real personal
// data; the identity-code columns hold random bytes of the stored shape (the retention engine
// never decrypts them).
//
// Sizes come from the environment:
//   PATRON_BENCH_PATRONS  patrons (default 1000000)
//   PATRON_BENCH_ROWS     circulation rows in total, about (default 10 per patron): loans (most
//                         of them returned), holds, fees, invoices, loan bans, messages,
//                         guardianships, loan history, web sessions and audit entries
//   PATRON_BENCH_SEED     the random seed (default 20261124): the same seed, sizes and date
//                         give the same register

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "patron/clock.hpp"
#include "patron/retention/retention_policy.hpp"

namespace patron::bench {

struct RegisterSize {
    std::size_t patrons = 1'000'000;
    std::size_t rows = 10'000'000;
    std::uint64_t seed = 20261124;

    /// The defaults, overridden by the PATRON_BENCH_* variables above.
    /// @throws std::invalid_argument when a variable is not a positive whole number
    [[nodiscard]] static RegisterSize from_environment();
};

/// What one rule of the policy has to do on the generated register, known by construction.
struct ExpectedRule {
    RecordClass record = RecordClass::returned_loans;
    /// Records past the rule's period (inactive_patrons: inactive patrons; audit_entries: sealed
    /// entries recorded before the period).
    std::int64_t due = 0;
    /// Of them, what a run purges: those no legal hold of the rule keeps. For inactive_patrons,
    /// wards and organisations erased in the same run free their guardians and responsible
    /// persons.
    std::int64_t purged = 0;
};

/// The register as generated.
struct GeneratedRegister {
    std::map<std::string, std::int64_t> rows;  ///< rows written, per table
    std::vector<ExpectedRule> rules;           ///< one per rule of the policy, in its order
};

/// Fills the (empty, migrated) register database at `url`: patrons, their links and circulation,
/// and audit entries, unsealed (seal them with AuditLog::seal before a run). Every date is placed
/// at least two days away from each rule's cut-off and the damage-claim window's start as of
/// `clock`, so what is due stays the same for days after generation, whatever the time zone.
/// Secondary indexes and foreign keys are dropped for the load and created again from their
/// catalogue definitions after it, so the schema ends as migrated and every reference is checked.
/// @throws pqxx::failure (the server refused the data: a bug here), std::runtime_error
[[nodiscard]] GeneratedRegister generate_register(const std::string& url, const RegisterSize& size,
                                                  const RetentionPolicy& policy,
                                                  const Clock& clock);

}  // namespace patron::bench
