// patronctl retention run killed with SIGKILL at random points, then run to the end (issue #6):
// the register ends exactly as one uninterrupted run leaves a copy of it, no legal hold gives way
// at any point, and nothing is left orphaned.
//
// The register is built with plain SQL. patronctl uses the real clock, so every date is relative
// to the database's now() with margins of days from each cutoff of the sample policy. The kill
// points are drawn (seeded; PATRON_FAULT_SEED=<seed> draws the same) along the timeline of the
// uninterrupted run, so they fall in every rule, not just the first few.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "patron/pg/embedded_cluster.hpp"
#include "patronctl_fixture.hpp"
#include "support/test_cluster.hpp"

namespace patron::test {
namespace {

using Rows = std::vector<std::vector<std::string>>;

constexpr int kPatrons = 4000;
constexpr int kKills = 10;
constexpr auto kPoll = std::chrono::milliseconds(10);

// The people of the register: patrons 1..kPatrons in group id % 20, and for some groups a
// partner 100000 + id (a ward, an organisation or a guardian). What the sample policy must do:
//   0-7, 19  active (card used 10 days ago; group 1 never used its card and registered 100 days
//            ago; group 2's card is unused for years but the record changed 30 days ago): kept
//   8        inactive, nothing outstanding: erased
//   9        inactive under processing restriction (GDPR art. 18): kept with all their records;
//            the partner, their active guardian, keeps the guardianship past their 15th birthday
//   10-12    inactive with a current loan / an unpaid fee / an open invoice: kept
//   13       inactive guardian of an active ward under 15: both kept
//   14       inactive responsible person of an active organisation: both kept
//   15       inactive guardian of an inactive ward under 15: both erased (the ward first)
//   16       inactive responsible person of an inactive organisation: both erased
//   17       inactive guardian of an inactive ward under 15 who has a current loan: both kept
//   18       active guardian of a ward who turned 15 a year ago: the guardianship goes
constexpr const char* kPeople = R"(
SELECT id, grp, partner,
       CASE WHEN partner THEN grp IN (9, 13, 14, 18) ELSE grp < 8 OR grp >= 18 END AS active,
       partner AND grp IN (14, 16) AS org,
       grp IN (8, 15, 16) AS erased
FROM (SELECT g AS id, g % 20 AS grp, false AS partner FROM generate_series(1, @N@) g
      UNION ALL
      SELECT 100000 + g, g % 20, true FROM generate_series(1, @N@) g
      WHERE g % 20 IN (9, 13, 14, 15, 16, 17, 18)) s)";
static_assert(kPatrons < 100000);

// Every person gets records of every class: due ones (inactive people's `back` 1000 days older,
// so nothing of theirs counts as activity) and, for the active, ones inside their periods, loans
// of the damage-claim window among them. Fixed ids (person * 10 + slot) tie the rows together.
// Identity codes are random bytes of the stored shape: the engine never decrypts them.
constexpr const char* kRegister = R"(
CREATE TEMP TABLE people ON COMMIT DROP AS
SELECT *, CASE WHEN active THEN 0 ELSE 1000 END AS back FROM (@PEOPLE@) p;

INSERT INTO patrons (id, kind, hetu_key_id, hetu_ciphertext, hetu_index_key_id, hetu_index,
                     birth_date, surname, given_names, organisation_name, card_number,
                     home_library, category, created_at, created_by, modified_at, modified_by,
                     last_card_activity, processing_restricted_at)
OVERRIDING SYSTEM VALUE
SELECT id, CASE WHEN org THEN 'organisation' ELSE 'person' END,
       CASE WHEN NOT org THEN 1 END,
       CASE WHEN NOT org THEN substring(sha256(('c' || id)::bytea) || sha256(('d' || id)::bytea)
                                        FROM 1 FOR 39) END,
       CASE WHEN NOT org THEN 1 END,
       CASE WHEN NOT org THEN sha256(('i' || id)::bytea) END,
       CASE WHEN org THEN NULL
            WHEN partner AND grp = 13 THEN current_date - interval '10 years'
            WHEN partner AND grp IN (15, 17) THEN current_date - interval '12 years'
            WHEN partner AND grp = 18 THEN current_date - interval '16 years'
            WHEN grp = 9 AND NOT partner THEN current_date - interval '17 years'
            ELSE current_date - make_interval(years => 25 + id::int % 50) END::date,
       CASE WHEN NOT org THEN 'Surname' || id END,
       CASE WHEN NOT org THEN 'Given' || id END,
       CASE WHEN org THEN 'Organisation ' || id END,
       'FAULT' || id, 'main', CASE WHEN org THEN 'organisation' ELSE 'adult' END,
       now() - CASE WHEN active AND grp = 1 THEN 100 ELSE 2000 END * interval '1 day', 'test',
       now() - CASE WHEN NOT active THEN 1400 WHEN grp = 2 THEN 30 ELSE 1000 END
             * interval '1 day', 'test',
       CASE WHEN active AND grp = 1 THEN NULL
            WHEN active AND grp = 2 THEN current_date - 1300
            WHEN active THEN current_date - 10
            WHEN id % 3 = 0 THEN NULL
            ELSE current_date - 1300 END,
       CASE WHEN grp = 9 AND NOT partner THEN now() - interval '1400 days' END
FROM people;

INSERT INTO items (id, barcode, title, material_type) OVERRIDING SYSTEM VALUE
SELECT id * 10 + s, 'B' || (id * 10 + s), 'Title ' || (id * 10 + s), 'book'
FROM people, generate_series(1, 6) s;

-- 1: returned long ago (detached); 2: returned 5 days ago, the last borrower (damage claims);
-- 3 and 4: the same item, 3 returned 10 days ago but no longer its last borrower (detached);
-- 5: on loan for years (a current loan); 6: returned 40 days ago, past the claim window.
INSERT INTO loans (id, patron_id, item_id, checked_out_at, checked_out_by, due_on, returned_at,
                   returned_by) OVERRIDING SYSTEM VALUE
SELECT id * 10 + 1, id, id * 10 + 1, now() - (back + 420) * interval '1 day', 'staff',
       current_date - (back + 392), now() - (back + 400) * interval '1 day', 'staff' FROM people
UNION ALL
SELECT id * 10 + 2, id, id * 10 + 2, now() - interval '20 days', 'staff', current_date + 8,
       now() - interval '5 days', 'staff' FROM people WHERE active
UNION ALL
SELECT id * 10 + 3, id, id * 10 + 3, now() - interval '30 days', 'staff', current_date - 2,
       now() - interval '10 days', 'staff' FROM people WHERE active
UNION ALL
SELECT id * 10 + 4, id, id * 10 + 3, now() - interval '8 days', 'staff', current_date + 20,
       now() - interval '6 days', 'staff' FROM people WHERE active
UNION ALL
SELECT id * 10 + 5, id, id * 10 + 5, now() - interval '1200 days', 'staff', current_date - 1172,
       NULL, NULL FROM people WHERE (grp = 10 AND NOT partner) OR (grp = 17 AND partner)
UNION ALL
SELECT id * 10 + 6, id, id * 10 + 6, now() - interval '60 days', 'staff', current_date - 32,
       now() - interval '40 days', 'staff' FROM people WHERE active;

INSERT INTO holds (id, patron_id, item_id, placed_at, placed_by, status, closed_at, closed_by)
OVERRIDING SYSTEM VALUE
SELECT id * 10 + 1, id, id * 10 + 1, now() - (back + 90) * interval '1 day', 'staff',
       'fulfilled', now() - (back + 60) * interval '1 day', 'staff' FROM people
UNION ALL
SELECT id * 10 + 2, id, id * 10 + 2, now() - interval '20 days', 'staff', 'cancelled',
       now() - interval '10 days', 'staff' FROM people WHERE active
UNION ALL
SELECT id * 10 + 3, id, id * 10 + 4, now() - interval '5 days', 'staff', 'placed', NULL, NULL
FROM people WHERE active;

-- 1: paid long ago, its fee (5) too; 2: paid long ago but a fee paid lately refers to it;
-- 3: open; 4: cancelled lately; 5: cancelled long ago, never had fees.
INSERT INTO invoices (id, patron_id, number, issued_on, due_on, total_cents, status, created_at,
                      created_by, closed_at, closed_by) OVERRIDING SYSTEM VALUE
SELECT id * 10 + 1, id, 'INV' || (id * 10 + 1), current_date - (back + 550),
       current_date - (back + 536), 300, 'paid', now() - (back + 550) * interval '1 day',
       'billing', now() - (back + 500) * interval '1 day', 'billing' FROM people
UNION ALL
SELECT id * 10 + 2, id, 'INV' || (id * 10 + 2), current_date - 550, current_date - 536, 2000,
       'paid', now() - interval '550 days', 'billing', now() - interval '500 days', 'billing'
FROM people WHERE active
UNION ALL
SELECT id * 10 + 3, id, 'INV' || (id * 10 + 3), current_date - 1400, current_date - 1386, 900,
       'open', now() - interval '1400 days', 'billing', NULL, NULL
FROM people WHERE grp = 12 AND NOT partner
UNION ALL
SELECT id * 10 + 4, id, 'INV' || (id * 10 + 4), current_date - 150, current_date - 136, 700,
       'cancelled', now() - interval '150 days', 'billing', now() - interval '100 days',
       'billing' FROM people WHERE active
UNION ALL
SELECT id * 10 + 5, id, 'INV' || (id * 10 + 5), current_date - (back + 450),
       current_date - (back + 436), 100, 'cancelled', now() - (back + 450) * interval '1 day',
       'billing', now() - (back + 400) * interval '1 day', 'billing' FROM people;

INSERT INTO fees (id, patron_id, kind, amount_cents, created_at, created_by, paid_at, paid_by,
                  cancelled_at, cancelled_by, invoice_id, item_id) OVERRIDING SYSTEM VALUE
SELECT id * 10 + 1, id, 'overdue', 100, now() - (back + 600) * interval '1 day', 'staff',
       now() - (back + 500) * interval '1 day', 'staff', NULL::timestamptz, NULL, NULL::bigint,
       NULL::bigint FROM people
UNION ALL
SELECT id * 10 + 2, id, 'lost', 2000, now() - interval '600 days', 'staff',
       now() - interval '100 days', 'billing', NULL, NULL, id * 10 + 2, id * 10 + 1
FROM people WHERE active
UNION ALL
SELECT id * 10 + 3, id, 'damaged', 500, now() - interval '1400 days', 'staff', NULL, NULL, NULL,
       NULL, NULL, NULL FROM people WHERE grp = 11 AND NOT partner
UNION ALL
SELECT id * 10 + 4, id, 'other', 50, now() - (back + 600) * interval '1 day', 'staff', NULL,
       NULL, now() - (back + 500) * interval '1 day', 'staff', NULL, NULL
FROM people WHERE id % 2 = 0
UNION ALL
SELECT id * 10 + 5, id, 'hold_not_picked_up', 300, now() - (back + 560) * interval '1 day',
       'staff', now() - (back + 500) * interval '1 day', 'billing', NULL, NULL, id * 10 + 1, NULL
FROM people;

-- 1: lifted long ago; 2: ended long ago; 3: in force; 4: ended 100 days ago.
INSERT INTO loan_bans (id, patron_id, reason, starts_on, ends_on, set_at, set_by, lifted_at,
                       lifted_by) OVERRIDING SYSTEM VALUE
SELECT id * 10 + 1, id, 'unpaid fees', current_date - (back + 600), NULL::date,
       now() - (back + 600) * interval '1 day', 'staff', now() - (back + 500) * interval '1 day',
       'staff' FROM people
UNION ALL
SELECT id * 10 + 2, id, 'conduct', current_date - (back + 700), current_date - (back + 500),
       now() - (back + 700) * interval '1 day', 'staff', NULL, NULL FROM people
UNION ALL
SELECT id * 10 + 3, id, 'conduct', current_date - 10, NULL, now() - interval '10 days', 'staff',
       NULL, NULL FROM people WHERE active AND grp = 0
UNION ALL
SELECT id * 10 + 4, id, 'conduct', current_date - 200, current_date - 100,
       now() - interval '200 days', 'staff', NULL, NULL FROM people WHERE active;

-- 1, 2: sent / given up on long ago; 3-6: lately (6 about loan 6, which is detached).
INSERT INTO messages (id, patron_id, kind, channel, loan_id, hold_id, created_at, status,
                      attempts, sent_at) OVERRIDING SYSTEM VALUE
SELECT id * 10 + 1, id, 'due_date_reminder', 'email', id * 10 + 1, NULL::bigint,
       now() - (back + 201) * interval '1 day', 'sent', 1, now() - (back + 200) * interval '1 day'
FROM people
UNION ALL
SELECT id * 10 + 2, id, 'overdue_notice', 'sms', NULL, NULL,
       now() - (back + 200) * interval '1 day', 'failed', 5, NULL FROM people
UNION ALL
SELECT id * 10 + 3, id, 'due_date_reminder', 'email', id * 10 + 2, NULL,
       now() - interval '30 days', 'sent', 1, now() - interval '30 days' FROM people WHERE active
UNION ALL
SELECT id * 10 + 4, id, 'hold_ready', 'letter', NULL, id * 10 + 3, now() - interval '1 day',
       'pending', 0, NULL FROM people WHERE active
UNION ALL
SELECT id * 10 + 5, id, 'overdue_notice', 'email', NULL, NULL, now() - interval '30 days',
       'failed', 5, NULL FROM people WHERE active
UNION ALL
SELECT id * 10 + 6, id, 'due_date_reminder', 'email', id * 10 + 6, NULL,
       now() - interval '50 days', 'sent', 1, now() - interval '50 days' FROM people WHERE active;

INSERT INTO loan_history_consents (patron_id, granted_at, granted_by, method)
SELECT id, now() - interval '2200 days', 'home-service', 'written' FROM people
WHERE id % 3 = 0 AND NOT org;
INSERT INTO loan_history (patron_id, barcode, title, material_type, checked_out_at, returned_at)
SELECT id, 'H' || id, 'History ' || id, 'book', now() - interval '2030 days',
       now() - interval '2000 days' FROM people WHERE id % 3 = 0 AND NOT org
UNION ALL
SELECT id, 'H' || id, 'History ' || id, 'book', now() - interval '430 days',
       now() - interval '400 days' FROM people WHERE id % 3 = 0 AND NOT org AND active;

INSERT INTO web_sessions (token_hash, patron_id, created_at, expires_at)
SELECT sha256(('s1-' || id)::bytea), id, now() - (back + 12) * interval '1 day',
       now() - (back + 10) * interval '1 day' FROM people
UNION ALL
SELECT sha256(('s2-' || id)::bytea), id, now() - interval '1 hour', now() + interval '10 days'
FROM people WHERE active;

INSERT INTO patron_pins (patron_id, pin_hash, pepper_id, set_at, set_by)
SELECT id, '$argon2id$v=19$m=65536,t=3,p=1$' || md5('s' || id) || '$' || md5('h' || id), 1,
       now() - (back + 100) * interval '1 day', 'staff' FROM people WHERE id % 2 = 0;

INSERT INTO guardianships (ward_id, guardian_id, created_at, created_by)
SELECT id, id - 100000, now() - interval '2000 days', 'staff' FROM people
WHERE partner AND grp IN (13, 15, 17, 18)
UNION ALL
SELECT id - 100000, id, now() - interval '2000 days', 'staff' FROM people
WHERE partner AND grp = 9;
INSERT INTO organisation_contacts (organisation_id, person_id, created_at, created_by)
SELECT id, id - 100000, now() - interval '2000 days', 'staff' FROM people
WHERE partner AND grp IN (14, 16);

-- Audit entries: 2000 from 2500 to 1917 days ago (past the five years), 1000 from 1700 to 1409.
INSERT INTO audit_log (at, actor, role, action, patron_id, purpose, outcome)
SELECT now() - interval '2500 days' + i * interval '7 hours', 'staff-' || i % 7, 'circulation',
       'patron.read', i % @N@ + 1, 'desk service', NULL FROM generate_series(1, 2000) i
UNION ALL
SELECT now() - interval '1700 days' + i * interval '7 hours', 'staff-' || i % 7, 'circulation',
       'patron.read', i % @N@ + 1, 'desk service', NULL FROM generate_series(1, 1000) i
ORDER BY 1;

SELECT setval(pg_get_serial_sequence(t, 'id'), 100000000)
FROM unnest(ARRAY['patrons', 'items', 'loans', 'holds', 'fees', 'invoices', 'loan_bans',
                  'messages']) t;
)";

