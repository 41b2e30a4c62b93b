// Kiosk verification: card + PIN through patron::KioskVerifier (permission check, one read of the
// card's borrower state, Argon2id with the pepper, lockout bookkeeping, card activity, audit
// entry, commit), compared in the same run with a raw libargon2 loop doing only the Argon2id work
// at the same parameters: the service may add at most 5 % (DESIGN.md §4, issue 3). And the
// timing side channel: an unknown card must cost what a known one costs, so the median latency
// of an unknown card is compared with a known card's (correct PIN and wrong PIN), ±5 %.

#include <argon2.h>
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/pin/pin_service.hpp"
#include "patron/register/register.hpp"
#include "support/bench_database.hpp"
#include "support/comparison.hpp"
#include "support/patrons.hpp"

namespace {

using namespace patron;

constexpr std::size_t kPatrons = 300;
constexpr std::size_t kSaltLength = 16;
constexpr std::size_t kTagLength = 32;

// The default Argon2Params (m=19456 KiB, t=2, p=1), stated here so the figures say what they
// measure. Lockout: a wrong-PIN benchmark sends thousands of wrong PINs to a few hundred cards,
// and a locked card is answered without Argon2, which would make the wrong-PIN side cheap. So the
// lockout threshold is set out of reach here (rather than resetting PINs between batches, which
// would put PinService::set_pin's Argon2 into the timed loop or need pauses that distort it).
PinSettings bench_pin_settings() {
    PinSettings settings;
    settings.lockout.max_failed_attempts = 1'000'000;
    return settings;
}

// The kiosk's own failure throttle is likewise out of reach: unknown cards and wrong PINs count
// as kiosk failures, and a throttled kiosk is answered without Argon2.
KioskSettings bench_kiosk_settings() {
    KioskSettings settings;
    settings.failure_limit = std::numeric_limits<int>::max();
    return settings;
}

// ---- The reference: libargon2's argon2_ctx, as hand-written code would call it
// -------------------

// Strict unpadded standard base64, as in PHC strings.
std::string base64_unpadded_decode(std::string_view text) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        if (c >= '0' && c <= '9') v = c - '0' + 52;
        if (c == '+') v = 62;
        if (c == '/') v = 63;
        if (v < 0) throw std::runtime_error("bad base64 in a stored PIN hash");
        acc = ((acc << 6) | static_cast<std::uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

// One PIN as the reference holds it: the salt and tag libpatron stored (read from storage), so
// the reference recomputes exactly the hashes libpatron verifies.
struct RawPin {
    std::array<std::uint8_t, kSaltLength> salt{};
    std::array<std::uint8_t, kTagLength> tag{};
};

class RawArgon2 {
public:
    RawArgon2(const KeyRing& keys, const Argon2Params& params) : params_(params) {
        const SecretBytes* pepper = keys.pin_pepper().find(keys.pin_pepper().current);
        if (pepper == nullptr || pepper->size() != pepper_.size()) {
            throw std::runtime_error("the benchmark keys have no 32-byte PIN pepper");
        }
        std::copy_n(pepper->bytes().begin(), pepper_.size(), pepper_.begin());
    }
    ~RawArgon2() { OPENSSL_cleanse(pepper_.data(), pepper_.size()); }
    RawArgon2(const RawArgon2&) = delete;
    RawArgon2& operator=(const RawArgon2&) = delete;

    // Reads what libpatron stored for `card`: `$argon2id$v=19$m=..,t=..,p=..$<salt>$<tag>`.
    void load(pqxx::work& tx, const std::string& card) {
        const pqxx::row r = tx.exec_params1(
            "SELECT pin.pin_hash, pin.pepper_id FROM patrons p "
            "JOIN patron_pins pin ON pin.patron_id = p.id WHERE p.card_number = $1",
            card);
        const std::string phc = r[0].as<std::string>();
        const std::string expected_params =
            fmt::format("$argon2id$v=19$m={},t={},p={}$", params_.memory_kib, params_.iterations,
                        params_.parallelism);
        if (!phc.starts_with(expected_params)) {
            throw std::runtime_error("libpatron stored a PIN hash with other parameters");
        }
        const std::string_view rest = std::string_view(phc).substr(expected_params.size());
        const auto dollar = rest.find('$');
        const std::string salt = base64_unpadded_decode(rest.substr(0, dollar));
        const std::string tag = base64_unpadded_decode(rest.substr(dollar + 1));
        if (salt.size() != kSaltLength || tag.size() != kTagLength) {
            throw std::runtime_error("libpatron stored a PIN hash of another shape");
        }
        RawPin raw;
        std::copy(salt.begin(), salt.end(), raw.salt.begin());
        std::copy(tag.begin(), tag.end(), raw.tag.begin());
        pins_.emplace(card, raw);
    }

    // Argon2id of `pin` with the card's salt and the pepper as secret, compared with the stored
    // tag: what a verification costs without any service around it.
    bool verify(const std::string& card, const std::string& pin) const {
        const RawPin& stored = pins_.at(card);
        std::array<std::uint8_t, kTagLength> tag{};
        std::array<std::uint8_t, kSaltLength> salt = stored.salt;
        std::array<std::uint8_t, kKeyLength> secret = pepper_;
        std::string password = pin;
        argon2_context ctx{};
        ctx.out = tag.data();
        ctx.outlen = static_cast<std::uint32_t>(tag.size());
        ctx.pwd = reinterpret_cast<std::uint8_t*>(password.data());
        ctx.pwdlen = static_cast<std::uint32_t>(password.size());
        ctx.salt = salt.data();
        ctx.saltlen = static_cast<std::uint32_t>(salt.size());
        ctx.secret = secret.data();
        ctx.secretlen = static_cast<std::uint32_t>(secret.size());
        ctx.t_cost = params_.iterations;
        ctx.m_cost = params_.memory_kib;
        ctx.lanes = params_.parallelism;
        ctx.threads = params_.parallelism;
        ctx.version = ARGON2_VERSION_13;
        ctx.flags = ARGON2_DEFAULT_FLAGS;
        if (argon2_ctx(&ctx, Argon2_id) != ARGON2_OK) throw std::runtime_error("argon2_ctx failed");
        const bool equal = CRYPTO_memcmp(tag.data(), stored.tag.data(), tag.size()) == 0;
        OPENSSL_cleanse(secret.data(), secret.size());
        return equal;
    }

private:
    Argon2Params params_;
    std::array<std::uint8_t, kKeyLength> pepper_{};
    std::map<std::string, RawPin> pins_;
};

// ---- The workload
// ---------------------------------------------------------------------------------

// A card, its PIN and another PIN of the same length.
struct CardPins {
    std::string card;
    std::string pin;
    std::string wrong_pin;
};

std::vector<CardPins> set_pins_and_wrong_ones(PinService& pins, const Caller& staff,
                                              const std::vector<bench::BenchPatron>& patrons) {
    std::vector<CardPins> out;
    for (auto& c : bench::set_pins(pins, staff, patrons)) {
        std::string wrong = c.pin;
        wrong[0] = static_cast<char>('0' + (wrong[0] - '0' + 5) % 10);
        out.push_back(CardPins{std::move(c.card), std::move(c.pin), std::move(wrong)});
    }
    return out;
}

struct Workload {
    KioskVerifier& verifier;
    RawArgon2& reference;
    Caller kiosk;
    std::vector<CardPins> cards;  // shuffled
    // Each benchmark walks the cards on from where its previous run stopped; atomic because the
    // two-thread benchmarks take from both threads.
    std::atomic<std::size_t> next_verify{0};
    std::atomic<std::size_t> next_latency{0};

    const CardPins& take(std::atomic<std::size_t>& next) {
        return cards[next.fetch_add(1, std::memory_order_relaxed) % cards.size()];
    }
};

// A card number no patron has, valid in form.
std::string unknown_card(std::size_t i) { return fmt::format("U{:07}", i % 10'000'000); }

bool outcome_is(const Result<KioskAnswer>& answer, VerifyOutcome outcome);
double median(std::vector<double>& values);

// Throughput of both sides measured call by call, interleaved: each iteration verifies one card
// through KioskVerifier and one through the raw libargon2 loop, in an order that alternates, so
// that whatever else the machine does (the PostgreSQL server waking, another tenant) falls on
// both alike. Separate benchmarks seconds apart drift by more than the 5 % asked on a shared
// machine. Counters: calls per second from each side's median call time; Google Benchmark sums
// them over threads, so with two threads they are the pair's combined rate.
void verify_interleaved(benchmark::State& state, Workload& w) {
    std::vector<double> patron_ms, raw_ms;
    std::size_t round = 0;
    for (auto _ : state) {
        const CardPins& c = w.take(w.next_verify);
        for (int k = 0; k < 2; ++k) {
            const bool patron_side = (round + static_cast<std::size_t>(k)) % 2 == 0;
            const auto start = std::chrono::steady_clock::now();
            const bool ok = patron_side ? outcome_is(w.verifier.verify(w.kiosk, c.card, c.pin),
                                                     VerifyOutcome::verified)
                                        : w.reference.verify(c.card, c.pin);
            const auto stop = std::chrono::steady_clock::now();
            if (!ok) {
                state.SkipWithError("a correct PIN was not verified");
                return;
            }
            (patron_side ? patron_ms : raw_ms)
                .push_back(std::chrono::duration<double, std::milli>(stop - start).count());
        }
        ++round;
    }
    if (round == 0) return;
    state.counters["libpatron_per_second"] = 1000.0 / median(patron_ms);
    state.counters["libargon2_per_second"] = 1000.0 / median(raw_ms);
    state.SetItemsProcessed(static_cast<std::int64_t>(2 * round));
}

bool outcome_is(const Result<KioskAnswer>& answer, VerifyOutcome outcome) {
    return answer && answer->outcome == outcome;
}

double median(std::vector<double>& values) {
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// The timing side channel, measured call by call: each iteration verifies an unknown card, a
// known card with its PIN and a known card with a wrong PIN, in an order that rotates from one
// iteration to the next, so that whatever else the machine does hits the three alike (on a
// shared machine, runs of separate benchmarks seconds apart differ by more than the 5 % asked).
// The counters are the medians of this run's calls, in milliseconds. Single-threaded.
void latency(benchmark::State& state, Workload& w) {
    enum Kind { unknown, known, wrong };
    std::array<std::vector<double>, 3> ms;
    std::size_t round = 0;
    for (auto _ : state) {
        const CardPins& c = w.take(w.next_latency);
        for (std::size_t k = 0; k < 3; ++k) {
            const auto kind = static_cast<Kind>((round + k) % 3);
            const auto start = std::chrono::steady_clock::now();
            const auto answer = kind == unknown
                                    ? w.verifier.verify(w.kiosk, unknown_card(round), c.pin)
                                : kind == known ? w.verifier.verify(w.kiosk, c.card, c.pin)
                                                : w.verifier.verify(w.kiosk, c.card, c.wrong_pin);
            const auto stop = std::chrono::steady_clock::now();
            const VerifyOutcome expected = kind == unknown ? VerifyOutcome::unknown_card
                                           : kind == known ? VerifyOutcome::verified
                                                           : VerifyOutcome::wrong_pin;
            if (!outcome_is(answer, expected)) {
                state.SkipWithError("a verification gave an unexpected outcome");
                return;
            }
            ms[kind].push_back(std::chrono::duration<double, std::milli>(stop - start).count());
        }
        ++round;
    }
    if (round == 0) return;
    state.counters["unknown_card_ms"] = median(ms[unknown]);
    state.counters["known_card_ms"] = median(ms[known]);
    state.counters["known_card_wrong_pin_ms"] = median(ms[wrong]);
    state.SetItemsProcessed(static_cast<std::int64_t>(3 * round));
}

// Both sides must agree, or the comparison means nothing: the reference recomputes libpatron's
// stored hashes exactly, and each latency benchmark's verification ends as it should. Messages
// name no card or PIN.
void check_agreement(Workload& w) {
    for (std::size_t i = 0; i < std::min<std::size_t>(w.cards.size(), 10); ++i) {
        const CardPins& c = w.cards[i];
        const bool agree =
            w.reference.verify(c.card, c.pin) && !w.reference.verify(c.card, c.wrong_pin) &&
            outcome_is(w.verifier.verify(w.kiosk, c.card, c.pin), VerifyOutcome::verified) &&
            outcome_is(w.verifier.verify(w.kiosk, c.card, c.wrong_pin), VerifyOutcome::wrong_pin) &&
            outcome_is(w.verifier.verify(w.kiosk, unknown_card(i), c.pin),
                       VerifyOutcome::unknown_card);
        if (!agree) throw std::runtime_error("libpatron and the reference disagree on a PIN");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (!bench::initialize(argc, argv)) return 2;
    return bench::guarded([] {
        bench::BenchDatabase db("kiosk");
        const PinSettings pin_settings = bench_pin_settings();
        Register reg(db.context());
        PinService pins(db.context(), pin_settings);
        KioskVerifier verifier(db.context(), pin_settings, bench_kiosk_settings(), {});
        const Caller staff{"bench-desk-1", Role::circulation, "benchmark", std::nullopt};
        std::cerr << "registering " << kPatrons << " patrons and setting their PINs\n";
        const auto patrons = bench::register_patrons(reg, staff, kPatrons, db.clock().today());
        auto cards = set_pins_and_wrong_ones(pins, staff, patrons);
        db.analyze();
        std::shuffle(cards.begin(), cards.end(), std::mt19937{20261124});

        RawArgon2 reference(db.keys(), pin_settings.hashing);
        {
            pqxx::connection connection(db.url());
            pqxx::work tx(connection);
            for (const auto& c : cards) reference.load(tx, c.card);
        }
        Workload w{verifier, reference,
                   Caller{"bench-kiosk-1", Role::kiosk, "benchmark", std::nullopt},
                   std::move(cards)};
        check_agreement(w);

        // One verification takes tens of milliseconds: 0.3 s (benchmarks/run's default) would be
        // a handful of calls per repetition, too few for a 5 % target on a shared machine, so
        // each repetition runs for seconds here (--benchmark_min_time does not change it).
        const auto add = [](const char* name, double seconds, auto&& body) {
            return benchmark::RegisterBenchmark(name, body)
                ->UseRealTime()
                ->MinTime(seconds)
                ->Unit(benchmark::kMillisecond);
        };
        add("kiosk/verify_1thread", 3.0, [&w](benchmark::State& s) { verify_interleaved(s, w); });
        // Two threads, each interleaving both sides; the cores are shared with the PostgreSQL
        // server.
        add("kiosk/verify_2threads", 3.0, [&w](benchmark::State& s) {
            verify_interleaved(s, w);
        })->Threads(2);

        add("kiosk/latency", 3.0, [&w](benchmark::State& s) { latency(s, w); });

        return bench::run_comparisons({
            {.name = "kiosk/verify_1thread",
             .figure = "kiosk/verify_1thread",
             .reference = "kiosk/verify_1thread",
             .target = 0.95,
             .counter = "libpatron_per_second",
             .reference_counter = "libargon2_per_second"},
            {.name = "kiosk/verify_2threads",
             .figure = "kiosk/verify_2threads",
             .reference = "kiosk/verify_2threads",
             .target = 0.95,
             .counter = "libpatron_per_second",
             .reference_counter = "libargon2_per_second"},
            {.name = "kiosk/unknown_vs_known_latency",
             .figure = "kiosk/latency",
             .reference = "kiosk/latency",
             .target = 0.05,
             .counter = "unknown_card_ms",
             .reference_counter = "known_card_ms",
             .check = bench::Check::within,
             .unit = "ms"},
            {.name = "kiosk/unknown_vs_wrong_pin_latency",
             .figure = "kiosk/latency",
             .reference = "kiosk/latency",
             .target = 0.05,
             .counter = "unknown_card_ms",
             .reference_counter = "known_card_wrong_pin_ms",
             .check = bench::Check::within,
             .unit = "ms"},
        });
    });
}
