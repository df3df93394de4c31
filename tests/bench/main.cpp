// tether_bench: round-trip latency and pipelined throughput of calls served
// through tether, against the physical bounds and the usual alternatives,
// all measured in the same run, for a no-op and a 1 us handler; then what
// calls cost in memory, and the goals. Prints timings and whether each goal
// was met; asserts none of them (exits non-zero only when a call fails).

#include <cstdio>
#include <exception>

#include "contender_list.h"
#include "goals.h"
#include "log_tally.h"
#include "measurement.h"
#include "options.h"
#include "report.h"
#include "watchdog.h"

int main(int argc, char** argv) {
  using namespace tether_bench;
  int exit_code = 0;
  std::optional<Options> options = parse_options(argc, argv, &exit_code);
  if (!options) return exit_code;

  Watchdog watchdog(options->watchdog_seconds);
  install_log_tally();
  Results results;
  try {
    results =
        measure_all(round_trip_contenders(), pipeline_contenders(), *options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tether_bench: %s\n", e.what());
    return 1;
  }
  const GoalReport goals = evaluate_goals(results);
  print_report(stdout, results, goals, *options);
  if (!options->json_path.empty() &&
      !write_json(options->json_path, results, goals, *options)) {
    return 1;
  }
  if (!options->csv_path.empty() &&
      !write_csv(options->csv_path, results, goals)) {
    return 1;
  }
  return 0;
}