// What the register guarantees at any moment, interrupted or not: every count must be 0.
constexpr const char* kViolations = R"(
WITH people AS (@PEOPLE@),
erasures AS (SELECT patron_id FROM audit_log WHERE action = 'retention.run' AND outcome = 'erased')
SELECT 'a patron who must stay is gone', count(*) FROM people p
WHERE NOT p.erased AND NOT EXISTS (SELECT 1 FROM patrons x WHERE x.id = p.id)
UNION ALL
SELECT 'a ward under 15 has no guardian', count(*) FROM patrons w
WHERE w.kind = 'person' AND w.birth_date + interval '15 years' > current_date
  AND NOT EXISTS (SELECT 1 FROM guardianships g WHERE g.ward_id = w.id)
UNION ALL
SELECT 'an organisation has no responsible person', count(*) FROM patrons o
WHERE o.kind = 'organisation'
  AND NOT EXISTS (SELECT 1 FROM organisation_contacts c WHERE c.organisation_id = o.id)
UNION ALL
SELECT 'a loan of the damage-claim window lost its last borrower', count(*) FROM loans l
WHERE l.patron_id IS NULL AND l.returned_at > now() - interval '25 days'
  AND NOT EXISTS (SELECT 1 FROM loans n WHERE n.item_id = l.item_id
                  AND n.checked_out_at > l.checked_out_at)
