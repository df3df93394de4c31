#include "median_reporter.h"

namespace tether_bench_costs {

void MedianReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
      // Cases timed with UseRealTime() report wall time as their CPU time's
      // stand-in: a caller spinning on another thread's reply is charged
      // for the wait either way.
      medians_[run.run_name.function_name] = run.run_name.time_type.empty()
                                                 ? run.GetAdjustedCPUTime()
                                                 : run.GetAdjustedRealTime();
    }
  }
  ConsoleReporter::ReportRuns(runs);
}

double MedianReporter::median(const std::string& name) const {
  auto found = medians_.find(name);
  return found == medians_.end() ? -1 : found->second;
}

}  // namespace tether_bench_costs
