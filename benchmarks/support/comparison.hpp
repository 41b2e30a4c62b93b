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

/// How a comparison's ratio (figure / reference) is judged against its target.
enum class Check {
    at_least,  ///< ratio >= target; printed `target T`, `ok` or `below target`
    within,    ///< |ratio - 1| <= target; printed `target ±T`, `ok` or `outside target`
};

/// One line of the report: `NAME  FIGURE  REFERENCE  RATIO  target T  ok|below target` (or, for
/// Check::within, `target ±T  ok|outside target`).
struct Comparison {
    std::string name;       ///< what is compared, e.g. "register/find_by_card"
    std::string figure;     ///< registered name of the libpatron benchmark
    std::string reference;  ///< registered name of the reference benchmark
    double target = 0.8;    ///< at_least: the figure must reach target × reference
    /// A throughput counter (higher is better): SetItemsProcessed gives "items_per_second".
    /// Any other counter a benchmark sets works too (e.g. a latency with Check::within).
    std::string counter = "items_per_second";
    /// The reference's counter when it is not `counter`: figure and reference may then be two
    /// counters of one benchmark that measures both sides call by call, interleaved.
    std::string reference_counter;
    Check check = Check::at_least;
    /// How a value of `counter` is printed: "/s" gives "1458/s"; any other unit, two decimals
    /// and the unit ("38.20 ms").
    std::string unit = "/s";
};

/// Parses Google Benchmark's flags, after these defaults (a flag given on the command line wins):
/// --benchmark_repetitions=15, --benchmark_min_time=0.3,
/// --benchmark_enable_random_interleaving=true, --benchmark_display_aggregates_only=true. Call
/// first in main(), before any set-up, so --help and bad flags cost nothing. Returns false when the
/// program should exit with status 2.
[[nodiscard]] bool initialize(int argc, char** argv);

/// Runs the registered benchmarks and prints one line per comparison from the medians of the
/// repetitions; ratio = figure / reference. Returns the exit status: 0 every comparison met
/// its target, 1 some did not or a benchmark failed, 2 a comparison names no registered
/// benchmark. A comparison whose benchmarks a --benchmark_filter left out is printed as skipped.
[[nodiscard]] int run_comparisons(const std::vector<Comparison>& comparisons);

/// Runs `body` (set-up, registration, run_comparisons) and turns an escaping exception into
/// "error: <what>" on stderr and exit status 3.
[[nodiscard]] int guarded(const std::function<int()>& body);

}  // namespace patron::bench
