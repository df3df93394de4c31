// tether_bench: round-trip latency and pipelined throughput of calls served
// through tether, against the physical bounds and the usual alternatives,
// all measured in the same run. Prints timings; asserts none of them.

#include <cstdio>
#include <exception>

#include "contender_list.h"
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
  Results results;
  try {
    results =
        measure_all(round_trip_contenders(), pipeline_contenders(), *options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tether_bench: %s\n", e.what());
    return 1;
  }
  print_report(stdout, results, *options);
  if (!options->json_path.empty() &&
      !write_json(options->json_path, results, *options)) {
    return 1;
  }
  return 0;
}