UNION ALL
SELECT 'a detached loan was not returned', count(*) FROM loans
WHERE patron_id IS NULL AND returned_at IS NULL
UNION ALL
SELECT 'an erased patron has no audit entry', count(*) FROM people p
WHERE NOT EXISTS (SELECT 1 FROM patrons x WHERE x.id = p.id)
  AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.patron_id = p.id)
UNION ALL
SELECT 'a patron audited as erased is there', count(*) FROM erasures e
WHERE EXISTS (SELECT 1 FROM patrons x WHERE x.id = e.patron_id)
UNION ALL
SELECT 'a patron audited as erased twice', count(*) FROM
  (SELECT patron_id FROM erasures GROUP BY patron_id HAVING count(*) > 1) twice
UNION ALL
SELECT 'a fee is on another patron''s invoice', count(*) FROM fees f
JOIN invoices i ON i.id = f.invoice_id WHERE i.patron_id <> f.patron_id
)";

// Records legal holds keep, counted the same way before the runs and after each.
constexpr const char* kHeld = R"(
WITH restricted AS (SELECT id FROM patrons WHERE processing_restricted_at IS NOT NULL)
SELECT 'restricted patrons', count(*) FROM restricted
UNION ALL
SELECT 'their loans', count(*) FROM loans WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their holds', count(*) FROM holds WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their fees', count(*) FROM fees WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their invoices', count(*) FROM invoices WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their loan bans', count(*) FROM loan_bans WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their messages', count(*) FROM messages WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their loan history', count(*) FROM loan_history
WHERE patron_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'their guardianships', count(*) FROM guardianships
WHERE ward_id IN (SELECT id FROM restricted) OR guardian_id IN (SELECT id FROM restricted)
UNION ALL
SELECT 'current loans linked', count(*) FROM loans
WHERE returned_at IS NULL AND patron_id IS NOT NULL
UNION ALL
SELECT 'unpaid fees', count(*) FROM fees WHERE paid_at IS NULL AND cancelled_at IS NULL
UNION ALL
SELECT 'open invoices', count(*) FROM invoices WHERE status = 'open'
UNION ALL
SELECT 'loans of the damage-claim window linked', count(*) FROM loans l
WHERE l.patron_id IS NOT NULL AND l.returned_at > now() - interval '25 days'
  AND NOT EXISTS (SELECT 1 FROM loans n WHERE n.item_id = l.item_id
                  AND n.checked_out_at > l.checked_out_at)
)";

