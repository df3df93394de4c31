#include "sample_stats.h"

#include <algorithm>
#include <cmath>

namespace tether_bench {

Spread spread_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  double median =
      n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

uint64_t percentile(const std::vector<uint64_t>& sorted, double fraction) {
  size_t rank = static_cast<size_t>(
      std::ceil(fraction * static_cast<double>(sorted.size())));
  if (rank == 0) rank = 1;
  return sorted[std::min(rank, sorted.size()) - 1];
}

}  // namespace tether_bench
