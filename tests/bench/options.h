// Command-line options of tether_bench.
#ifndef TETHER_BENCH_OPTIONS_H
#define TETHER_BENCH_OPTIONS_H

#include <cstdint>
#include <optional>
#include <string>

namespace tether_bench {

struct Options {
  int reps = 7;
  // Which handlers get a pass: the no-op, the 1 us busy one, or both.
  bool run_no_op = true;
  bool run_busy = true;
  // Round trips timed per contender per repetition, unless the repetition
  // reaches rep_budget_ms first.
  uint64_t round_trips = 30'000;
  uint64_t rep_budget_ms = 1'000;
  // Calls pushed per pipeline contender per repetition, for the no-op
  // handler and for the 1 us one (which takes at least 1 us per call).
  uint64_t pipeline_calls = 500'000;
  uint64_t busy_pipeline_calls = 100'000;
  // The cache-line probe before each repetition.
  uint64_t probe_round_trips = 2'000;
  uint64_t probe_budget_ms = 50;
  // Memory: credits of the two runtimes whose difference gives the bytes
  // reserved per credit; calls held in flight behind a blocked lane; calls
  // in the soak, and the most seconds it may take.
  bool memory = true;
  uint32_t memory_credits_small = 1'024;
  uint32_t memory_credits_large = 65'536;
  uint64_t in_flight_calls = 16'384;
  uint64_t soak_calls = 10'000'000;
  int soak_max_seconds = 90;
  // Only contenders whose name contains this run (empty: all).
  std::string filter;
  // Where to write the results as JSON and CSV (empty: nowhere).
  std::string json_path;
  std::string csv_path;
  bool smoke = false;
  // Seconds after which the run is aborted as hung.
  int watchdog_seconds = 600;
};

// Parses argv. Returns nullopt after printing usage (for --help or a bad
// argument); `exit_code` says which.
std::optional<Options> parse_options(int argc, char** argv, int* exit_code);

}  // namespace tether_bench

#endif  // TETHER_BENCH_OPTIONS_H