// After a finished run: records past their period (with days of margin) that no hold keeps.
// Each must be 0, and the run must have had work under each (a run doing nothing would leave
// both databases equal too).
constexpr const char* kDueLeft = R"(
WITH free AS (SELECT id FROM patrons WHERE processing_restricted_at IS NULL),
people AS (@PEOPLE@)
SELECT 'returned_loans', count(*) FROM loans
WHERE patron_id IN (SELECT id FROM free) AND returned_at < now() - interval '35 days'
UNION ALL
SELECT 'closed_holds', count(*) FROM holds
WHERE patron_id IN (SELECT id FROM free) AND closed_at < now() - interval '40 days'
UNION ALL
SELECT 'settled_fees', count(*) FROM fees WHERE patron_id IN (SELECT id FROM free)
  AND coalesce(paid_at, cancelled_at) < now() - interval '380 days'
UNION ALL
SELECT 'closed_invoices', count(*) FROM invoices i WHERE patron_id IN (SELECT id FROM free)
  AND closed_at < now() - interval '380 days'
  AND NOT EXISTS (SELECT 1 FROM fees f WHERE f.invoice_id = i.id)
UNION ALL
SELECT 'ended_loan_bans', count(*) FROM loan_bans WHERE patron_id IN (SELECT id FROM free)
  AND (lifted_at < now() - interval '380 days' OR ends_on < current_date - 380)
