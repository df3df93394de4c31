// A fixed log-bucket histogram of latencies in nanoseconds: 4 equal buckets
// per power of two (a bucket from 2^k is 2^(k-2) wide, so its upper bound,
// what a percentile reports, is less than 25% above any value in it), 256
// buckets from 0 to 2^64 ns. One writer per histogram (the thread that
// delivers), any number of readers; readers sum several histograms and take
// percentiles.
//
// Recording is a count-leading-zeros, a shift and one relaxed store: cheap
// enough to stay on in production and in every benchmark.
#ifndef TETHER_RUNTIME_STATS_LATENCY_HISTOGRAM_H_
#define TETHER_RUNTIME_STATS_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace tether {

class LatencyHistogram {
 public:
  static constexpr int kSubBuckets = 4;
  static constexpr int kBuckets = 64 * kSubBuckets;

  // The bucket a value falls in. Values below kSubBuckets map exactly.
  static int bucket_of(uint64_t value) {
    if (value < kSubBuckets) return static_cast<int>(value);
    int top = 63 - __builtin_clzll(value);  // >= 2
    int sub = static_cast<int>((value >> (top - 2)) & (kSubBuckets - 1));
    return (top - 1) * kSubBuckets + sub;
  }
  // The largest value that falls in `bucket` (what a percentile reports).
  static uint64_t upper_bound(int bucket);

  // Single writer.
  void record(uint64_t value) {
    auto& count = counts_[bucket_of(value)];
    count.store(count.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);
  }

  // Any thread: adds this histogram's counts into `totals`.
  void add_to(std::array<uint64_t, kBuckets>& totals) const;

  // The value at or below which `fraction` (0..1] of the recorded values
  // fall, from summed totals; 0 when nothing was recorded.
  static uint64_t percentile(const std::array<uint64_t, kBuckets>& totals,
                             double fraction);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
};

}  // namespace tether

#endif  // TETHER_RUNTIME_STATS_LATENCY_HISTOGRAM_H_
