// Calls any lane may take (TETHER_KEY_ANY): with several lanes they run side
// by side, whichever lanes were spinning or parked when they arrived.
#include <chrono>
#include <thread>

#include "runtime_test.h"

namespace tether_test {
namespace {

using SharedQueueTest = RuntimeTest;

// One lane spinning, the others parked: a submitter wakes no lane while
// one spins, so the lane that takes the first call must wake one for the
// rest, and each lane woken so the next. Without that the blocked handler
// holds every later call on its lane and WaitStarted gives up.
TEST_F(SharedQueueTest, BlockingAnyKeyCallsRunOnEveryLaneWhileOneSpins) {
  const uint32_t kLanes = 4;
  tether_runtime_config config = Config(kLanes);
  config.spin_ns = 200'000'000;  // the submits below land inside this spin
  ASSERT_NO_FATAL_FAILURE(Open(config));
  // Let the first spin of every lane end (if one has not, the calls below
  // find it spinning: still correct, only a weaker test).
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  Collector collector(1 + kLanes);
  ASSERT_EQ(Submit(collector, 0, Call(kNoop)), TETHER_OK);  // wakes one lane
  ASSERT_TRUE(collector.WaitForTotal(1));
  for (size_t i = 1; i <= kLanes; ++i) {
    ASSERT_EQ(Submit(collector, i, Call(kBlock)), TETHER_OK);
  }
  EXPECT_TRUE(Probe::Get().WaitStarted(kBlock, kLanes));
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(1 + kLanes));
  for (size_t i = 0; i <= kLanes; ++i) {
    EXPECT_EQ(collector.completion(i)->status, TETHER_OK) << "call " << i;
  }
}

// The same with every lane parked (no spin): each submit wakes a lane.
TEST_F(SharedQueueTest, BlockingAnyKeyCallsRunOnEveryLaneWhenAllPark) {
  const uint32_t kLanes = 3;
  tether_runtime_config config = Config(kLanes);
  config.spin_ns = 0;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(kLanes);
  for (size_t i = 0; i < kLanes; ++i) {
    ASSERT_EQ(Submit(collector, i, Call(kBlock)), TETHER_OK);
  }
  EXPECT_TRUE(Probe::Get().WaitStarted(kBlock, kLanes));
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(kLanes));
}

}  // namespace
}  // namespace tether_test
