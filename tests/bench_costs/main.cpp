// tether_bench_costs: what the checks a user may leave on cost, against the
// same work without them, in the same run. Prints Google Benchmark's table,
// then the medians side by side with their ratios. Asserts no timing.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "cases.h"
#include "median_reporter.h"

using namespace tether_bench_costs;

namespace {

void print_mode_table(const MedianReporter& reporter, const char* title,
                      std::string (*case_of)(const char*, std::size_t)) {
  std::printf("\n%s\n%-8s %14s %14s %8s\n", title, "size", "release ns",
              "debug ns", "ratio");
  for (std::size_t size : kSizes) {
    double release = reporter.median(case_of("release", size));
    double debug = reporter.median(case_of("debug", size));
    if (release <= 0 || debug <= 0) continue;
    std::printf("%-8zu %14.1f %14.1f %7.2fx\n", size, release, debug,
                debug / release);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_alloc_free_cases();
  register_echo_call_cases();
  register_stats_cases();
  // Repetitions of all cases are interleaved in random order unless asked
  // otherwise, so drift on a shared machine hits every case alike.
  std::vector<char*> args(argv, argv + argc);
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  bool asked = false;
  for (char* arg : args) {
    asked |= std::strstr(arg, "random_interleaving") != nullptr;
  }
  if (!asked) args.insert(args.begin() + 1, interleave);
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  print_mode_table(reporter, "buffer mode: median CPU time per alloc + free",
                   &alloc_free_case);
  print_mode_table(reporter, "buffer mode: median round trip of an echoed call",
                   &echo_call_case);
  double stats = reporter.median(stats_case());
  double call = reporter.median(echo_call_case("release", kSizes.front()));
  if (stats > 0 && call > 0) {
    std::printf(
        "\nstats: %.1f ns of work per call = %.1f%% of the %zu-byte echo "
        "round trip\n",
        stats, 100 * stats / call, kSizes.front());
  }
  return 0;
}
