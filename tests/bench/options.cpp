#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tether_bench {
namespace {

void print_usage(std::FILE* out, const char* program) {
  std::fprintf(out,
               "usage: %s [--reps N] [--smoke] [--json FILE] [--filter TEXT]\n"
               "          [--round-trips N] [--pipeline-calls N]\n"
               "  --reps N            repetitions per contender (default 7, "
               "at least 1)\n"
               "  --smoke             1 repetition, small counts (seconds)\n"
               "  --json FILE         also write the results to FILE\n"
               "  --filter TEXT       run only contenders whose name has TEXT\n"
               "  --round-trips N     timed round trips per repetition\n"
               "  --pipeline-calls N  calls per pipeline repetition\n",
               program);
}

bool parse_count(const char* text, uint64_t min, uint64_t* out) {
  char* end = nullptr;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || value < min) return false;
  *out = value;
  return true;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  Options options;
  bool reps_given = false;
  bool round_trips_given = false;
  bool pipeline_calls_given = false;
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
    } else if (value == nullptr) {
      // every other option takes a value
    } else if (arg == "--reps" && parse_count(value, 1, &number) &&
               number <= 1000) {
      options.reps = static_cast<int>(number);
      reps_given = true;
      ++i;
      continue;
    } else if (arg == "--json") {
      options.json_path = value;
      ++i;
      continue;
    } else if (arg == "--filter") {
      options.filter = value;
      ++i;
      continue;
    } else if (arg == "--round-trips" && parse_count(value, 10, &number)) {
      options.round_trips = number;
      round_trips_given = true;
      ++i;
      continue;
    } else if (arg == "--pipeline-calls" && parse_count(value, 10, &number)) {
      options.pipeline_calls = number;
      pipeline_calls_given = true;
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
    if (!pipeline_calls_given) options.pipeline_calls = 20'000;
    options.watchdog_seconds = 120;
  }
  return options;
}

}  // namespace tether_bench
