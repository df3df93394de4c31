// Exactly once when memory runs out: an enqueue for the delivery thread that
// fails (moodycamel could not grow the queue) must not lose the completion
// of a call whose outcome is already decided, nor leave it in flight.
#include <gtest/gtest.h>

#include "base/fault_injection.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using tether::fault::Point;

class EnqueueFailureTest : public RuntimeTest {
 protected:
  void TearDown() override {
    tether::fault::disarm_all();
    RuntimeTest::TearDown();
  }

  // Submits a call whose 60 s deadline `point` keeps from being armed, and
  // checks it ends at once, once, with TETHER_E_NO_MEMORY: before a lane
  // took it (which then skips it), or while the library holds it (which
  // then sees it as cancelled).
  void ExpectUnarmedDeadlineEndsWithNoMemory(Point point) {
    Collector collector(1);
    tether_call call = Call(kBlock);
    call.timeout_ns = 60'000'000'000;  // would end it long after the test
    tether::fault::arm(point);
    ASSERT_EQ(Submit(collector, 0, call), TETHER_OK);
    ASSERT_TRUE(collector.WaitForTotal(1));
    EXPECT_EQ(tether::fault::fired(point), 1u);
    ASSERT_TRUE(collector.completion(0).has_value());
    EXPECT_EQ(collector.completion(0)->status, TETHER_E_NO_MEMORY);
    EXPECT_EQ(collector.completion(0)->error,
              "out of memory arming the call's deadline");
    Probe::Get().OpenGate();
    EXPECT_TRUE(WaitNoneInFlight(rt()));
    runtime_.reset();
    EXPECT_EQ(collector.total(), 1u);
    EXPECT_EQ(collector.duplicates(), 0u);
  }
};

TEST_F(EnqueueFailureTest, CancelledCallCompletesOnceWhenItsEnqueueFails) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kBlock), &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  tether::fault::arm(Point::kCancelEnqueue);
  ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  EXPECT_EQ(tether::fault::fired(Point::kCancelEnqueue), 1u);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CANCELLED);
  Probe::Get().OpenGate();
  EXPECT_TRUE(WaitNoneInFlight(rt()));
  runtime_.reset();
  EXPECT_EQ(collector.total(), 1u);
  EXPECT_EQ(collector.duplicates(), 0u);
}

TEST_F(EnqueueFailureTest, ReplyHandedToTheDeliveryThreadCompletesOnce) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1, TETHER_DELIVER_ON_THREAD)));
  Collector collector(1);
  tether::fault::arm(Point::kLaneHandOff);
  ASSERT_EQ(Submit(collector, 0, Call(kEcho, "hello")), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(tether::fault::fired(Point::kLaneHandOff), 1u);
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(0)->result, "hello");
  EXPECT_TRUE(WaitNoneInFlight(rt()));
  runtime_.reset();
  EXPECT_EQ(collector.total(), 1u);
}

TEST_F(EnqueueFailureTest,
       CallClosedByShutdownCompletesOnceWhenItsEnqueueFails) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  tether::fault::arm(Point::kShutdownCloseOut);
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  EXPECT_EQ(tether::fault::fired(Point::kShutdownCloseOut), 1u);
  // Shutdown returns after the last callback ran.
  EXPECT_EQ(collector.total(), 1u);
  ASSERT_TRUE(collector.completion(0).has_value());
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CLOSED);
  EXPECT_EQ(Stats(rt()).in_flight, 0u);
}

TEST_F(EnqueueFailureTest, CallWhoseDeadlineCannotBeArmedEndsWithNoMemory) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ExpectUnarmedDeadlineEndsWithNoMemory(Point::kDeadlineEnqueue);
}

TEST_F(EnqueueFailureTest, CallWhoseDeadlineHeapCannotGrowEndsWithNoMemory) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ExpectUnarmedDeadlineEndsWithNoMemory(Point::kDeadlineHeap);
}

}  // namespace
}  // namespace tether_test
