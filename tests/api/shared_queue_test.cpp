// Calls any lane may take (TETHER_KEY_ANY): with several lanes they run side
// by side, whichever lanes were spinning or parked when they arrived.
#include <chrono>
#include <thread>
#include <vector>

#include "runtime_test.h"

namespace tether_test {
namespace {

class SharedQueueTest : public RuntimeTest {
 protected:
  // A runtime whose lanes spin long enough for the submits of a test to
  // land inside one spin, after every lane's first spin has ended (if one
  // has not, the calls find it spinning: still correct, a weaker test).
  void OpenWithParkedLanes(uint32_t lanes) {
    tether_runtime_config config = Config(lanes);
    config.spin_ns = 200'000'000;
    ASSERT_NO_FATAL_FAILURE(Open(config));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }

  // One lane spinning (the one that ran a no-op with this key), the others
  // parked.
  void WakeOneLane(Collector& collector, size_t index, uint64_t key) {
    ASSERT_EQ(Submit(collector, index, Call(kNoop, {}, key)), TETHER_OK);
    ASSERT_TRUE(collector.WaitForTotal(1));
  }

  // One submit, so one decision about whom to wake: a spinning lane is
  // there, so the submitter wakes none.
  void SubmitBatch(Collector& collector, const std::vector<tether_call>& calls,
                   size_t first_index, uint64_t* tickets = nullptr) {
    std::vector<uint64_t> user_data;
    for (size_t i = 0; i < calls.size(); ++i) {
      user_data.push_back(collector.user_data(first_index + i));
    }
    size_t submitted = 0;
    ApiScope scope;
    ASSERT_EQ(tether_submit_batch(rt(), calls.data(), calls.size(),
                                  &Collector::Callback, user_data.data(),
                                  tickets, &submitted),
              TETHER_OK);
    ASSERT_EQ(submitted, calls.size());
  }

  void OpenGateAndExpectAllOk(Collector& collector, size_t total) {
    Probe::Get().OpenGate();
    ASSERT_TRUE(collector.WaitForTotal(total));
    for (size_t i = 0; i < total; ++i) {
      EXPECT_EQ(collector.completion(i)->status, TETHER_OK) << "call " << i;
    }
  }
};

// The spinning lane takes the first call and blocks in it: it must wake a
// lane for the rest, and each lane woken so the next. Without that every
// later call waits behind the first handler and WaitStarted gives up.
TEST_F(SharedQueueTest, BlockingAnyKeyCallsRunOnEveryLaneWhileOneSpins) {
  const uint32_t kLanes = 4;
  ASSERT_NO_FATAL_FAILURE(OpenWithParkedLanes(kLanes));
  Collector collector(1 + kLanes);
  ASSERT_NO_FATAL_FAILURE(WakeOneLane(collector, 0, TETHER_KEY_ANY));
  ASSERT_NO_FATAL_FAILURE(SubmitBatch(
      collector, std::vector<tether_call>(kLanes, Call(kBlock)), 1));
  EXPECT_TRUE(Probe::Get().WaitStarted(kBlock, kLanes));
  OpenGateAndExpectAllOk(collector, 1 + kLanes);
}

// The spinning lane finds a call keyed to it and blocks in it; the shared
// call queued beside it must not wait for that handler. (The lane may take
// the shared call first, if its look at its own queue came before the
// batch: then the keyed call waits for its lane, as keyed calls do, and the
// shared one still starts. So the shared call is a different method.)
TEST_F(SharedQueueTest, AnAnyKeyCallDoesNotWaitBehindTheSpinningLanesOwnCall) {
  const uint64_t kKey = 7;
  ASSERT_NO_FATAL_FAILURE(OpenWithParkedLanes(2));
  Collector collector(3);
  ASSERT_NO_FATAL_FAILURE(WakeOneLane(collector, 0, kKey));
  uint64_t tickets[2] = {};
  ASSERT_NO_FATAL_FAILURE(SubmitBatch(
      collector,
      {Call(kBlock, {}, kKey), Call(kWaitCancelled, {}, TETHER_KEY_ANY)}, 1,
      tickets));
  EXPECT_TRUE(Probe::Get().WaitStarted(kWaitCancelled, 1));
  EXPECT_EQ(tether_cancel(rt(), tickets[1]), TETHER_OK);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(3));
  EXPECT_EQ(collector.completion(1)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(2)->status, TETHER_E_CANCELLED);
}

// With every lane parked (no spin) each submit wakes a lane.
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
  OpenGateAndExpectAllOk(collector, kLanes);
}

}  // namespace
}  // namespace tether_test
