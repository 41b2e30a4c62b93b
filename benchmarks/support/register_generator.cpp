#include "support/register_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "patron/retention/legal_hold.hpp"

namespace patron::bench {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::int64_t kDay = 86400;
// Dates are kept this many days away from every cut-off: what is due does not depend on the
// hour of the run, the time zone, or how long generation and sealing took.
constexpr int kMargin = 2;
// Inactivity when the policy has no inactive_patrons rule: the register keeps its shape.
constexpr int kDefaultInactiveDays = 3 * 365;
constexpr std::size_t kRecordClasses = 11;
constexpr std::size_t kFlushBytes = 1 << 16;

std::size_t index(RecordClass record) { return static_cast<std::size_t>(record); }
std::uint32_t bit(LegalHold hold) { return 1U << static_cast<unsigned>(hold); }

std::size_t positive_variable(const char* name, std::size_t fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (*end != '\0' || value == 0 || text[0] == '-') {
        throw std::invalid_argument(fmt::format("{} must be a positive whole number", name));
    }
    return static_cast<std::size_t>(value);
}

// splitmix64: a fast, well-mixed stream per (seed, patron, purpose), so each table's pass can
// replay a patron's records (and the ids given to them) without keeping them in memory.
class Rng {
public:
    Rng(std::uint64_t seed, std::uint64_t patron, std::uint64_t stream)
        : state_(seed ^ (patron * 0x9E3779B97F4A7C15ULL) ^ (stream * 0xD1B54A32D192ED03ULL)) {
        next();
    }

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    // Uniform in [low, high]; low when the range is empty.
    int between(int low, int high) {
        if (high <= low) return low;
        return low + static_cast<int>(next() % static_cast<std::uint64_t>(high - low + 1));
    }
    // A count with the given mean (uniform over 0..2·mean, stochastically rounded).
    int count(double mean) { return static_cast<int>(2.0 * mean * unit() + unit()); }
    std::int64_t seconds_in_day() { return static_cast<std::int64_t>(next() % kDay); }

private:
    std::uint64_t state_;
};

// Streams of Rng, one per purpose: the drafts (kLoans, kHolds, kMoney) are replayed by several
// passes; the *Row streams fill in the columns nothing else depends on.
enum Stream : std::uint64_t {
    kProfile = 1,
    kLinks,
    kPatronRow,
    kGuardianRow,
    kContactRow,
    kConsentRow,
    kPinRow,
    kLoans,
    kLoanRow,
    kHolds,
    kHoldRow,
    kMoney,
    kFeeRow,
    kMessages,
    kBans,
    kHistory,
    kSessions,
    kAudit
};

enum class Kind : std::uint8_t { adult, ward, aged_out_ward, organisation };
constexpr std::array<const char*, 4> kChannels{"none", "email", "sms", "letter"};

// What is decided about a patron before any row is written.
struct Profile {
    Kind kind = Kind::adult;
    bool inactive = false;
    bool restricted = false;
    bool consent = false;       // loan-history consent (home-service customer)
    bool live_session = false;  // logged in to the web library within the hour
    bool unpaid_fees = false;
    bool open_invoice = false;
    std::uint8_t current_loans = 0;
    std::uint8_t reminder_channel = 0;  // index into kChannels
    int age = 0;                        // days; persons
    int activity = 0;                   // days ago: the latest card use, checkout or return
    int created = 0;                    // days ago
    std::uint32_t holds = 0;            // legal holds, as bits of LegalHold
};

struct LoanDraft {
    std::int64_t checked_out = 0;  // epoch seconds
    std::int64_t returned = 0;     // epoch seconds; 0 while on loan
    int returned_days = 0;         // days ago
    int due_days = 0;              // due date, days ago (negative: in the future)
    std::int64_t item = 0;
};

struct HoldDraft {
    std::int64_t placed = 0;
    std::int64_t ready = 0;   // 0: never ready
    std::int64_t closed = 0;  // 0: open
    int pickup_by_days = 0;
    const char* status = "placed";
    std::int64_t item = 0;
};

struct InvoiceDraft {
    std::int64_t issued = 0;
    std::int64_t closed = 0;  // 0: open
    const char* status = "open";
    std::int64_t total_cents = 0;
};

struct FeeDraft {
    std::int64_t created = 0;
    std::int64_t settled = 0;  // 0: unpaid
    bool cancelled = false;
    const char* kind = "overdue";
    std::int64_t cents = 0;
    int invoice = -1;  // into the patron's invoices
};

// A COPY ... FROM STDIN of one table, in text format. Rows are joined into chunks of about
// 64 KiB before they go to libpq: the COPY data stream does not care where the chunks end
// (PQputCopyData), and one call per chunk instead of one per row (with libpqxx's escaping of
// every field) keeps the client's share of the load small. libpqxx 6.4 writes raw lines only
// through tablewriter (stream_to's write_raw_line is private), which it marks deprecated.
class CopyTable {
public:
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CopyTable(pqxx::work& tx, const std::string& table, const std::vector<std::string>& columns,
              std::map<std::string, std::int64_t>& rows)
        : stream_(tx, table, columns.begin(), columns.end()), rows_(rows[table]) {}
#pragma GCC diagnostic pop

    CopyTable& row() {
        if (!buffer_.empty()) {
            if (buffer_.size() >= kFlushBytes) {
                stream_.write_raw_line(buffer_);  // appends the newline
                buffer_.clear();
            } else {
                buffer_ += '\n';
            }
        }
        first_ = true;
        ++rows_;
        return *this;
    }
    CopyTable& text(std::string_view value) {
        separate();
        buffer_ += value;
        return *this;
    }
    CopyTable& number(std::int64_t value) {
        separate();
        fmt::format_to(std::back_inserter(buffer_), "{}", value);
        return *this;
    }
    CopyTable& null() { return text("\\N"); }
    CopyTable& flag(bool value) { return text(value ? "t" : "f"); }
    CopyTable& timestamp(std::int64_t epoch_seconds) {
        separate();
        const auto day = static_cast<int>(epoch_seconds / kDay);
        const std::int64_t second = epoch_seconds % kDay;
        const std::chrono::year_month_day ymd{sys_days{days{day}}};
        fmt::format_to(std::back_inserter(buffer_), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00",
                       static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), second / 3600, second / 60 % 60,
                       second % 60);
        return *this;
    }
    CopyTable& timestamp_or_null(std::int64_t epoch_seconds) {
        return epoch_seconds == 0 ? null() : timestamp(epoch_seconds);
    }
    CopyTable& date(int epoch_days) {
        separate();
        const std::chrono::year_month_day ymd{sys_days{days{epoch_days}}};
        fmt::format_to(std::back_inserter(buffer_), "{:04}-{:02}-{:02}",
                       static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()));
        return *this;
    }
    // bytea: the first 8 bytes are `unique` (so unique columns stay unique), the rest random.
    CopyTable& bytes(std::size_t length, std::uint64_t unique, Rng& random) {
        separate();
        buffer_ += "\\\\x";
        for (std::size_t i = 0; i < length; i += 8) {
            const std::uint64_t word = i == 0 ? unique : random.next();
            const std::size_t n = std::min<std::size_t>(8, length - i);
            for (std::size_t b = 0; b < n; ++b) {
                fmt::format_to(std::back_inserter(buffer_), "{:02x}",
                               static_cast<unsigned>((word >> (56 - 8 * b)) & 0xFF));
            }
        }
        return *this;
    }

    void complete() {
        if (!buffer_.empty()) stream_.write_raw_line(buffer_);
        buffer_.clear();
        stream_.complete();
    }

