#include "support/comparison.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

namespace patron::bench {
namespace {

// What the runs of one benchmark gave: the median of its repetitions (or the one run when there
// were no repetitions), per counter, or the error that stopped it.
struct Measured {
    std::map<std::string, double> median;
    std::map<std::string, double> single;
    std::optional<std::string> error;
};

// Hands every report to the display reporter (which honours --benchmark_format) and keeps what
// the comparisons need.
class CollectingReporter final : public benchmark::BenchmarkReporter {
public:
    explicit CollectingReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

    bool ReportContext(const Context& context) override { return display_->ReportContext(context); }

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            Measured& m = measured_[run.run_name.function_name];
            if (run.error_occurred) {
                m.error = run.error_message;
                continue;
            }
            for (const auto& [name, counter] : run.counters) {
                if (run.run_type == Run::RT_Aggregate) {
                    if (run.aggregate_name == "median") m.median[name] = counter.value;
                } else {
                    m.single[name] = counter.value;
                }
            }
        }
        display_->ReportRuns(runs);
    }

    void Finalize() override { display_->Finalize(); }

    [[nodiscard]] const Measured* find(const std::string& name) const {
        const auto it = measured_.find(name);
        return it == measured_.end() ? nullptr : &it->second;
    }

private:
    std::unique_ptr<benchmark::BenchmarkReporter> display_;
    std::map<std::string, Measured> measured_;
};

struct Side {
    std::optional<double> value;
    std::string problem;  // why there is no value
};

Side side_value(const CollectingReporter& reporter, const std::string& benchmark,
                const std::string& counter, bool filtered) {
    const Measured* m = reporter.find(benchmark);
    if (m == nullptr) {
        return {std::nullopt, filtered ? "skipped" : "no benchmark named " + benchmark};
    }
    if (m->error) return {std::nullopt, benchmark + " failed: " + *m->error};
    if (auto it = m->median.find(counter); it != m->median.end()) return {it->second, ""};
    if (auto it = m->single.find(counter); it != m->single.end()) return {it->second, ""};
    return {std::nullopt, benchmark + " reports no " + counter};
}

std::string value_text(double value, const std::string& unit) {
    if (unit == "/s") return fmt::format("{:.0f}/s", value);
    return fmt::format("{:.2f} {}", value, unit);
}

std::string target_text(const Comparison& c) {
    return fmt::format("{}{:.2f}", c.check == Check::within ? "±" : "", c.target);
}

}  // namespace

bool initialize(int argc, char** argv) {
    // Google Benchmark keeps argv[0] for its reports: the strings live as long as the program.
    static std::vector<std::string> args;
    static std::vector<char*> pointers;
    // Many short repetitions in random order: a burst of other work on the machine then hits
    // a few repetitions of each side alike, and the median passes over it.
    args = {argv[0], "--benchmark_repetitions=15", "--benchmark_min_time=0.3",
            "--benchmark_enable_random_interleaving=true",
            "--benchmark_display_aggregates_only=true"};
    args.insert(args.end(), argv + 1, argv + argc);
    for (auto& arg : args) pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    int count = static_cast<int>(args.size());
    benchmark::Initialize(&count, pointers.data());
    return !benchmark::ReportUnrecognizedArguments(count, pointers.data());
}

int run_comparisons(const std::vector<Comparison>& comparisons) {
    auto* display = benchmark::CreateDefaultDisplayReporter();
    // stdout carries only the comparison lines, for benchmarks/run and scripts.
    display->SetOutputStream(&std::cerr);
    display->SetErrorStream(&std::cerr);
    CollectingReporter reporter(display);
    reporter.SetOutputStream(&std::cerr);
    reporter.SetErrorStream(&std::cerr);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    const std::string filter = benchmark::GetBenchmarkFilter();
    const bool filtered = !(filter.empty() || filter == "." || filter == ".*" || filter == "all");
    std::size_t width = 0;
    for (const auto& c : comparisons) width = std::max(width, c.name.size());

    int status = 0;
    for (const auto& c : comparisons) {
        const Side figure = side_value(reporter, c.figure, c.counter, filtered);
        const Side reference =
            side_value(reporter, c.reference,
                       c.reference_counter.empty() ? c.counter : c.reference_counter, filtered);
        if (!figure.value || !reference.value) {
            const std::string& problem = figure.value ? reference.problem : figure.problem;
            std::cout << fmt::format("{:<{}}  {:>10}  {:>10}  {:>5}  target {}  {}\n", c.name,
                                     width, "-", "-", "-", target_text(c), problem);
            if (problem != "skipped") {
                const bool unknown = problem.starts_with("no benchmark named");
                status = std::max(status, unknown ? 2 : 1);
            }
            continue;
        }
        const double ratio = *reference.value > 0 ? *figure.value / *reference.value : 0.0;
        const bool ok = c.check == Check::within
                            ? *reference.value > 0 && std::abs(ratio - 1.0) <= c.target
                            : ratio >= c.target;
        const char* miss = c.check == Check::within ? "outside target" : "below target";
        std::cout << fmt::format("{:<{}}  {:>10}  {:>10}  {:>5.2f}  target {}  {}\n", c.name, width,
                                 value_text(*figure.value, c.unit),
                                 value_text(*reference.value, c.unit), ratio, target_text(c),
                                 ok ? "ok" : miss);
        if (!ok) status = std::max(status, 1);
    }
    std::cout << std::flush;
    return status;
}

int guarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 3;
    }
}

}  // namespace patron::bench
