// What every presentation of the results derives from a row alike: its
// median, its ratios to the reference and to the first bound, its role's
// name. Header-only; pure functions.
#ifndef TETHER_BENCH_REPORT_ROWS_H
#define TETHER_BENCH_REPORT_ROWS_H

#include <vector>

#include "measurement.h"
#include "sample_stats.h"

namespace tether_bench {

template <class Result>
const Result* find_role(const std::vector<Result>& results, Role role) {
  for (const Result& result : results) {
    if (result.role == role) return &result;
  }
  return nullptr;
}

inline Spread spread_of_row(const LatencyResult& row) {
  return spread_of(row.mean_ns);
}
inline Spread spread_of_row(const ThroughputResult& row) {
  return spread_of(row.calls_per_s);
}

// median(row) / median(other), or 0 when there is no other row.
template <class Result>
double median_ratio(const Result& row, const Result* other) {
  if (other == nullptr) return 0;
  return spread_of_row(row).median / spread_of_row(*other).median;
}

inline const char* role_name(Role role) {
  switch (role) {
    case Role::kBound:
      return "bound";
    case Role::kReference:
      return "reference";
    case Role::kTether:
      return "tether";
    case Role::kPeer:
      return "peer";
  }
  return "peer";
}

}  // namespace tether_bench

#endif  // TETHER_BENCH_REPORT_ROWS_H
