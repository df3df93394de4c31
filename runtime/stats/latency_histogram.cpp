#include "stats/latency_histogram.h"

namespace tether {

uint64_t LatencyHistogram::upper_bound(int bucket) {
  if (bucket < kSubBuckets) return static_cast<uint64_t>(bucket);
  int top = bucket / kSubBuckets + 1;
  uint64_t sub = static_cast<uint64_t>(bucket % kSubBuckets);
  uint64_t base = uint64_t{1} << top;
  uint64_t width = uint64_t{1} << (top - 2);
  uint64_t upper = base + (sub + 1) * width - 1;
  return upper < base ? UINT64_MAX : upper;  // the last bucket overflows
}

void LatencyHistogram::add_to(std::array<uint64_t, kBuckets>& totals) const {
  for (int i = 0; i < kBuckets; ++i) {
    totals[i] += counts_[i].load(std::memory_order_relaxed);
  }
}

uint64_t LatencyHistogram::percentile(
    const std::array<uint64_t, kBuckets>& totals, double fraction) {
  uint64_t all = 0;
  for (uint64_t count : totals) all += count;
  if (all == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(fraction * static_cast<double>(all));
  if (rank == 0) rank = 1;
  if (rank > all) rank = all;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += totals[i];
    if (seen >= rank) return upper_bound(i);
  }
  return upper_bound(kBuckets - 1);
}

}  // namespace tether
