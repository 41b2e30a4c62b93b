#pragma once
// The comparisons benchmarks/run prints: each a libpatron path beside its hand-written reference,
// both measured by Google Benchmark in the same run, interleaved so they share the machine's noise.
//
// A benchmark program registers its benchmarks (benchmark::RegisterBenchmark or BENCHMARK) and
// ends main() with run_comparisons(). Its stdout is only the comparison lines; Google Benchmark's
// own table goes to stderr.

#include <functional>
#include <string>
#include <vector>

namespace patron::bench {

/// One line of the report: `NAME  FIGURE  REFERENCE  RATIO  target T  ok|below target`.
struct Comparison {
    std::string name;       ///< what is compared, e.g. "register/find_by_card"
    std::string figure;     ///< registered name of the libpatron benchmark
    std::string reference;  ///< registered name of the reference benchmark
    double target = 0.8;    ///< the figure must reach at least target × reference
    /// A throughput counter (higher is better): SetItemsProcessed gives "items_per_second".
    std::string counter = "items_per_second";
};

/// Parses Google Benchmark's flags, after these defaults (a flag given on the command line wins):
/// --benchmark_repetitions=15, --benchmark_min_time=0.3,
/// --benchmark_enable_random_interleaving=true, --benchmark_display_aggregates_only=true. Call
/// first in main(), before any set-up, so --help and bad flags cost nothing. Returns false when the
/// program should exit with status 2.
[[nodiscard]] bool initialize(int argc, char** argv);

/// Runs the registered benchmarks and prints one line per comparison from the medians of the
/// repetitions; ratio = figure / reference. Returns the exit status: 0 every comparison reached
/// its target, 1 some did not or a benchmark failed, 2 a comparison names no registered
/// benchmark. A comparison whose benchmarks a --benchmark_filter left out is printed as skipped.
[[nodiscard]] int run_comparisons(const std::vector<Comparison>& comparisons);

/// Runs `body` (set-up, registration, run_comparisons) and turns an escaping exception into
/// "error: <what>" on stderr and exit status 3.
[[nodiscard]] int guarded(const std::function<int()>& body);

}  // namespace patron::bench
