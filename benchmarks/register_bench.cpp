// Register lookups: find by card and find by identity code through patron::Register (permission
// check, select, identity code decryption, audit entry, commit), each compared in the same run
// with hand-written libpqxx + OpenSSL code doing the same SQL and crypto work: the reference a
// library system would write against the same schema without libpatron.

#include <benchmark/benchmark.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>

#include "patron/domain/date.hpp"
#include "patron/register/register.hpp"
#include "support/bench_database.hpp"
#include "support/comparison.hpp"
#include "support/patrons.hpp"

namespace {

using namespace patron;

constexpr std::size_t kPatrons = 10000;

// ---- The reference: hand-written libpqxx and OpenSSL --------------------------------------------

// The select list of libpatron/src/pg/patron_repository.cpp (kSelect), so both sides read the
// same columns with the same subqueries.
constexpr const char* kSelect = R"(
SELECT p.id, p.kind, p.hetu_key_id, p.hetu_ciphertext, p.hetu_index_key_id, p.hetu_index,
       to_char(p.birth_date, 'YYYY-MM-DD'), p.surname, p.given_names, p.organisation_name,
       p.street_address, p.postal_code, p.post_office, p.country, p.email, p.phones,
       p.card_number, p.home_library, p.mother_tongue, p.gender,
       p.due_date_reminder, p.overdue_notice, p.hold_ready_notice,
       (extract(epoch FROM p.created_at) * 1000000)::bigint, p.created_by,
       (extract(epoch FROM p.modified_at) * 1000000)::bigint, p.modified_by,
       to_char(p.last_card_activity, 'YYYY-MM-DD'),
       (SELECT c.person_id FROM organisation_contacts c WHERE c.organisation_id = p.id),
       ARRAY(SELECT g.ward_id || ':' ||
                    (SELECT to_char(w.birth_date, 'YYYY-MM-DD') FROM patrons w
                     WHERE w.id = g.ward_id) || ':' || g.guardian_id
             FROM guardianships g
             WHERE g.ward_id = p.id OR g.guardian_id = p.id
             ORDER BY g.ward_id, g.guardian_id)
FROM patrons p
)";

// The natural hand-written form of one audit entry (libpatron appends through unnest arrays, one
// statement for any number of entries).
constexpr const char* kAuditInsertSql = R"(
INSERT INTO audit_log (at, actor, role, action, patron_id, purpose)
VALUES ($1, $2, $3, $4, $5, $6)
)";

constexpr const char* kFindByCard = "ref_find_by_card";
constexpr const char* kFindByIndex = "ref_find_by_index";
constexpr const char* kAuditInsert = "ref_audit_insert";

// How libpatron encrypts identity codes (src/crypto/hetu_protector.cpp): AES-256-GCM,
// nonce (12) || ciphertext || tag (16), "patron/hetu/v1" + key id (big-endian) as associated data.
constexpr int kNonceLength = 12;
constexpr int kTagLength = 16;
constexpr std::string_view kAadContext = "patron/hetu/v1";

// A patron record as hand-written code would hold it: the columns as read, the code decrypted.
struct Record {
    std::int64_t id = 0;
    std::string kind;
    std::string hetu;
    std::optional<std::string> birth_date, surname, given_names, organisation_name;
    std::optional<std::string> street, postal_code, post_office, country, email;
    std::vector<std::string> phones;
    std::string card, home_library;
    std::optional<std::string> mother_tongue;
    std::string gender, due_date_reminder, overdue_notice, hold_ready;
    std::int64_t created_at = 0, modified_at = 0;
    std::string created_by, modified_by;
    std::optional<std::string> last_card_activity;
    std::optional<std::int64_t> responsible_person;
    std::vector<std::string> guardianships;
};

std::optional<std::string> text_or_null(const pqxx::field& f) {
    if (f.is_null()) return std::nullopt;
    return std::string(f.c_str());
}

std::vector<std::string> text_array(const pqxx::field& f) {
    std::vector<std::string> items;
    auto parser = f.as_array();
    for (auto [juncture, value] = parser.get_next(); juncture != pqxx::array_parser::done;
         std::tie(juncture, value) = parser.get_next()) {
        if (juncture == pqxx::array_parser::string_value) items.push_back(std::move(value));
    }
    return items;
}

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