UNION ALL
SELECT 'sent_messages', count(*) FROM messages WHERE patron_id IN (SELECT id FROM free)
  AND coalesce(sent_at, created_at) < now() - interval '100 days' AND status <> 'pending'
UNION ALL
SELECT 'loan_history', count(*) FROM loan_history WHERE patron_id IN (SELECT id FROM free)
  AND returned_at < now() - interval '1900 days'
UNION ALL
SELECT 'expired_guardianships', count(*) FROM guardianships g
JOIN patrons w ON w.id = g.ward_id
WHERE w.birth_date + interval '15 years' < current_date - 30
  AND g.ward_id IN (SELECT id FROM free) AND g.guardian_id IN (SELECT id FROM free)
UNION ALL
SELECT 'expired_web_sessions', count(*) FROM web_sessions
WHERE expires_at < now() - interval '2 days'
UNION ALL
SELECT 'inactive_patrons', count(*) FROM patrons WHERE id IN (SELECT id FROM people WHERE erased)
UNION ALL
SELECT 'audit_entries', count(*) FROM audit_log WHERE at < now() - interval '1850 days'
)";

// Tables whose content legitimately differs: the log and record of the runs themselves.
constexpr const char* kComparedTables = R"(
SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
AND tablename NOT IN ('audit_log', 'audit_chain_head', 'retention_runs', 'retention_run_rules',
                      'schema_migrations')
