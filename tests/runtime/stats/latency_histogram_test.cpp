#include "stats/latency_histogram.h"

#include <gtest/gtest.h>

#include <array>

namespace tether {
namespace {

TEST(LatencyHistogramTest, EveryValueFallsInABucketWhoseBoundCoversIt) {
  for (uint64_t value : std::initializer_list<uint64_t>{
           0ull, 1ull, 3ull, 4ull, 5ull, 7ull, 8ull, 1000ull, 1023ull, 1024ull,
           123456789ull, UINT64_MAX}) {
    int bucket = LatencyHistogram::bucket_of(value);
    ASSERT_GE(bucket, 0);
    ASSERT_LT(bucket, LatencyHistogram::kBuckets);
    EXPECT_GE(LatencyHistogram::upper_bound(bucket), value) << value;
    if (bucket > 0) {
      EXPECT_LT(LatencyHistogram::upper_bound(bucket - 1), value) << value;
    }
  }
}

TEST(LatencyHistogramTest, BucketsAreAtMostAQuarterOfTheirPowerOfTwoWide) {
  for (int bucket = 8; bucket < 200; ++bucket) {
    uint64_t low = LatencyHistogram::upper_bound(bucket - 1) + 1;
    uint64_t high = LatencyHistogram::upper_bound(bucket);
    EXPECT_LE(static_cast<double>(high - low + 1) / static_cast<double>(low),
              0.25 + 1e-9)
        << bucket;
  }
}

TEST(LatencyHistogramTest, PercentilesOfSummedHistograms) {
  LatencyHistogram lane, delivery;
  for (int i = 0; i < 990; ++i) lane.record(1000);
  for (int i = 0; i < 10; ++i) delivery.record(1'000'000);
  std::array<uint64_t, LatencyHistogram::kBuckets> totals{};
  lane.add_to(totals);
  delivery.add_to(totals);
  uint64_t p50 = LatencyHistogram::percentile(totals, 0.50);
  uint64_t p99 = LatencyHistogram::percentile(totals, 0.99);
  uint64_t p999 = LatencyHistogram::percentile(totals, 0.999);
  EXPECT_GE(p50, 1000u);
  EXPECT_LT(p50, 1300u);
  EXPECT_GE(p99, 1000u);
  EXPECT_LT(p99, 1300u);
  EXPECT_GE(p999, 1'000'000u);
  EXPECT_LT(p999, 1'300'000u);
}

// The bound tether/stats.h states: a reported percentile is less than 25%
// above the value it stands for, and no smaller bound holds.
TEST(LatencyHistogramTest, ReportedFigureIsLessThanAQuarterAboveTheValue) {
  double worst = 0;
  for (int bucket = LatencyHistogram::kSubBuckets;
       bucket <= LatencyHistogram::bucket_of(UINT64_MAX); ++bucket) {
    // A bucket's lowest value is reported furthest above itself.
    uint64_t value = LatencyHistogram::upper_bound(bucket - 1) + 1;
    LatencyHistogram histogram;
    histogram.record(value);
    std::array<uint64_t, LatencyHistogram::kBuckets> totals{};
    histogram.add_to(totals);
    uint64_t reported = LatencyHistogram::percentile(totals, 1.0);
    ASSERT_GE(reported, value);
    // In integers: doubles round the largest buckets' ratio up to 0.25.
    EXPECT_LT((reported - value) * 4, value) << value;
    double above =
        static_cast<double>(reported - value) / static_cast<double>(value);
    if (above > worst) worst = above;
  }
  EXPECT_GT(worst, 0.249);
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  std::array<uint64_t, LatencyHistogram::kBuckets> totals{};
  EXPECT_EQ(LatencyHistogram::percentile(totals, 0.99), 0u);
}

}  // namespace
}  // namespace tether