private:
    void separate() {
        if (!first_) buffer_ += '\t';
        first_ = false;
    }

    pqxx::tablewriter stream_;
    std::int64_t& rows_;
    std::string buffer_;
    bool first_ = true;
};

// The cut-off of each rule as days before today (the trigger must be older to be due), and the
// damage-claim window.
struct Cutoffs {
    std::array<std::optional<int>, kRecordClasses> days;
    int damage_claim_days = 30;
    int inactive_days = kDefaultInactiveDays;

    Cutoffs(const RetentionPolicy& policy, Date today)
        : damage_claim_days(policy.damage_claim_days) {
        for (const RetentionRule& rule : policy.rules) {
            days[index(rule.record)] =
                static_cast<int>((sys_days{today} - sys_days{rule.period.before(today)}).count());
        }
        if (const auto& inactive = days[index(RecordClass::inactive_patrons)]) {
            inactive_days = *inactive;
        }
    }

    // `days_ago` moved (older) out of the margin around the cut-off of `record`.
    [[nodiscard]] int away(RecordClass record, int days_ago) const {
        const auto& cutoff = days[index(record)];
        return cutoff ? away_from(*cutoff, days_ago) : days_ago;
    }
    [[nodiscard]] static int away_from(int cutoff, int days_ago) {
        return std::abs(days_ago - cutoff) <= kMargin ? cutoff + kMargin + 1 : days_ago;
    }
    [[nodiscard]] bool due(RecordClass record, int days_ago) const {
        const auto& cutoff = days[index(record)];
        return cutoff && days_ago > *cutoff;
    }
};

class Generator {
public:
    Generator(const RegisterSize& size, const RetentionPolicy& policy, const Clock& clock)
        : size_(size),
          policy_(policy),
          now_(std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch())
                   .count()),
          today_(static_cast<int>(sys_days{clock.today()}.time_since_epoch().count())),
          cutoffs_(policy, clock.today()),
          scale_(static_cast<double>(size.rows) / (10.0 * static_cast<double>(size.patrons))),
          profiles_(size.patrons + 1),
          due_(size.patrons + 1),
          window_loans_(size.patrons + 1, 0) {}

    GeneratedRegister run(pqxx::work& tx) {
        plan_patrons();
        returned_items_ = std::max<std::int64_t>(
            1000, static_cast<std::int64_t>(static_cast<double>(size_.patrons) * 0.5 * scale_));
        newest_.assign(static_cast<std::size_t>(returned_items_), NewestLoan{});

        write_patrons(tx);
        write_links(tx);
        write_items(tx);
        find_newest_loans();
        mark_damage_claims();
        write_loans(tx);
        write_holds(tx);
        write_money(tx);
        write_messages(tx);
        write_bans(tx);
        write_history(tx);
        write_sessions(tx);
        write_audit(tx);
        return GeneratedRegister{std::move(rows_), expected()};
    }

