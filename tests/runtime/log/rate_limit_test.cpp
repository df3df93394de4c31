// Rate-limited log lines: one line per period, then a count of the lines
// held back. Time is passed in, so nothing here depends on the clock.
#include "log/rate_limit.h"

#include <gtest/gtest.h>

namespace tether::log {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

TEST(RateLimitTest, AdmitsTheFirstLine) {
  RateLimit limit(kSecond);
  uint64_t suppressed = 99;
  EXPECT_TRUE(limit.admit(5 * kSecond, &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

TEST(RateLimitTest, HoldsBackLinesWithinThePeriodAndCountsThem) {
  RateLimit limit(kSecond);
  uint64_t suppressed = 0;
  ASSERT_TRUE(limit.admit(kSecond, &suppressed));
  for (uint64_t i = 1; i <= 1000; ++i) {
    EXPECT_FALSE(limit.admit(kSecond + i, &suppressed));
  }
  EXPECT_TRUE(limit.admit(2 * kSecond, &suppressed));
  EXPECT_EQ(suppressed, 1000u);
  EXPECT_TRUE(limit.admit(3 * kSecond, &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

}  // namespace
}  // namespace tether::log