ORDER BY 1)";

std::string with_people(std::string text) {
    const auto replace = [&](std::string_view from, const std::string& to) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
            text.replace(at, from.size(), to);
            at += to.size();
        }
    };
    replace("@PEOPLE@", kPeople);
    replace("@N@", std::to_string(kPatrons));
    return text;
}

std::uint64_t fault_seed() {
    if (const char* text = std::getenv("PATRON_FAULT_SEED"); text != nullptr && *text != '\0') {
        return std::stoull(text);
    }
    return std::random_device{}();
}

// Rows of one table as text, for an exact comparison that prints no content.
std::multiset<std::string> table_rows(const std::string& url, const std::string& table) {
    std::multiset<std::string> rows;
    for (auto& row : sql(url, fmt::format("SELECT t::text FROM {} t", table))) {
        rows.insert(std::move(row[0]));
    }
    return rows;
}

// The leading ids of rows in `a` but not in `b` (ids are not personal data; other content is).
std::string differing_ids(const std::multiset<std::string>& a,
                          const std::multiset<std::string>& b) {
    std::vector<std::string> only;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only));
    std::string ids;
    for (const auto& row : only) {
        const auto end = row.find(',');
        const std::string first = row.substr(1, end == std::string::npos ? 0 : end - 1);
        const bool numeric = !first.empty() && std::all_of(first.begin(), first.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        ids += numeric ? first + " " : "? ";
        if (ids.size() > 80) break;
    }
    return fmt::format("{} rows ({})", only.size(), ids);
}

using Clock = std::chrono::steady_clock;

// The rules the first run after run `after` has finished (each leaves a retention_run_rules
// row); 0 also before that run has recorded itself.
int rules_finished(const std::string& url, const std::string& after) {
    return std::stoi(sql(url, fmt::format("SELECT count(*) FROM retention_run_rules WHERE "
                                          "run_id = (SELECT min(id) FROM retention_runs "
                                          "WHERE id > {})",
                                          after))[0][0]);
}

std::string last_run(const std::string& url) {
    return sql(url, "SELECT coalesce(max(id), 0) FROM retention_runs")[0][0];
}

// A point of an uninterrupted run's work: inside rule `rule` (0-based), `offset` after the
// previous rule finished (after the start for the first rule, startup included).
struct KillPoint {
    int rule = 0;
    Clock::duration offset{};
};

// What watching a run saw: when each rule it finished was seen finished, and the last time it
// was seen still running (from its start).
struct Watched {
    std::vector<Clock::duration> finished;
    Clock::duration running{};
};

// Watches a run: polls every kPoll until the run ends or `stop(seen, now)` is true. The killed
// runs are watched as the uninterrupted one was, so polling slows them alike.
template <class Stop>
Watched watch(ChildProcess& run, const std::string& url, Stop stop) {
    Watched seen;
    const auto started = Clock::now();
    const std::string before = last_run(url);
    for (;;) {
        const bool ended = run.wait_for(std::chrono::milliseconds(0)).has_value();
        const auto rules = rules_finished(url, before);
        const auto now = Clock::now() - started;
        while (static_cast<int>(seen.finished.size()) < rules) seen.finished.push_back(now);
        if (ended) return seen;
        seen.running = now;
        if (stop(seen, now)) return seen;
        std::this_thread::sleep_for(kPoll);
    }
}

// `count` points of the uninterrupted run's work, uniformly while it ran, in order.
std::vector<KillPoint> kill_points(const Watched& timeline, int count, std::mt19937_64& random) {
    std::uniform_int_distribution<Clock::rep> at(0, timeline.running.count());
    std::vector<Clock::duration> times;
    for (int i = 0; i < count; ++i) times.emplace_back(at(random));
    std::sort(times.begin(), times.end());
    const auto& finished = timeline.finished;
    std::vector<KillPoint> points;
    for (const auto time : times) {
        const auto rule =
            std::upper_bound(finished.begin(), finished.end(), time) - finished.begin();
        points.push_back(
            {static_cast<int>(rule), time - (rule == 0 ? Clock::duration{} : finished[rule - 1])});
    }
    return points;
}

