#pragma once
// patrond's counters, rendered in the Prometheus text format at /metrics. Labels are route
// patterns, methods, statuses and outcomes only: never a path with an id, a card or a name.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/store/database.hpp"

namespace patron::service {

/// Where a kiosk verification arrived.
enum class Transport { http, sip2 };

/// Thread-safe counters of one process.
class Metrics {
public:
    /// One HTTP request answered: `route` is the matched pattern ("/v1/patrons/{id}") or
    /// "unmatched".
    void record_request(std::string_view method, std::string_view route, unsigned status,
                        std::chrono::steady_clock::duration latency);
    /// One kiosk verification answered; `answer` tells its outcome and whether it locked the card.
    void record_verification(Transport transport, const KioskAnswer& answer);
    /// One SIP2 message answered, by its command code ("63") or "invalid".
    void record_sip2_message(std::string_view code);
    /// Open connections, by endpoint.
    void connection_opened(Transport transport);
    void connection_closed(Transport transport);
    /// A connection refused because the endpoint was at its connection limit.
    void connection_refused(Transport transport);

    /// The Prometheus text exposition of everything recorded, with the pool's use.
    [[nodiscard]] std::string render(const store::PoolUse& pool) const;

private:
    static constexpr std::array<double, 12> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};  // cumulative on render
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;  // by route
    std::map<std::tuple<Transport, VerifyOutcome>, std::uint64_t> verifications_;
    std::map<std::string, std::uint64_t> sip2_messages_;
    std::array<std::atomic<std::uint64_t>, 2> lockouts_{};
    std::array<std::atomic<std::int64_t>, 2> open_{};
    std::array<std::atomic<std::uint64_t>, 2> refused_{};
};

}  // namespace patron::service
