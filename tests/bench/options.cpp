#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tether_bench {
namespace {

void print_usage(std::FILE* out, const char* program) {
  std::fprintf(
      out,
      "usage: %s [--smoke] [--reps N] [--handler no-op|1us|both]\n"
      "          [--json FILE] [--csv FILE] [--filter TEXT]\n"
      "          [--round-trips N] [--rep-budget-ms N] [--pipeline-calls N]\n"
      "          [--busy-pipeline-calls N] [--soak-calls N] "
      "[--in-flight-calls N]\n"
      "          [--no-memory]\n"
      "  --smoke                  1 repetition, small counts, tiny soak "
      "(seconds)\n"
      "  --reps N                 repetitions per contender (default 7)\n"
      "  --handler H              which handler passes run (default both)\n"
      "  --json FILE              also write the results to FILE as JSON\n"
      "  --csv FILE               also write the results to FILE as CSV\n"
      "  --filter TEXT            run only contenders whose name has TEXT\n"
      "  --round-trips N          timed round trips per repetition "
      "(default 30000)\n"
      "  --rep-budget-ms N        a round-trip repetition stops after N ms "
      "(default 1000)\n"
      "  --pipeline-calls N       calls per pipeline repetition, no-op "
      "handler (500000)\n"
      "  --busy-pipeline-calls N  the same for the 1 us handler (100000)\n"
      "  --soak-calls N           calls in the memory soak (default "
      "10000000, at most 90 s)\n"
      "  --in-flight-calls N      calls held behind a blocked lane "
      "(default 16384)\n"
      "  --no-memory              skip the memory measurements\n",
      program);
}

bool parse_count(const char* text, uint64_t min, uint64_t max, uint64_t* out) {
  char* end = nullptr;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || value < min || value > max) return false;
  *out = value;
  return true;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  Options options;
  bool reps_given = false;
  bool round_trips_given = false;
  bool budget_given = false;
  bool pipeline_calls_given = false;
  bool busy_pipeline_calls_given = false;
  bool soak_calls_given = false;
  bool in_flight_calls_given = false;
  constexpr uint64_t kMaxCount = 1'000'000'000'000;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    uint64_t number = 0;
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout, argv[0]);
      *exit_code = 0;
      return std::nullopt;
    } else if (arg == "--smoke") {
      options.smoke = true;
      continue;
    } else if (arg == "--no-memory") {
      options.memory = false;
      continue;
    } else if (value == nullptr) {
      // every other option takes a value
    } else if (arg == "--reps" && parse_count(value, 1, 1000, &number)) {
      options.reps = static_cast<int>(number);
      reps_given = true;
      ++i;
      continue;
    } else if (arg == "--handler" && (std::string_view(value) == "no-op" ||
                                      std::string_view(value) == "1us" ||
                                      std::string_view(value) == "both")) {
      options.run_no_op = std::string_view(value) != "1us";
      options.run_busy = std::string_view(value) != "no-op";
      ++i;
      continue;
    } else if (arg == "--json") {
      options.json_path = value;
      ++i;
      continue;
    } else if (arg == "--csv") {
      options.csv_path = value;
      ++i;
      continue;
    } else if (arg == "--filter") {
      options.filter = value;
      ++i;
      continue;
    } else if (arg == "--round-trips" &&
               parse_count(value, 10, kMaxCount, &number)) {
      options.round_trips = number;
      round_trips_given = true;
      ++i;
      continue;
    } else if (arg == "--rep-budget-ms" &&
               parse_count(value, 1, 3'600'000, &number)) {
      options.rep_budget_ms = number;
      budget_given = true;
      ++i;
      continue;
    } else if (arg == "--pipeline-calls" &&
               parse_count(value, 10, kMaxCount, &number)) {
      options.pipeline_calls = number;
      pipeline_calls_given = true;
      ++i;
      continue;
    } else if (arg == "--busy-pipeline-calls" &&
               parse_count(value, 10, kMaxCount, &number)) {
      options.busy_pipeline_calls = number;
      busy_pipeline_calls_given = true;
      ++i;
      continue;
    } else if (arg == "--soak-calls" &&
               parse_count(value, 100, kMaxCount, &number)) {
      options.soak_calls = number;
      soak_calls_given = true;
      ++i;
      continue;
    } else if (arg == "--in-flight-calls" &&
               parse_count(value, 100, 1 << 20, &number)) {
      options.in_flight_calls = number;
      in_flight_calls_given = true;
      ++i;
      continue;
    }
    std::fprintf(stderr, "bad argument: %s%s%s\n", argv[i],
                 value != nullptr ? " " : "", value != nullptr ? value : "");
    print_usage(stderr, argv[0]);
    *exit_code = 2;
    return std::nullopt;
  }
  if (options.smoke) {
    if (!reps_given) options.reps = 1;
    if (!round_trips_given) options.round_trips = 2'000;
    if (!budget_given) options.rep_budget_ms = 100;
    if (!pipeline_calls_given) options.pipeline_calls = 10'000;
    if (!busy_pipeline_calls_given) options.busy_pipeline_calls = 2'000;
    if (!soak_calls_given) options.soak_calls = 20'000;
    if (!in_flight_calls_given) options.in_flight_calls = 1'000;
    options.probe_round_trips = 500;
    options.memory_credits_small = 256;
    options.memory_credits_large = 4'096;
    options.watchdog_seconds = 120;
  }
  return options;
}

}  // namespace tether_bench