class PatronctlRetentionFault : public PatronctlTest {
protected:
    void SetUp() override {
        PatronctlTest::SetUp();
        cluster_ =
            pg::EmbeddedCluster::start({.directory = dir_ / "postgresql", .ephemeral = true});
        original_ = cluster_->url("patron");
        reference_ = cluster_->url("reference");
        ASSERT_EQ(patronctl({"keys", "init"}).exit_code, 0);
        ASSERT_EQ(patronctl({"--database-url", original_, "db", "migrate"}).exit_code, 0);
        sql(original_, with_people(kRegister));
        sql(original_, "ANALYZE");
        // Seals the old entries into the chain the audit rule then cuts.
        ASSERT_EQ(patronctl({"--database-url", original_, "audit", "verify"}).exit_code, 0);
        const auto copy = run_process({(cluster_->bin_dir() / "psql").string(), "-X", "-q", "-d",
                                       cluster_->url("postgres"), "-c",
                                       "CREATE DATABASE reference TEMPLATE patron"});
        ASSERT_EQ(copy.exit_code, 0) << copy.err;

        std::string text = read_file(PATRON_SAMPLE_RETENTION_POLICY);
        const std::regex batch_size("batch_size = [0-9]+");
        ASSERT_TRUE(std::regex_search(text, batch_size));
        // Small batches: a run is many transactions, and a kill lands inside one of them.
        std::ofstream(policy_) << std::regex_replace(text, batch_size, "batch_size = 50");
    }
    void TearDown() override {
        cluster_.reset();
        PatronctlTest::TearDown();
    }

    [[nodiscard]] std::vector<std::string> run_args(const std::string& url) const {
        return patronctl_argv(
            {"--database-url", url, "retention", "run", "--policy", policy_.string(), "--json"});
    }

    // Rows of `statement` as (name, count) pairs whose count is not "0".
    static Rows nonzero(const std::string& url, const std::string& statement) {
        Rows found;
        for (auto& row : sql(url, statement)) {
            if (row[1] != "0") found.push_back(std::move(row));
        }
        return found;
    }

    std::unique_ptr<pg::EmbeddedCluster> cluster_;
    std::string original_;
    std::string reference_;
    std::filesystem::path policy_ = dir_ / "policy.toml";
};