class HandWritten {
public:
    HandWritten(const std::string& url, const KeyRing& keys, const Caller& caller)
        : connection_(url),
          encryption_key_(*keys.hetu_encryption().find(keys.hetu_encryption().current)),
          encryption_key_id_(keys.hetu_encryption().current),
          index_key_(*keys.hetu_index().find(keys.hetu_index().current)),
          actor_(caller.actor),
          role_(to_string(caller.role)),
          purpose_(caller.purpose) {
        connection_.prepare(kFindByCard, std::string(kSelect) + "WHERE p.card_number = $1");
        connection_.prepare(kFindByIndex, std::string(kSelect) + "WHERE p.hetu_index = $1");
        connection_.prepare(kAuditInsert, kAuditInsertSql);
    }

    Record find_by_card(const std::string& card) {
        pqxx::work tx(connection_);
        return read_and_audit(tx, tx.exec_prepared(kFindByCard, card));
    }

    Record find_by_hetu(const std::string& hetu) {
        std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
        unsigned int length = 0;
        const auto key = index_key_.bytes();
        if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(hetu),
                 hetu.size(), digest.data(), &length) == nullptr) {
            throw std::runtime_error("HMAC failed");
        }
        pqxx::work tx(connection_);
        return read_and_audit(
            tx, tx.exec_prepared(kFindByIndex, pqxx::binarystring(digest.data(), length)));
    }

private:
    Record read_and_audit(pqxx::work& tx, const pqxx::result& result) {
        if (result.empty()) throw std::runtime_error("reference lookup found nothing");
        Record r = read(result[0]);
        tx.exec_prepared0(kAuditInsert, to_iso(std::chrono::system_clock::now()), actor_, role_,
                          "patron.read", r.id, purpose_);
        tx.commit();
        return r;
    }

    Record read(const pqxx::row& row) const {
        Record r;
        r.id = row[0].as<std::int64_t>();
        r.kind = row[1].c_str();
        if (!row[3].is_null()) {
            r.hetu = decrypt(row[2].as<int>(), pqxx::binarystring(row[3]).str());
        }
        r.birth_date = text_or_null(row[6]);
        r.surname = text_or_null(row[7]);
        r.given_names = text_or_null(row[8]);
        r.organisation_name = text_or_null(row[9]);
        r.street = text_or_null(row[10]);
        r.postal_code = text_or_null(row[11]);
        r.post_office = text_or_null(row[12]);
        r.country = text_or_null(row[13]);
        r.email = text_or_null(row[14]);
        r.phones = text_array(row[15]);
        r.card = row[16].c_str();
        r.home_library = row[17].c_str();
        r.mother_tongue = text_or_null(row[18]);
        r.gender = row[19].c_str();
        r.due_date_reminder = row[20].c_str();
        r.overdue_notice = row[21].c_str();
        r.hold_ready = row[22].c_str();
        r.created_at = row[23].as<std::int64_t>();
        r.created_by = row[24].c_str();
        r.modified_at = row[25].as<std::int64_t>();
        r.modified_by = row[26].c_str();
        r.last_card_activity = text_or_null(row[27]);
        if (!row[28].is_null()) r.responsible_person = row[28].as<std::int64_t>();
        r.guardianships = text_array(row[29]);
        return r;
    }

    std::string decrypt(int key_id, const std::string& in) const {
        if (key_id != encryption_key_id_ || in.size() <= kNonceLength + kTagLength) {
            throw std::runtime_error("reference cannot decrypt this identity code");
        }
        std::string aad(kAadContext);
        aad.push_back(static_cast<char>(key_id >> 8));
        aad.push_back(static_cast<char>(key_id & 0xff));
        const std::size_t plain_size = in.size() - kNonceLength - kTagLength;
        const unsigned char* nonce = bytes_of(in);
        const unsigned char* cipher = nonce + kNonceLength;
        std::array<unsigned char, kTagLength> tag{};
        std::copy_n(cipher + plain_size, kTagLength, tag.begin());
        std::string plain(plain_size, '\0');
        auto* out = reinterpret_cast<unsigned char*>(plain.data());
        std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                            EVP_CIPHER_CTX_free);
        int length = 0;
        const bool ok =
            ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                               encryption_key_.bytes().data(), nonce) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(aad),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), out, &length, cipher, static_cast<int>(plain_size)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLength, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + length, &length) == 1;
        if (!ok) throw std::runtime_error("reference decryption failed");
        return plain;
    }

    pqxx::connection connection_;
    const SecretBytes& encryption_key_;
    int encryption_key_id_;
    const SecretBytes& index_key_;
    std::string actor_, role_, purpose_;
};

