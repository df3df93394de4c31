// Presents Results: a table per measurement with medians, spreads,
// percentiles and ratios against the reference tether contender, and the
// same figures as JSON.
#ifndef TETHER_BENCH_REPORT_H
#define TETHER_BENCH_REPORT_H

#include <cstdio>
#include <string>

#include "measurement.h"
#include "options.h"

namespace tether_bench {

void print_report(std::FILE* out, const Results& results,
                  const Options& options);

// Returns false (after printing why to stderr) when the file cannot be
// written.
bool write_json(const std::string& path, const Results& results,
                const Options& options);

}  // namespace tether_bench

#endif  // TETHER_BENCH_REPORT_H
