// Presents Results: per handler, a table per measurement with medians,
// spreads, percentiles and ratios against the reference tether contender
// and the first bound; then memory and the goals. The same figures go to
// JSON and CSV.
#ifndef TETHER_BENCH_REPORT_H
#define TETHER_BENCH_REPORT_H

#include <cstdio>
#include <string>

#include "goals.h"
#include "measurement.h"
#include "options.h"

namespace tether_bench {

void print_report(std::FILE* out, const Results& results,
                  const GoalReport& goals, const Options& options);

// Each returns false (after printing why to stderr) when the file cannot be
// written.
bool write_json(const std::string& path, const Results& results,
                const GoalReport& goals, const Options& options);
bool write_csv(const std::string& path, const Results& results,
               const GoalReport& goals);

}  // namespace tether_bench

#endif  // TETHER_BENCH_REPORT_H