private:
    struct NewestLoan {
        std::int64_t checked_out = 0;
        int returned_days = 0;
        std::size_t patron = 0;  // 0: the item was never lent
    };

    // ---- Patrons and their holds -----------------------------------------------------------

    void plan_patrons() {
        const int window = 10 * 365;  // how far back a register reaches
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            Rng r(size_.seed, p, kProfile);
            Profile& pr = profiles_[p];
            const double kind = r.unit();
            pr.kind = kind < 0.02   ? Kind::organisation
                      : kind < 0.12 ? Kind::ward
                      : kind < 0.15 ? Kind::aged_out_ward
                                    : Kind::adult;
            switch (pr.kind) {
                case Kind::ward:
                    pr.age = r.between(365, 15 * 365 - 10);
                    break;
                case Kind::aged_out_ward:
                    pr.age = r.between(15 * 365 + 10, 18 * 365 - 10);
                    break;
                case Kind::adult:
                    pr.age = r.between(18 * 365 + 10, 90 * 365);
                    break;
                case Kind::organisation:
                    break;
            }
            if (pr.kind != Kind::organisation) pr.age = adjust_birth(pr.age);
            const int history = pr.kind == Kind::organisation ? window : std::min(window, pr.age);
            pr.inactive = r.chance(0.15) && history > cutoffs_.inactive_days + 3 * kMargin + 30;
            if (pr.inactive) {
                pr.activity = Cutoffs::away_from(cutoffs_.inactive_days,
                                                 r.between(cutoffs_.inactive_days + kMargin + 1,
                                                           std::min(history - 30, 8 * 365)));
            } else {
                pr.live_session = r.chance(0.05 * std::min(1.0, scale_));
                pr.activity = pr.live_session
                                  ? 0
                                  : Cutoffs::away_from(
                                        cutoffs_.inactive_days,
                                        r.between(0, std::min(cutoffs_.inactive_days - kMargin - 1,
                                                              history - 30)));
            }
            pr.created = r.between(pr.activity + 30, std::max(pr.activity + 30, history));
            pr.restricted = r.chance(0.002);
            if (pr.inactive) {
                pr.current_loans = r.chance(0.03) ? 1 : 0;
                pr.unpaid_fees = r.chance(0.04);
                pr.open_invoice = r.chance(0.015);
            } else {
                pr.current_loans = r.chance(0.22) ? static_cast<std::uint8_t>(r.between(1, 4)) : 0;
                pr.unpaid_fees = r.chance(0.08);
                pr.open_invoice = r.chance(0.015);
            }
            pr.consent = pr.kind == Kind::adult && r.chance(0.02);
            pr.reminder_channel = static_cast<std::uint8_t>(r.between(0, 3));
            if (pr.restricted) pr.holds |= bit(LegalHold::processing_restriction);
            if (pr.current_loans > 0) pr.holds |= bit(LegalHold::current_loans);
            // An open invoice carries unpaid fees.
            if (pr.unpaid_fees || pr.open_invoice) pr.holds |= bit(LegalHold::unpaid_fees);
            if (pr.open_invoice) pr.holds |= bit(LegalHold::open_invoices);
            current_loans_ += pr.current_loans;
        }
        // Guardians of wards (also of those who turned 15 and whose rows retention removes) and
        // responsible persons of organisations: adult persons.
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            const Profile& pr = profiles_[p];
            Rng r(size_.seed, p, kLinks);
            if (pr.kind == Kind::ward || pr.kind == Kind::aged_out_ward) {
                const std::size_t first = random_adult(r);
                guardianships_.emplace_back(p, first);
                if (r.chance(0.4)) {
                    const std::size_t second = random_adult(r);
                    if (second != first) guardianships_.emplace_back(p, second);
                }
            } else if (pr.kind == Kind::organisation) {
                contacts_.emplace_back(p, random_adult(r));
            }
        }
        for (const auto& [ward, guardian] : guardianships_) {
            if (under_15(profiles_[ward])) {
                profiles_[guardian].holds |= bit(LegalHold::guardian_of_minor);
            }
        }
        for (const auto& [organisation, person] : contacts_) {
            profiles_[person].holds |= bit(LegalHold::responsible_person);
        }
    }

    // An age whose 15th birthday keeps the margin from the guardianship rule's cut-off, and no
    // one born on 29 February (whose 15th birthday the calendar moves).
    int adjust_birth(int age) const {
        for (;;) {
            const std::chrono::year_month_day birth{sys_days{days{today_ - age}}};
            const int cutoff = cutoffs_.days[index(RecordClass::expired_guardianships)].value_or(0);
            const int turned_15 = turned_15_days_ago(age);
            if (!(birth.month() == std::chrono::February && birth.day() == std::chrono::day{29}) &&
                std::abs(turned_15 - cutoff) > kMargin && std::abs(turned_15) > kMargin) {
                return age;
            }
            age += 2 * kMargin + 1;
        }
    }
    // Days since the 15th birthday of someone `age` days old (negative: still to come).
    int turned_15_days_ago(int age) const {
        const std::chrono::year_month_day birth{sys_days{days{today_ - age}}};
        const std::chrono::year_month_day fifteen = birth + std::chrono::years{15};
        return today_ - static_cast<int>(sys_days{fifteen}.time_since_epoch().count());
    }
    bool under_15(const Profile& pr) const {
        return pr.kind != Kind::organisation && turned_15_days_ago(pr.age) < 0;
    }

    std::size_t random_adult(Rng& r) const {
        for (;;) {
            const std::size_t p = 1 + r.next() % size_.patrons;
            if (profiles_[p].kind == Kind::adult) return p;
        }
    }

    std::int64_t at(int days_ago, Rng& r) const {
        return now_ - static_cast<std::int64_t>(days_ago) * kDay - r.seconds_in_day();
    }
    int date(int days_ago) const { return today_ - days_ago; }
    const char* staff(Rng& r) const {
        static constexpr std::array<const char*, 6> kStaff{"staff01", "staff02", "staff07",
                                                           "staff11", "staff23", "kiosk-3"};
        return kStaff[r.next() % kStaff.size()];
    }

    void write_patrons(pqxx::work& tx) {
        static constexpr std::array<const char*, 8> kSurnames{"Virtanen",  "Korhonen",   "Nieminen",
                                                              "Mäkinen",   "Hämäläinen", "Laine",
                                                              "Heikkinen", "Koskinen"};
        static constexpr std::array<const char*, 8> kGiven{"Aino",  "Eino", "Helmi", "Väinö",
                                                           "Siiri", "Onni", "Ella",  "Leo"};
        CopyTable t(tx, "patrons",
                    {"id",
                     "kind",
                     "hetu_key_id",
                     "hetu_ciphertext",
                     "hetu_index_key_id",
                     "hetu_index",
                     "birth_date",
                     "surname",
                     "given_names",
                     "organisation_name",
                     "street_address",
                     "postal_code",
                     "post_office",
                     "country",
                     "email",
                     "phones",
                     "card_number",
                     "home_library",
                     "mother_tongue",
                     "due_date_reminder",
                     "overdue_notice",
                     "hold_ready_notice",
                     "created_at",
                     "created_by",
                     "modified_at",
                     "modified_by",
                     "last_card_activity",
                     "card_expires_on",
                     "processing_restricted_at",
                     "category"},
                    rows_);
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            const Profile& pr = profiles_[p];
            Rng r(size_.seed, p, kPatronRow);
            const auto id = static_cast<std::int64_t>(p);
            const bool person = pr.kind != Kind::organisation;
            t.row().number(id).text(person ? "person" : "organisation");
            if (person) {
                // Random bytes of the stored shape: AES-256-GCM nonce, 11 characters and tag;
                // an HMAC-SHA-256 blind index (unique by its first 8 bytes).
                t.number(1).bytes(12 + 11 + 16, r.next(), r).number(1).bytes(32, p, r);
                t.date(date(pr.age))
                    .text(kSurnames[r.next() % kSurnames.size()])
                    .text(kGiven[r.next() % kGiven.size()])
                    .null();
            } else {
                t.null().null().null().null().null().null().null();
                t.text(fmt::format("Yhdistys {} ry", p));
            }
            if (r.chance(0.9)) {
                t.text(fmt::format("Kirjastokatu {}", p % 200 + 1))
                    .text("55100")
                    .text("Imatra")
                    .text("FI");
            } else {
                t.null().null().null().null();
            }
            t.text(fmt::format("asiakas{}@example.fi", p)).text("{0400000000}");
            t.text(fmt::format("B{:09}", p)).text("Pääkirjasto").text("fi");
            const char* channel = kChannels[pr.reminder_channel];
            t.text(channel).text(channel).text(channel);
            const int modified = r.between(pr.activity, pr.created);
            t.timestamp(at(pr.created, r)).text(staff(r));
            t.timestamp(at(modified, r)).text(staff(r));
            t.date(date(pr.activity)).date(date(pr.created) + 5 * 365);
            t.timestamp_or_null(pr.restricted ? at(pr.activity, r) : 0);
            switch (pr.kind) {
                case Kind::organisation:
                    t.text("organisation");
                    break;
                case Kind::ward:
                    t.text("child");
                    break;
                case Kind::aged_out_ward:
                    t.text("young");
                    break;
                case Kind::adult:
                    t.text(pr.consent ? "home_service" : "adult");
                    break;
            }
        }
        t.complete();
    }

    void write_links(pqxx::work& tx) {
        {
            CopyTable t(
                tx, "guardianships",
                {"ward_id", "guardian_id", "created_at", "created_by", "consent_at", "consent_by"},
                rows_);
            for (const auto& [ward, guardian] : guardianships_) {
                const Profile& pr = profiles_[ward];
                Rng r(size_.seed, ward, kGuardianRow + (guardian << 8));
                const std::int64_t created = at(pr.created, r);
                t.row()
                    .number(static_cast<std::int64_t>(ward))
                    .number(static_cast<std::int64_t>(guardian))
                    .timestamp(created)
                    .text(staff(r));
                if (r.chance(0.7)) {
                    t.timestamp(created).text(staff(r));
                } else {
                    t.null().null();
                }
            }
            t.complete();
        }
        {
            CopyTable t(tx, "organisation_contacts",
                        {"organisation_id", "person_id", "created_at", "created_by"}, rows_);
            for (const auto& [organisation, person] : contacts_) {
                Rng r(size_.seed, organisation, kContactRow);
                t.row()
                    .number(static_cast<std::int64_t>(organisation))
                    .number(static_cast<std::int64_t>(person))
                    .timestamp(at(profiles_[organisation].created, r))
                    .text(staff(r));
            }
            t.complete();
        }
        {
            CopyTable consents(tx, "loan_history_consents",
                               {"patron_id", "granted_at", "granted_by", "method"}, rows_);
            for (std::size_t p = 1; p <= size_.patrons; ++p) {
                if (!profiles_[p].consent) continue;
                Rng r(size_.seed, p, kConsentRow);
                consents.row()
                    .number(static_cast<std::int64_t>(p))
                    .timestamp(at(profiles_[p].created, r))
                    .text(staff(r))
                    .text("written");
            }
            consents.complete();
        }
        {
            // A stand-in for an Argon2id PHC string: the retention engine never reads it.
            CopyTable pins(tx, "patron_pins",
                           {"patron_id", "pin_hash", "pepper_id", "set_at", "set_by"}, rows_);
            for (std::size_t p = 1; p <= size_.patrons; ++p) {
                Rng r(size_.seed, p, kPinRow);
                if (profiles_[p].kind == Kind::organisation || !r.chance(0.7)) continue;
                pins.row()
                    .number(static_cast<std::int64_t>(p))
                    .text(fmt::format("$argon2id$v=19$m=65536,t=3,p=1${:016x}${:016x}{:016x}",
                                      r.next(), r.next(), r.next()))
                    .number(1)
                    .timestamp(at(profiles_[p].created, r))
                    .text(staff(r));
            }
            pins.complete();
        }
    }

    void write_items(pqxx::work& tx) {
        static constexpr std::array<const char*, 4> kTypes{"book", "book", "cd", "dvd"};
        CopyTable t(tx, "items", {"id", "barcode", "title", "material_type"}, rows_);
        const std::int64_t items = current_loans_ + returned_items_;
        for (std::int64_t i = 1; i <= items; ++i) {
            t.row()
                .number(i)
                .text(fmt::format("I{:010}", i))
                .text(fmt::format("Nide {}", i))
                .text(kTypes[static_cast<std::size_t>(i) % kTypes.size()]);
        }
        t.complete();
    }

    // ---- Loans ------------------------------------------------------------------------------

    // The loans of patron `p`, the same on every call; current loans take the next items of
    // `next_current_item` (each its own item: an item is on loan once at a time).
    void loans_of(std::size_t p, std::int64_t& next_current_item, std::vector<LoanDraft>& out) {
        out.clear();
        const Profile& pr = profiles_[p];
        Rng r(size_.seed, p, kLoans);
        const int newest = std::max(pr.activity, kMargin + 1);
        const int oldest = pr.created - 45;
        const int n = oldest > newest ? r.count(4.0 * scale_) : 0;
        for (int k = 0; k < n; ++k) {
            LoanDraft loan;
            int returned = r.between(newest, oldest);
            returned = cutoffs_.away(RecordClass::returned_loans, returned);
            returned = Cutoffs::away_from(cutoffs_.damage_claim_days, returned);
            const int duration = r.between(3, 40);
            loan.returned_days = returned;
            loan.returned = at(returned, r);
            loan.checked_out = loan.returned - duration * kDay - r.seconds_in_day();
            loan.due_days = returned + duration - 28;
            loan.item =
                current_loans_ + 1 +
                static_cast<std::int64_t>(r.next() % static_cast<std::uint64_t>(returned_items_));
            out.push_back(loan);
        }
        for (int k = 0; k < pr.current_loans; ++k) {
            LoanDraft loan;
            const int checked_out = pr.activity + r.between(0, 20);
            loan.checked_out = at(checked_out, r);
            loan.due_days = checked_out - 28;
            loan.item = ++next_current_item;
            out.push_back(loan);
        }
    }

    // The newest loan of each item. Only it may still name its borrower: circulation detaches an
    // item's earlier loans at each return, and retention detaches the last one once the
    // damage-claim window has passed.
    void find_newest_loans() {
        std::vector<LoanDraft> loans;
        std::int64_t current_item = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            loans_of(p, current_item, loans);
            for (const LoanDraft& loan : loans) {
                if (loan.returned == 0) continue;  // its item is on loan only to them
                NewestLoan& newest = newest_of(loan);
                if (loan.checked_out > newest.checked_out) {
                    newest = {loan.checked_out, loan.returned_days, p};
                }
            }
        }
    }
    NewestLoan& newest_of(const LoanDraft& loan) {
        return newest_[static_cast<std::size_t>(loan.item - current_loans_ - 1)];
    }

    void write_loans(pqxx::work& tx) {
        CopyTable t(tx, "loans",
                    {"id", "patron_id", "item_id", "checked_out_at", "checked_out_by", "due_on",
                     "renewals", "returned_at", "returned_by"},
                    rows_);
        std::vector<LoanDraft> loans;
        std::int64_t id = 0, current_item = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            loans_of(p, current_item, loans);
            Rng r(size_.seed, p, kLoanRow);
            for (const LoanDraft& loan : loans) {
                const bool linked =
                    loan.returned == 0 || (newest_of(loan).patron == p &&
                                           newest_of(loan).checked_out == loan.checked_out);
                t.row().number(++id);
                if (linked) {
                    t.number(static_cast<std::int64_t>(p));
                } else {
                    t.null();
                }
                t.number(loan.item).timestamp(loan.checked_out).text(staff(r));
                t.date(date(loan.due_days)).number(r.chance(0.2) ? 1 : 0);
                if (loan.returned == 0) {
                    t.null().null();
                    continue;
                }
                t.timestamp(loan.returned).text(staff(r));
                if (linked && cutoffs_.due(RecordClass::returned_loans, loan.returned_days)) {
                    ++due_[p][index(RecordClass::returned_loans)];
                }
            }
        }
        t.complete();
    }

    // The last borrower of an item returned within the damage-claim window is kept.
    void mark_damage_claims() {
        for (const NewestLoan& loan : newest_) {
            if (loan.patron == 0 || loan.returned_days >= cutoffs_.damage_claim_days) continue;
            ++window_loans_[loan.patron];
            profiles_[loan.patron].holds |= bit(LegalHold::damage_claim);
        }
    }

    // ---- Holds ------------------------------------------------------------------------------

    // The holds of patron `p`, the same on every call; `tally` counts the due ones (once).
    void holds_of(std::size_t p, std::vector<HoldDraft>& out, bool tally) {
        out.clear();
        Profile& pr = profiles_[p];
        Rng r(size_.seed, p, kHolds);
        const int n = r.count(1.0 * scale_);
        for (int k = 0; k < n; ++k) {
            HoldDraft hold;
            // Distinct items for one patron's holds (one open hold per patron and item).
            hold.item = current_loans_ + 1 +
                        static_cast<std::int64_t>((p * 7 + static_cast<std::size_t>(k) * 131) %
                                                  static_cast<std::size_t>(returned_items_));
            const int placed = r.between(pr.activity, pr.created);
            // A few inactive patrons still wait for an item that never came back.
            const bool open =
                pr.inactive ? k == 0 && r.chance(0.02) : placed <= 60 && r.chance(0.5);
            if (!open) {
                int closed = std::max(placed - r.between(2, 30), 0);
                closed = cutoffs_.away(RecordClass::closed_holds, closed);
                hold.placed = at(std::max(placed, closed + 1), r);
                hold.closed = at(closed, r) - 0;
                const double outcome = r.unit();
                hold.status = outcome < 0.7    ? "fulfilled"
                              : outcome < 0.85 ? "cancelled"
                                               : "expired";
                if (outcome < 0.7 || outcome >= 0.85) {
                    hold.ready = hold.closed - 2 * kDay;
                    hold.pickup_by_days = closed - 5;
                    if (hold.ready < hold.placed) hold.ready = hold.placed;
                }
                if (tally && cutoffs_.due(RecordClass::closed_holds, closed)) {
                    ++due_[p][index(RecordClass::closed_holds)];
                }
            } else {
                hold.placed = at(placed, r);
                if (tally) pr.holds |= bit(LegalHold::open_holds);
                if (!pr.inactive && r.chance(0.3)) {
                    hold.status = "ready";
                    hold.ready = now_ - 2 * kDay;
                    hold.pickup_by_days = -5;
                }
            }
            out.push_back(hold);
        }
    }

    void write_holds(pqxx::work& tx) {
        CopyTable t(tx, "holds",
                    {"id", "patron_id", "item_id", "placed_at", "placed_by", "status", "ready_at",
                     "pickup_by", "closed_at", "closed_by"},
                    rows_);
        std::vector<HoldDraft> holds;
        std::int64_t id = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            holds_of(p, holds, true);
            Rng r(size_.seed, p, kHoldRow);
            for (const HoldDraft& hold : holds) {
                t.row()
                    .number(++id)
                    .number(static_cast<std::int64_t>(p))
                    .number(hold.item)
                    .timestamp(hold.placed)
                    .text(staff(r))
                    .text(hold.status)
                    .timestamp_or_null(hold.ready);
                if (hold.ready != 0) {
                    t.date(date(hold.pickup_by_days));
                } else {
                    t.null();
                }
                if (hold.closed != 0) {
                    t.timestamp(hold.closed).text(staff(r));
                } else {
                    t.null().null();
                }
            }
        }
        t.complete();
    }

    // ---- Fees and invoices ------------------------------------------------------------------

    // The fees and invoices of patron `p`, the same on every call; `tally` counts the due ones
    // (once).
    void money_of(std::size_t p, std::vector<InvoiceDraft>& invoices, std::vector<FeeDraft>& fees,
                  bool tally) {
        invoices.clear();
        fees.clear();
        const Profile& pr = profiles_[p];
        Rng r(size_.seed, p, kMoney);
        const auto fee_at = [&](int days_ago) { return at(days_ago, r); };
        if (pr.unpaid_fees) {
            const int n = r.between(1, 2);
            for (int k = 0; k < n; ++k) {
                fees.push_back({fee_at(r.between(pr.activity, pr.activity + 60)), 0, false,
                                "overdue", 100 * r.between(1, 20), -1});
            }
        }
        const int settled = r.count(0.4 * scale_);
        for (int k = 0; k < settled; ++k) {
            const int created = r.between(pr.activity, pr.created);
            const int paid =
                cutoffs_.away(RecordClass::settled_fees, std::max(created - r.between(0, 30), 0));
            fees.push_back({fee_at(std::max(created, paid)), fee_at(paid), r.chance(0.15),
                            "overdue", 50 * r.between(1, 20), -1});
            if (tally && cutoffs_.due(RecordClass::settled_fees, paid)) {
                ++due_[p][index(RecordClass::settled_fees)];
            }
        }
        const auto invoice = [&](int issued, int closed) {
            InvoiceDraft draft;
            draft.issued = fee_at(issued);
            const int n = r.between(1, 3);
            const bool cancelled = closed >= 0 && r.chance(0.2);
            for (int k = 0; k < n; ++k) {
                const std::int64_t cents = 100 * r.between(10, 60);
                draft.total_cents += cents;
                fees.push_back({draft.issued - 30 * kDay, closed >= 0 ? fee_at(closed) : 0,
                                cancelled, "lost", cents, static_cast<int>(invoices.size())});
                if (tally && closed >= 0 && cutoffs_.due(RecordClass::settled_fees, closed)) {
                    ++due_[p][index(RecordClass::settled_fees)];
                }
            }
            if (closed >= 0) {
                draft.closed = fees.back().settled;
                draft.status = cancelled ? "cancelled" : "paid";
                // An invoice goes with its fees: due only when they are.
                if (tally && cutoffs_.due(RecordClass::closed_invoices, closed) &&
                    cutoffs_.due(RecordClass::settled_fees, closed)) {
                    ++due_[p][index(RecordClass::closed_invoices)];
                }
            }
            invoices.push_back(draft);
        };
        if (pr.open_invoice) invoice(r.between(pr.activity, pr.activity + 60), -1);
        if (r.chance(0.03 * scale_)) {
            int closed = r.between(pr.activity, std::max(pr.activity, pr.created - 60));
            closed = cutoffs_.away(RecordClass::closed_invoices,
                                   cutoffs_.away(RecordClass::settled_fees, closed));
            invoice(closed + r.between(14, 45), closed);
        }
    }

    void write_money(pqxx::work& tx) {
        std::vector<InvoiceDraft> invoices;
        std::vector<FeeDraft> fees;
        {
            CopyTable t(tx, "invoices",
                        {"id", "patron_id", "number", "issued_on", "due_on", "total_cents",
                         "status", "created_at", "created_by", "closed_at", "closed_by"},
                        rows_);
            std::int64_t id = 0;
            for (std::size_t p = 1; p <= size_.patrons; ++p) {
                money_of(p, invoices, fees, true);
                for (const InvoiceDraft& invoice : invoices) {
                    const int issued = static_cast<int>((invoice.issued) / kDay);
                    t.row()
                        .number(++id)
                        .number(static_cast<std::int64_t>(p))
                        .text(fmt::format("L-{:08}", id))
                        .date(issued)
                        .date(issued + 14)
                        .number(invoice.total_cents)
                        .text(invoice.status)
                        .timestamp(invoice.issued)
                        .text("billing");
                    if (invoice.closed != 0) {
                        t.timestamp(invoice.closed).text("billing");
                    } else {
                        t.null().null();
                    }
                }
            }
            t.complete();
        }
        CopyTable t(tx, "fees",
                    {"id", "patron_id", "kind", "amount_cents", "created_at", "created_by",
                     "paid_at", "paid_by", "cancelled_at", "cancelled_by", "invoice_id"},
                    rows_);
        std::int64_t id = 0, invoice_id = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            money_of(p, invoices, fees, false);
            Rng r(size_.seed, p, kFeeRow);
            for (const FeeDraft& fee : fees) {
                t.row()
                    .number(++id)
                    .number(static_cast<std::int64_t>(p))
                    .text(fee.kind)
                    .number(fee.cents)
                    .timestamp(fee.created)
                    .text(staff(r));
                if (fee.settled != 0 && !fee.cancelled) {
                    t.timestamp(fee.settled).text(staff(r)).null().null();
                } else if (fee.settled != 0) {
                    t.null().null().timestamp(fee.settled).text(staff(r));
                } else {
                    t.null().null().null().null();
                }
                if (fee.invoice >= 0) {
                    t.number(invoice_id + 1 + fee.invoice);
                } else {
                    t.null();
                }
            }
            invoice_id += static_cast<std::int64_t>(invoices.size());
        }
        t.complete();
    }

    // ---- Messages: reminders of loans, notices of holds ready ---------------------------------

    void write_messages(pqxx::work& tx) {
        CopyTable t(tx, "messages",
                    {"id", "patron_id", "kind", "channel", "loan_id", "hold_id", "created_at",
                     "status", "attempts", "sent_at"},
                    rows_);
        std::vector<LoanDraft> loans;
        std::vector<HoldDraft> holds;
        std::int64_t id = 0, loan_id = 0, hold_id = 0, current_item = 0;
        const auto message = [&](std::size_t p, const char* kind, const char* channel,
                                 std::int64_t loan, std::int64_t hold, int sent_days, Rng& r) {
            t.row().number(++id).number(static_cast<std::int64_t>(p)).text(kind).text(channel);
            if (loan != 0) {
                t.number(loan);
            } else {
                t.null();
            }
            if (hold != 0) {
                t.number(hold);
            } else {
                t.null();
            }
            if (sent_days < 0) {  // not yet sent: queued within the hour
                t.timestamp(now_ - r.between(60, 3600)).text("pending").number(0).null();
                return;
            }
            const std::int64_t sent = at(sent_days, r);
            t.timestamp(sent - 60).text("sent").number(1).timestamp(sent);
            if (cutoffs_.due(RecordClass::sent_messages, sent_days)) {
                ++due_[p][index(RecordClass::sent_messages)];
            }
        };
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            const Profile& pr = profiles_[p];
            loans_of(p, current_item, loans);
            holds_of(p, holds, false);
            Rng r(size_.seed, p, kMessages);
            const char* channel = kChannels[pr.reminder_channel];
            const bool notified = pr.reminder_channel != 0;
            for (const LoanDraft& loan : loans) {
                ++loan_id;
                if (!notified) continue;
                // The due-date reminder three days before the due date and the overdue notice
                // the day after it, while the item is still on loan; those of the next days are
                // queued.
                for (const auto& [kind, days_ago] :
                     {std::pair{"due_date_reminder", loan.due_days + 3},
                      std::pair{"overdue_notice", loan.due_days - 1}}) {
                    if (days_ago < -3 || (loan.returned != 0 && days_ago <= loan.returned_days) ||
                        !r.chance(0.6)) {
                        continue;
                    }
                    const int sent =
                        days_ago < 0 ? -1 : cutoffs_.away(RecordClass::sent_messages, days_ago);
                    message(p, kind, channel, loan_id, 0, sent, r);
                }
            }
            for (const HoldDraft& hold : holds) {
                ++hold_id;
                if (!notified || hold.ready == 0) continue;
                const int ready = static_cast<int>((now_ - hold.ready) / kDay);
                message(p, "hold_ready", channel, 0, hold_id,
                        cutoffs_.away(RecordClass::sent_messages, ready), r);
            }
        }
        t.complete();
    }

    // ---- Loan bans, loan history, web sessions ------------------------------------------------

    void write_bans(pqxx::work& tx) {
        CopyTable t(tx, "loan_bans",
                    {"id", "patron_id", "reason", "starts_on", "ends_on", "set_at", "set_by",
                     "lifted_at", "lifted_by"},
                    rows_);
        std::int64_t id = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            const Profile& pr = profiles_[p];
            Rng r(size_.seed, p, kBans);
            if (!r.chance(0.06 * scale_)) continue;
            int starts = r.between(pr.activity, pr.created);
            const bool in_force = !pr.inactive && r.chance(0.3);
            const int ended = cutoffs_.away(RecordClass::ended_loan_bans,
                                            std::max(starts - r.between(7, 180), kMargin + 1));
            if (!in_force) starts = std::max(starts, ended + 7);
            t.row()
                .number(++id)
                .number(static_cast<std::int64_t>(p))
                .text("repeated overdue")
                .date(date(starts));
            if (in_force) {
                if (r.chance(0.5)) {
                    t.null();
                } else {
                    t.date(date(-r.between(10, 200)));
                }
                t.timestamp(at(starts, r)).text(staff(r)).null().null();
                continue;
            }
            if (r.chance(0.6)) {  // lifted
                t.null()
                    .timestamp(at(starts, r))
                    .text(staff(r))
                    .timestamp(at(ended, r))
                    .text(staff(r));
            } else {  // ran out
                t.date(date(ended)).timestamp(at(starts, r)).text(staff(r)).null().null();
            }
            if (cutoffs_.due(RecordClass::ended_loan_bans, ended)) {
                ++due_[p][index(RecordClass::ended_loan_bans)];
            }
        }
        t.complete();
    }

    void write_history(pqxx::work& tx) {
        static constexpr std::array<const char*, 4> kTypes{"book", "book", "cd", "dvd"};
        CopyTable t(tx, "loan_history",
                    {"id", "patron_id", "barcode", "title", "material_type", "checked_out_at",
                     "returned_at"},
                    rows_);
        std::int64_t id = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            const Profile& pr = profiles_[p];
            if (!pr.consent) continue;
            Rng r(size_.seed, p, kHistory);
            const int n = r.count(20.0 * scale_);
            for (int k = 0; k < n; ++k) {
                const int returned =
                    cutoffs_.away(RecordClass::loan_history,
                                  r.between(std::max(pr.activity, kMargin + 1), pr.created - 45));
                const std::int64_t returned_at = at(returned, r);
                const auto item = r.next() % 100000;
                t.row()
                    .number(++id)
                    .number(static_cast<std::int64_t>(p))
                    .text(fmt::format("I{:010}", item))
                    .text(fmt::format("Nide {}", item))
                    .text(kTypes[item % kTypes.size()])
                    .timestamp(returned_at - r.between(3, 40) * kDay)
                    .timestamp(returned_at);
                if (cutoffs_.due(RecordClass::loan_history, returned)) {
                    ++due_[p][index(RecordClass::loan_history)];
                }
            }
        }
        t.complete();
    }

    void write_sessions(pqxx::work& tx) {
        CopyTable t(tx, "web_sessions", {"token_hash", "patron_id", "created_at", "expires_at"},
                    rows_);
        std::uint64_t token = 0;
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            const Profile& pr = profiles_[p];
            Rng r(size_.seed, p, kSessions);
            // A session lasts eight hours from login; expired ones wait for the rule.
            if (pr.live_session) {
                const std::int64_t created = now_ - r.between(60, 3600);
                t.row().bytes(32, ++token, r).number(static_cast<std::int64_t>(p));
                t.timestamp(created).timestamp(created + 8 * 3600);
            }
            const int n = r.chance(0.25 * scale_) ? r.between(1, 2) : 0;
            for (int k = 0; k < n; ++k) {
                const int login = cutoffs_.away(RecordClass::expired_web_sessions,
                                                r.between(pr.activity + 1, pr.activity + 90));
                const std::int64_t created = at(login, r);
                t.row().bytes(32, ++token, r).number(static_cast<std::int64_t>(p));
                t.timestamp(created).timestamp(created + 8 * 3600);
                // Expiry eight hours after login: due when the login is a day older than the
                // cut-off (the margin is days).
                if (cutoffs_.due(RecordClass::expired_web_sessions, login)) {
                    ++due_[p][index(RecordClass::expired_web_sessions)];
                }
            }
        }
        t.complete();
    }

    // ---- Audit log --------------------------------------------------------------------------

    // Entries evenly spread over seven years, in time order (as appended), unsealed; none within
    // the margin of the audit rule's cut-off.
    void write_audit(pqxx::work& tx) {
        static constexpr std::array<std::pair<const char*, const char*>, 6> kActions{
            {{"patron.read", "circulation"},
             {"circulation.summary", "circulation"},
             {"loan.checkout", "circulation"},
             {"loan.return", "circulation"},
             {"patron.update_contact", "circulation"},
             {"kiosk.verify", "kiosk"}}};
        CopyTable t(
            tx, "audit_log",
            {"id", "at", "actor", "role", "action", "patron_id", "purpose", "fields", "outcome"},
            rows_);
        const auto entries = std::max<std::int64_t>(
            1, static_cast<std::int64_t>(static_cast<double>(size_.patrons) * 1.0 * scale_));
        const std::int64_t first = now_ - 7 * 365 * kDay;
        const std::int64_t step = std::max<std::int64_t>(1, (now_ - 3600 - first) / entries);
        const auto& cutoff = cutoffs_.days[index(RecordClass::audit_entries)];
        Rng r(size_.seed, 0, kAudit);
        std::int64_t id = 0;
        for (std::int64_t k = 0; k < entries; ++k) {
            const std::int64_t when = first + k * step;
            const auto days_ago = static_cast<int>((now_ - when) / kDay);
            if (cutoff && std::abs(days_ago - *cutoff) <= kMargin) continue;
            const auto& [action, role] = kActions[r.next() % kActions.size()];
            const bool kiosk = std::string_view(role) == "kiosk";
            t.row()
                .number(++id)
                .timestamp(when)
                .text(kiosk ? "kiosk-3" : staff(r))
                .text(role)
                .text(action)
                .number(1 + static_cast<std::int64_t>(r.next() % size_.patrons))
                .text(kiosk ? "self-service checkout" : "customer service at the desk")
                .text(std::string_view(action) == "patron.update_contact" ? "{email}" : "{}");
            if (kiosk) {
                t.text("verified");
            } else {
                t.null();
            }
            if (cutoffs_.due(RecordClass::audit_entries, days_ago)) ++audit_due_;
        }
        t.complete();
    }

    // ---- What a run must do ---------------------------------------------------------------

    // A hold applies to a record rule when legal_hold.hpp lists it for the record class.
    std::uint32_t mask_for(RecordClass record) const {
        std::uint32_t mask = 0;
        for (const LegalHold hold : holds_for(record)) mask |= bit(hold);
        return mask;
    }

    std::vector<ExpectedRule> expected() const {
        std::vector<ExpectedRule> out;
        for (const RetentionRule& rule : policy_.rules) {
            ExpectedRule e{rule.record, 0, 0};
            if (rule.record == RecordClass::inactive_patrons) {
                expected_erasures(e);
            } else if (rule.record == RecordClass::expired_guardianships) {
                // A row belongs to the ward and the guardian: a hold of either keeps it.
                const std::uint32_t mask = mask_for(rule.record);
                for (const auto& [ward, guardian] : guardianships_) {
                    if (!cutoffs_.due(rule.record, turned_15_days_ago(profiles_[ward].age))) {
                        continue;
                    }
                    ++e.due;
                    if (((profiles_[ward].holds | profiles_[guardian].holds) & mask) == 0) {
                        ++e.purged;
                    }
                }
            } else if (rule.record == RecordClass::audit_entries) {
                e.due = e.purged = audit_due_;
            } else {
                const std::uint32_t mask = mask_for(rule.record);
                // Damage claims keep only the loans of the window, not the borrower's others.
                const std::uint32_t patron_mask = mask & ~bit(LegalHold::damage_claim);
                const bool claims = (mask & bit(LegalHold::damage_claim)) != 0;
                for (std::size_t p = 1; p <= size_.patrons; ++p) {
                    std::int64_t due = due_[p][index(rule.record)];
                    e.due += due;
                    if ((profiles_[p].holds & patron_mask) != 0) continue;
                    if (claims && rule.record == RecordClass::returned_loans) {
                        due -= window_loans_[p];
                    }
                    e.purged += due;
                }
            }
            out.push_back(e);
        }
        return out;
    }

    // Inactive patrons no hold keeps; a guardian or responsible person is erased only when each
    // ward under 15 and each organisation they answer for is erased in the same run.
    void expected_erasures(ExpectedRule& e) const {
        const std::uint32_t mask = mask_for(RecordClass::inactive_patrons);
        const std::uint32_t dependants =
            bit(LegalHold::guardian_of_minor) | bit(LegalHold::responsible_person);
        const auto free_of_own_holds = [&](std::size_t p) {
            return profiles_[p].inactive && (profiles_[p].holds & mask & ~dependants) == 0;
        };
        std::vector<char> blocked(size_.patrons + 1, 0);
        for (const auto& [ward, guardian] : guardianships_) {
            if ((mask & bit(LegalHold::guardian_of_minor)) != 0 && under_15(profiles_[ward]) &&
                !free_of_own_holds(ward)) {
                blocked[guardian] = 1;
            }
        }
        for (const auto& [organisation, person] : contacts_) {
            if ((mask & bit(LegalHold::responsible_person)) != 0 &&
                !free_of_own_holds(organisation)) {
                blocked[person] = 1;
            }
        }
        for (std::size_t p = 1; p <= size_.patrons; ++p) {
            if (!profiles_[p].inactive) continue;
            ++e.due;
            if (free_of_own_holds(p) && blocked[p] == 0) ++e.purged;
        }
    }

    const RegisterSize& size_;
    const RetentionPolicy& policy_;
    const std::int64_t now_;  // epoch seconds
    const int today_;         // epoch days
    const Cutoffs cutoffs_;
    const double scale_;  // circulation rows per patron, over the default 10

    std::vector<Profile> profiles_;                                   // by patron id; [0] unused
    std::vector<std::pair<std::size_t, std::size_t>> guardianships_;  // (ward, guardian)
    std::vector<std::pair<std::size_t, std::size_t>> contacts_;       // (organisation, person)
    std::int64_t current_loans_ = 0;
    std::int64_t returned_items_ = 0;
    std::vector<NewestLoan> newest_;  // per item lent and returned
    // Due records per patron and record class, and the due loans that are the last of their
    // item within the damage-claim window.
    std::vector<std::array<std::int32_t, kRecordClasses>> due_;
    std::vector<std::int32_t> window_loans_;
    std::int64_t audit_due_ = 0;
    std::map<std::string, std::int64_t> rows_;
};