TEST_F(PatronctlRetentionFault, KilledRunsEndAsOneUninterruptedRun) {
    const std::uint64_t seed = fault_seed();
    std::cout << "[ fault    ] seed " << seed << " (PATRON_FAULT_SEED=" << seed
              << " draws the same kill points)\n";
    RecordProperty("seed", std::to_string(seed));
    std::mt19937_64 random(seed);

    const Rows held_before = sql(original_, kHeld);
    ASSERT_EQ(nonzero(original_, with_people(kViolations)), Rows{});
    const Rows due_before = sql(original_, with_people(kDueLeft));
    for (const auto& rule : due_before) EXPECT_NE(rule[1], "0") << "nothing due: " << rule[0];
    const std::string last_entry_before = sql(original_, "SELECT max(id) FROM audit_log")[0][0];

    // The uninterrupted run on the copy, watched to learn when it finished each rule.
    auto uninterrupted = spawn_process(run_args(reference_), patronctl_env(),
                                       dir_ / "reference.out", dir_ / "reference.err");
    const auto timeline =
        watch(uninterrupted, reference_, [](const Watched&, Clock::duration) { return false; });
    ASSERT_EQ(uninterrupted.wait_for(std::chrono::milliseconds(0)), 0)
        << read_file(dir_ / "reference.err");
    ASSERT_FALSE(timeline.finished.empty());

    // Each run is killed at the next point of that timeline: once it has finished the rules
    // before the point (quickly: the killed runs did their work), the rest of the offset later.
    const auto points = kill_points(timeline, kKills, random);
    int killed = 0;
    std::string rules_done;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string before = last_run(original_);
        const int rule = points[i].rule;
        auto offset = points[i].offset;
        // The previous kill in the same rule left only the rest of its work (a kill before the
        // first rule finished lands in startup, which every run repeats).
        if (rule > 0 && i > 0 && points[i - 1].rule == rule) offset -= points[i - 1].offset;
        // Runs go faster or slower than the one on the copy did (the machine is shared): aiming
        // short keeps the kill inside its rule rather than after the run has ended.
        offset = offset * 4 / 5;
        auto run =
            spawn_process(run_args(original_), patronctl_env(), dir_ / fmt::format("run-{}.out", i),
                          dir_ / fmt::format("run-{}.err", i));
        const auto seen = watch(run, original_, [&](const Watched& w, Clock::duration now) {
            if (static_cast<int>(w.finished.size()) < rule) return false;
            return now - (rule == 0 ? Clock::duration{} : w.finished[rule - 1]) >= offset;
        });
        run.signal(SIGKILL);
        const auto status = run.wait_for(std::chrono::seconds(30));
        ASSERT_TRUE(status.has_value());
        // A run faster than the one on the copy may finish before its point: that is a whole
        // run, not a failure, but most runs must die mid-way for the test to mean anything.
        EXPECT_TRUE(*status == 128 + SIGKILL || *status == 0) << "run " << i << ": " << *status;
        if (status == 128 + SIGKILL) ++killed;
        rules_done += fmt::format(" {}", seen.finished.size());
        EXPECT_EQ(nonzero(original_, with_people(kViolations)), Rows{}) << "after kill " << i;
        EXPECT_EQ(sql(original_, kHeld), held_before) << "after kill " << i;
    }
    EXPECT_GE(killed, kKills * 7 / 10) << "too few runs were killed mid-way";
    const auto final_run = run_process(run_args(original_), "", patronctl_env());
    ASSERT_EQ(final_run.exit_code, 0) << final_run.err;

    for (const auto* url : {&reference_, &original_}) {
        EXPECT_EQ(nonzero(*url, with_people(kViolations)), Rows{});
        EXPECT_EQ(sql(*url, kHeld), held_before);
        EXPECT_EQ(nonzero(*url, with_people(kDueLeft)), Rows{});
        const auto verify = patronctl({"--database-url", *url, "audit", "verify"});
        EXPECT_EQ(verify.exit_code, 0);
        EXPECT_TRUE(has(verify.out, "audit log intact"));
    }

    // Every table of the register, row for row.
    const auto tables = sql(reference_, kComparedTables);
    EXPECT_EQ(sql(original_, kComparedTables), tables);
    for (const auto& table : tables) {
        const auto expected = table_rows(reference_, table[0]);
        const auto actual = table_rows(original_, table[0]);
        if (expected != actual) {
            ADD_FAILURE() << table[0] << ": only in the reference "
                          << differing_ids(expected, actual) << "; only after the kills "
                          << differing_ids(actual, expected);
        }
    }
    // The audit log: the same patrons erased, the same old entries cut, the rest unchanged.
    const std::string erasures =
        "SELECT patron_id FROM audit_log WHERE action = 'retention.run' AND outcome = 'erased' "
        "ORDER BY patron_id";
    const auto erased = sql(reference_, erasures);
    EXPECT_FALSE(erased.empty());
    EXPECT_EQ(sql(original_, erasures), erased);
    const std::string old_entries = fmt::format(
        "SELECT id, seal_no, encode(hash, 'hex') FROM audit_log WHERE id <= {} ORDER BY id",
        last_entry_before);
    EXPECT_EQ(sql(original_, old_entries), sql(reference_, old_entries));

    // The killed runs that got as far as recording themselves stay 'running' (abandoned only
    // when their heartbeat is 15 minutes old); the last run finished.
    EXPECT_EQ(sql(reference_, "SELECT status FROM retention_runs"), (Rows{{"finished"}}));
    const auto runs = [&](std::string_view status) {
        return std::stoi(sql(original_, fmt::format("SELECT count(*) FROM retention_runs WHERE "
                                                    "status = '{}'",
                                                    status))[0][0]);
    };
    EXPECT_EQ(sql(original_, "SELECT status FROM retention_runs ORDER BY id DESC LIMIT 1"),
              (Rows{{"finished"}}));
    EXPECT_EQ(runs("finished"), 1 + kKills - killed);
    const int running = runs("running");
    EXPECT_GE(running, 1) << "no kill landed inside a run";
    EXPECT_LE(running, killed);
    EXPECT_EQ(runs("interrupted") + runs("abandoned"), 0);
    std::cout << fmt::format(
        "[ fault    ] uninterrupted run {} ms; {} runs killed ({} after recording themselves), "
        "having finished{} of the {} rules\n",
        std::chrono::duration_cast<std::chrono::milliseconds>(timeline.running).count(), killed,
        running, rules_done, timeline.finished.size());
}

}  // namespace
}  // namespace patron::test
