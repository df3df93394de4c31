// The clock's first reader calibrates it for milliseconds: opening a
// runtime must be that reader, so that no submit ever is. Meaningful in a
// process of its own (ctest runs each test alone); skipped when something
// read the clock first.
#include <gtest/gtest.h>

#include "base/clock.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

#if defined(__x86_64__)
TEST(ClockAtOpenTest, OpeningARuntimeCalibratesTheClockBeforeItReturns) {
  namespace clock = tether::clock_detail;
  if (clock::g_tsc_state.load() != clock::kUncalibrated) {
    GTEST_SKIP() << "the clock was read earlier in this process";
  }
  tether_runtime_config config = Config(1);
  tether_runtime* runtime = nullptr;
  ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &runtime, nullptr),
            TETHER_OK);
  RuntimePtr owned(runtime);
  EXPECT_EQ(clock::g_tsc_state.load(), clock::kCalibrated);
}
#endif

}  // namespace
}  // namespace tether_test
