// Summaries of repeated measurements: median with min and max over
// repetitions, and percentiles over per-operation samples.
// Pure functions; thread-safe.
#ifndef TETHER_BENCH_SAMPLE_STATS_H
#define TETHER_BENCH_SAMPLE_STATS_H

#include <cstdint>
#include <vector>

namespace tether_bench {

struct Spread {
  double median = 0;
  double min = 0;
  double max = 0;
};

// REQUIRES: !values.empty().
Spread spread_of(std::vector<double> values);

// The nearest-rank `fraction` percentile (0.5, 0.99, 0.999) of `sorted`.
// REQUIRES: sorted ascending and not empty.
uint64_t percentile(const std::vector<uint64_t>& sorted, double fraction);

}  // namespace tether_bench

#endif  // TETHER_BENCH_SAMPLE_STATS_H