// Secondary indexes and foreign keys, as the catalogue defines them: dropped for the load (one
// sorted build and one set-based check afterwards are many times faster than row by row), and
// created again from the same definitions.
struct Deferred {
    std::vector<std::string> drop;
    std::vector<std::string> create;
};

Deferred deferred_schema(pqxx::work& tx) {
    Deferred d;
    for (const auto& row : tx.exec(R"(
SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
ORDER BY conrelid::regclass::text, conname)")) {
        d.drop.push_back(
            fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", row[0].c_str(), row[1].c_str()));
        d.create.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", row[0].c_str(),
                                       row[1].c_str(), row[2].c_str()));
    }
    for (const auto& row : tx.exec(R"(
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY 1)")) {
        // Foreign keys go first and come back last.
        d.drop.push_back(fmt::format("DROP INDEX {}", row[0].c_str()));
        d.create.insert(d.create.begin(), row[1].c_str());
    }
    return d;
}

}  // namespace

RegisterSize RegisterSize::from_environment() {
    RegisterSize size;
    size.patrons = positive_variable("PATRON_BENCH_PATRONS", size.patrons);
    size.rows = positive_variable("PATRON_BENCH_ROWS", 10 * size.patrons);
    size.seed = positive_variable("PATRON_BENCH_SEED", size.seed);
    return size;
}

GeneratedRegister generate_register(const std::string& url, const RegisterSize& size,
                                    const RetentionPolicy& policy, const Clock& clock) {
    pqxx::connection connection(url);
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL maintenance_work_mem = '512MB'");
    const Deferred deferred = deferred_schema(tx);
    for (const auto& statement : deferred.drop) tx.exec0(statement);

    Generator generator(size, policy, clock);
    GeneratedRegister generated = generator.run(tx);

    for (const auto& statement : deferred.create) tx.exec0(statement);
    // The ids were given here: identities continue after them.
    for (const char* table : {"patrons", "items", "loans", "holds", "invoices", "fees", "messages",
                              "loan_bans", "loan_history", "audit_log"}) {
        tx.exec(fmt::format(
            "SELECT setval(pg_get_serial_sequence('{0}', 'id'), max(id)) FROM {0} HAVING "
            "count(*) > 0",
            table));
    }
    tx.exec("SELECT setval('invoice_numbers', count(*)) FROM invoices HAVING count(*) > 0");
    tx.commit();
    return generated;
}

}  // namespace patron::bench
