#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "patron/domain/date.hpp"
#include "patron/retention/retention.hpp"
#include "patronctl/commands.hpp"
#include "patronctl/render.hpp"

namespace patron::cli {
namespace {

// Set by SIGINT/SIGTERM: the run stops between batches, so what is done stays done and the next
// run continues from there.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void request_stop(int) { g_stop.store(true); }

void catch_stop_signals() {
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

std::string_view status_name(RetentionReport::Status status) {
    switch (status) {
        case RetentionReport::Status::planned:
            return "planned";
        case RetentionReport::Status::finished:
            return "finished";
        case RetentionReport::Status::interrupted:
            return "interrupted";
    }
    return "";
}

nlohmann::json to_json(const RetentionReport& report, const RetentionPolicy& policy) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& r : report.rules) {
        nlohmann::json rule{{"rule", info(r.rule.record).name},
                            {"action", to_string(r.rule.action)},
                            {"period", to_string(r.rule.period)},
                            {"records", r.records}};
        if (report.status == RetentionReport::Status::planned) {
            rule["patrons"] = r.patrons;
            rule["examples"] = r.examples;
            nlohmann::json held = nlohmann::json::object();
            for (const auto& h : r.held) held[std::string(info(h.hold).name)] = h.records;
            rule["held"] = held;
        } else {
            rule["batches"] = r.batches;
            rule["longest_batch_ms"] = r.longest_batch.count();
            rule["elapsed_ms"] = r.elapsed.count();
        }
        rules.push_back(std::move(rule));
    }
    return nlohmann::json{
        {"status", status_name(report.status)},
        {"run_id", report.run_id ? nlohmann::json(*report.run_id) : nlohmann::json(nullptr)},
        {"policy_sha256", hex(policy.digest)},
        {"started_at", to_iso(report.started_at)},
        {"finished_at", to_iso(report.finished_at)},
        {"rules", rules}};
}

std::string joined(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (const auto id : ids) out += fmt::format("{}{}", out.empty() ? "" : ",", id);
    return out.empty() ? "-" : out;
}

void print_plan(const RetentionReport& report) {
    std::cout << fmt::format("{:<22} {:<7} {:<10} {:>9} {:>8}  {:<24} {}\n", "rule", "action",
                             "period", "due", "patrons", "examples", "kept by legal holds");
    for (const auto& r : report.rules) {
        std::string held;
        for (const auto& h : r.held) {
            if (h.records > 0) {
                held +=
                    fmt::format("{}{} {}", held.empty() ? "" : ", ", info(h.hold).name, h.records);
            }
        }
        std::cout << fmt::format("{:<22} {:<7} {:<10} {:>9} {:>8}  {:<24} {}\n",
                                 info(r.rule.record).name, to_string(r.rule.action),
                                 to_string(r.rule.period), r.records, r.patrons, joined(r.examples),
                                 held.empty() ? "-" : held);
    }
    std::cout << "a dry run: nothing was changed\n";
}

void print_run(const RetentionReport& report) {
    std::cout << fmt::format("{:<22} {:<7} {:>9} {:>8} {:>14}\n", "rule", "action", "records",
                             "batches", "longest batch");
    for (const auto& r : report.rules) {
        std::cout << fmt::format("{:<22} {:<7} {:>9} {:>8} {:>11} ms\n", info(r.rule.record).name,
                                 to_string(r.rule.action), r.records, r.batches,
                                 r.longest_batch.count());
    }
    const auto seconds =
        std::chrono::duration<double>(report.finished_at - report.started_at).count();
    std::cout << fmt::format("retention run {} {} in {:.1f} s\n", *report.run_id,
                             status_name(report.status), seconds);
    if (report.status == RetentionReport::Status::interrupted) {
        std::cout << "stopped on request: run again to purge the rest\n";
    }
}

// One line per rule on the terminal (stderr), redrawn after each batch.
class ProgressBar {
public:
    void operator()(const RetentionProgress& p) {
        constexpr int kWidth = 30;
        if (drawn_ && p.rule_index != rule_) std::cerr << "\n";
        rule_ = p.rule_index;
        drawn_ = true;
        const double share =
            p.expected > 0
                ? std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.expected))
                : 1.0;
        const auto filled = static_cast<std::size_t>(share * kWidth);
        std::cerr << fmt::format("\r{:<22} [{}{}] {}/{}  ", info(p.record).name,
                                 std::string(filled, '#'), std::string(kWidth - filled, ' '),
                                 p.done, p.expected)
                  << std::flush;
    }
    ~ProgressBar() {
        if (drawn_) std::cerr << "\n";
    }

private:
    std::size_t rule_ = 0;
    bool drawn_ = false;
};

}  // namespace

int retention_plan(Session& session, const std::string& policy_file) {
    RetentionPolicy policy = load_retention_policy(policy_file);
    Retention retention(session.context(), policy);
    const auto report = retention.plan(session.caller());
    if (!report) return refused(report.error());
    if (session.options().json) {
        std::cout << to_json(*report, policy).dump(2) << "\n";
    } else {
        print_plan(*report);
    }
    return kOk;
}

int retention_run(Session& session, const std::string& policy_file) {
    RetentionPolicy policy = load_retention_policy(policy_file);
    Retention retention(session.context(), policy);
    catch_stop_signals();
    RetentionControl control;
    control.stop_requested = [] { return g_stop.load(); };
    auto bar = std::make_shared<ProgressBar>();
    if (!session.options().json && ::isatty(STDERR_FILENO) == 1) {
        control.on_progress = [bar](const RetentionProgress& p) { (*bar)(p); };
    }
    const auto report = retention.run(session.caller(), control);
    bar.reset();
    if (!report) return refused(report.error());
    if (session.options().json) {
        std::cout << to_json(*report, policy).dump(2) << "\n";
    } else {
        print_run(*report);
    }
    return report->status == RetentionReport::Status::finished ? kOk : kInterrupted;
}

}  // namespace patron::cli
