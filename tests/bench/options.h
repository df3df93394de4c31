// Command-line options of tether_bench.
#ifndef TETHER_BENCH_OPTIONS_H
#define TETHER_BENCH_OPTIONS_H

#include <cstdint>
#include <optional>
#include <string>

namespace tether_bench {

struct Options {
  int reps = 7;
  // Round trips timed per contender per repetition.
  uint64_t round_trips = 30'000;
  // Calls pushed per pipeline contender per repetition.
  uint64_t pipeline_calls = 500'000;
  // Only contenders whose name contains this run (empty: all).
  std::string filter;
  // Where to write the results as JSON (empty: nowhere).
  std::string json_path;
  bool smoke = false;
  // Seconds after which the run is aborted as hung.
  int watchdog_seconds = 600;
};

// Parses argv. Returns nullopt after printing usage (for --help or a bad
// argument); `exit_code` says which.
std::optional<Options> parse_options(int argc, char** argv, int* exit_code);

}  // namespace tether_bench

#endif  // TETHER_BENCH_OPTIONS_H