// ---- The two sides, cycling through the patrons in one shuffled order ---------------------------

struct Workload {
    Register& reg;
    HandWritten& reference;
    const Caller& caller;
    std::vector<bench::BenchPatron> patrons;  // shuffled
    // Each side walks the list on from where its previous repetition stopped.
    std::size_t next_library = 0;
    std::size_t next_reference = 0;

    const bench::BenchPatron& take(std::size_t& next) {
        const auto& p = patrons[next];
        next = (next + 1) % patrons.size();
        return p;
    }
};

template <typename Lookup>
void run_lookups(benchmark::State& state, Lookup&& lookup) {
    for (auto _ : state) {
        if (!lookup()) {
            state.SkipWithError("lookup found nothing");
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Both sides must find the same records, or the comparison means nothing. Messages name no data.
void check_same_results(Workload& w) {
    for (std::size_t i = 0; i < std::min<std::size_t>(w.patrons.size(), 50); ++i) {
        const auto& p = w.patrons[i];
        const auto by_card = w.reg.find_by_card(w.caller, p.card);
        const auto by_hetu = w.reg.find_by_hetu(w.caller, p.hetu);
        const Record ref_card = w.reference.find_by_card(p.card);
        const Record ref_hetu = w.reference.find_by_hetu(p.hetu);
        const bool same = by_card && by_hetu && by_card->id == p.id && by_hetu->id == p.id &&
                          ref_card.id == p.id.value && ref_hetu.id == p.id.value && by_card->hetu &&
                          by_card->hetu->text() == ref_card.hetu && ref_hetu.hetu == p.hetu &&
                          by_card->card.value() == ref_card.card &&
                          by_card->surname == ref_card.surname && by_card->email &&
                          ref_card.email && by_card->email->value() == *ref_card.email &&
                          by_card->phones.size() == ref_card.phones.size();
        if (!same) {
            throw std::runtime_error("libpatron and the reference disagree on a lookup");
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (!bench::initialize(argc, argv)) return 2;
    return bench::guarded([] {
        bench::BenchDatabase db("register");
        Register reg(db.context());
        const Caller caller{"bench-desk-1", Role::circulation, "benchmark", std::nullopt};
        std::cerr << "registering " << kPatrons << " patrons through patron::Register\n";
        auto patrons = bench::register_patrons(reg, caller, kPatrons, db.clock().today());
        db.analyze();
        std::shuffle(patrons.begin(), patrons.end(), std::mt19937{20261124});
        HandWritten reference(db.url(), db.keys(), caller);
        Workload w{reg, reference, caller, std::move(patrons)};
        check_same_results(w);
        const auto add = [](const char* name, auto&& body) {
            benchmark::RegisterBenchmark(name, body)->UseRealTime()->Unit(benchmark::kMicrosecond);
        };
        add("register/find_by_card/libpatron", [&w](benchmark::State& s) {
            run_lookups(s, [&w] {
                const auto found = w.reg.find_by_card(w.caller, w.take(w.next_library).card);
                benchmark::DoNotOptimize(found);
                return found.has_value();
            });
        });
        add("register/find_by_card/libpqxx", [&w](benchmark::State& s) {
            run_lookups(s, [&w] {
                const Record found = w.reference.find_by_card(w.take(w.next_reference).card);
                benchmark::DoNotOptimize(found);
                return found.id != 0;
            });
        });
        add("register/find_by_hetu/libpatron", [&w](benchmark::State& s) {
            run_lookups(s, [&w] {
                const auto found = w.reg.find_by_hetu(w.caller, w.take(w.next_library).hetu);
                benchmark::DoNotOptimize(found);
                return found.has_value();
            });
        });
        add("register/find_by_hetu/libpqxx", [&w](benchmark::State& s) {
            run_lookups(s, [&w] {
                const Record found = w.reference.find_by_hetu(w.take(w.next_reference).hetu);
                benchmark::DoNotOptimize(found);
                return found.id != 0;
            });
        });

        return bench::run_comparisons({
            {.name = "register/find_by_card",
             .figure = "register/find_by_card/libpatron",
             .reference = "register/find_by_card/libpqxx",
             .target = 0.8},
            {.name = "register/find_by_hetu",
             .figure = "register/find_by_hetu/libpatron",
             .reference = "register/find_by_hetu/libpqxx",
             .target = 0.8},
        });
    });
}
