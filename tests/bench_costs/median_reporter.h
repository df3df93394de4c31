// Google Benchmark's console output, plus each case's median for the
// summary tables at the end.
#ifndef TETHER_BENCH_COSTS_MEDIAN_REPORTER_H
#define TETHER_BENCH_COSTS_MEDIAN_REPORTER_H

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace tether_bench_costs {

class MedianReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  // Nanoseconds per iteration, CPU time (steadier than wall time on a busy
  // machine) or, for cases that wait on another thread, wall time; negative
  // when the case did not run.
  double median(const std::string& name) const;

 private:
  std::map<std::string, double> medians_;
};

}  // namespace tether_bench_costs

#endif  // TETHER_BENCH_COSTS_MEDIAN_REPORTER_H
