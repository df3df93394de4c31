#include "base/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace tether {
namespace {

TEST(ClockTest, NeverGoesBackwardsOnOneThread) {
  uint64_t last = now_ns();
  for (int i = 0; i < 1'000'000; ++i) {
    uint64_t now = now_ns();
    ASSERT_GE(now, last) << i;
    last = now;
  }
}

TEST(ClockTest, MeasuresIntervalsAsSteadyClockDoes) {
  // Each now_ns() read is bracketed by two steady_clock reads, so however
  // long this thread is preempted between reads, the interval now_ns()
  // measured must lie within the bracket's, give or take 0.1% (the scale
  // is calibrated over 2 ms).
  auto bracket = [](uint64_t* before, uint64_t* reading, uint64_t* after) {
    *before = steady_now_ns();
    *reading = now_ns();
    *after = steady_now_ns();
  };
  uint64_t b0, r0, a0, b1, r1, a1;
  bracket(&b0, &r0, &a0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bracket(&b1, &r1, &a1);
  const double measured = static_cast<double>(r1 - r0);
  EXPECT_GE(measured, static_cast<double>(b1 - a0) * 0.999);
  EXPECT_LE(measured, static_cast<double>(a1 - b0) * 1.001);
}

}  // namespace
}  // namespace tether
