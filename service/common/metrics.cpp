#include "common/metrics.hpp"

#include <fmt/format.h>

namespace patron::service {
namespace {

constexpr std::size_t index(Transport transport) { return static_cast<std::size_t>(transport); }

// Appends one line of the exposition.
void line(std::string& out, std::string_view text) {
    out += text;
    out += '\n';
}

std::string_view name(Transport transport) {
    return transport == Transport::http ? "http" : "sip2";
}

}  // namespace

void Metrics::record_request(std::string_view method, std::string_view route, unsigned status,
                             std::chrono::steady_clock::duration latency) {
    const double seconds = std::chrono::duration<double>(latency).count();
    std::lock_guard lock(mutex_);
    ++requests_[{std::string(method), std::string(route), status}];
    Histogram& h = latency_[std::string(route)];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++h.buckets[i];
            break;
        }
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::record_verification(Transport transport, const KioskAnswer& answer) {
    {
        std::lock_guard lock(mutex_);
        ++verifications_[{transport, answer.outcome}];
    }
    // The wrong PIN that locks the card is the one answered with a lock time.
    if (answer.outcome == VerifyOutcome::wrong_pin && answer.locked_until) {
        ++lockouts_[index(transport)];
    }
}

void Metrics::record_sip2_message(std::string_view code) {
    std::lock_guard lock(mutex_);
    ++sip2_messages_[std::string(code)];
}

void Metrics::connection_opened(Transport transport) { ++open_[index(transport)]; }
void Metrics::connection_closed(Transport transport) { --open_[index(transport)]; }
void Metrics::connection_refused(Transport transport) { ++refused_[index(transport)]; }

std::string Metrics::render(const store::PoolUse& pool) const {
    std::string out;
    std::lock_guard lock(mutex_);

    line(out,
         "# HELP patrond_http_requests_total HTTP requests answered, by route pattern and status.");
    line(out, "# TYPE patrond_http_requests_total counter");
    for (const auto& [key, count] : requests_) {
        const auto& [method, route, status] = key;
        line(out, fmt::format(
                      "patrond_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}",
                      method, route, status, count));
    }

    line(out, "# HELP patrond_http_request_duration_seconds Time to answer an HTTP request.");
    line(out, "# TYPE patrond_http_request_duration_seconds histogram");
    for (const auto& [route, h] : latency_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += h.buckets[i];
            line(out,
                 fmt::format(
                     "patrond_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}",
                     route, kBuckets[i], cumulative));
        }
        line(out, fmt::format(
                      "patrond_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}",
                      route, h.count));
        line(out, fmt::format("patrond_http_request_duration_seconds_sum{{route=\"{}\"}} {}", route,
                              h.sum));
        line(out, fmt::format("patrond_http_request_duration_seconds_count{{route=\"{}\"}} {}",
                              route, h.count));
    }

    line(out,
         "# HELP patrond_kiosk_verifications_total Kiosk verifications, by transport and outcome.");
    line(out, "# TYPE patrond_kiosk_verifications_total counter");
    for (const auto& [key, count] : verifications_) {
        const auto& [transport, outcome] = key;
        line(out,
             fmt::format("patrond_kiosk_verifications_total{{transport=\"{}\",outcome=\"{}\"}} {}",
                         name(transport), to_string(outcome), count));
    }

    line(out, "# HELP patrond_card_lockouts_total Cards locked after too many wrong PINs.");
    line(out, "# TYPE patrond_card_lockouts_total counter");
    for (const Transport t : {Transport::http, Transport::sip2}) {
        line(out, fmt::format("patrond_card_lockouts_total{{transport=\"{}\"}} {}", name(t),
                              lockouts_[index(t)].load()));
    }

    line(out, "# HELP patrond_sip2_messages_total SIP2 messages answered, by request code.");
    line(out, "# TYPE patrond_sip2_messages_total counter");
    for (const auto& [code, count] : sip2_messages_) {
        line(out, fmt::format("patrond_sip2_messages_total{{code=\"{}\"}} {}", code, count));
    }

    line(out, "# HELP patrond_connections_open Connections open now, by endpoint.");
    line(out, "# TYPE patrond_connections_open gauge");
    for (const Transport t : {Transport::http, Transport::sip2}) {
        line(out, fmt::format("patrond_connections_open{{endpoint=\"{}\"}} {}", name(t),
                              open_[index(t)].load()));
    }
    line(out,
         "# HELP patrond_connections_refused_total Connections closed at the connection limit.");
    line(out, "# TYPE patrond_connections_refused_total counter");
    for (const Transport t : {Transport::http, Transport::sip2}) {
        line(out, fmt::format("patrond_connections_refused_total{{endpoint=\"{}\"}} {}", name(t),
                              refused_[index(t)].load()));
    }

    line(out, "# HELP patrond_db_pool_connections Database connections, by state.");
    line(out, "# TYPE patrond_db_pool_connections gauge");
    line(out, fmt::format("patrond_db_pool_connections{{state=\"max\"}} {}", pool.size));
    line(out, fmt::format("patrond_db_pool_connections{{state=\"open\"}} {}", pool.open));
    line(out, fmt::format("patrond_db_pool_connections{{state=\"in_use\"}} {}", pool.in_use));
    line(out, "# HELP patrond_db_pool_waiting Units of work waiting for a database connection.");
    line(out, "# TYPE patrond_db_pool_waiting gauge");
    line(out, fmt::format("patrond_db_pool_waiting {}", pool.waiting));
    return out;
}

}  // namespace patron::service
