// The exception firewall in the shim: when the engine function behind a
// tether_* entry point throws std::bad_alloc, the host gets
// TETHER_E_NO_MEMORY and a log line naming the function, and nothing was
// accepted.
#include <gtest/gtest.h>

#include "base/fault_injection.h"
#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using tether::fault::Point;

class ShimGuardTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  }
  void TearDown() override {
    tether::fault::disarm_all();
    RuntimeTest::TearDown();
  }

  LogCapture log_;
};

TEST_F(ShimGuardTest, SubmitReturnsNoMemoryAndAcceptsNothing) {
  Collector collector(1);
  tether::fault::arm(Point::kEngineThrows);
  EXPECT_EQ(Submit(collector, 0, Call(kNoop)), TETHER_E_NO_MEMORY);
  EXPECT_EQ(tether::fault::fired(Point::kEngineThrows), 1u);
  EXPECT_TRUE(log_.Contains("tether_submit: out of memory"));
  const tether_stats stats = Stats(rt());
  EXPECT_EQ(stats.submitted, 0u);
  EXPECT_EQ(stats.in_flight, 0u);
  runtime_.reset();
  EXPECT_EQ(collector.total(), 0u);
}

TEST_F(ShimGuardTest, CancelReturnsNoMemoryAndLeavesTheCall) {
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kBlock), &ticket), TETHER_OK);
  tether::fault::arm(Point::kEngineThrows);
  EXPECT_EQ(tether_cancel(rt(), ticket), TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("tether_cancel: out of memory"));
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
}

TEST_F(ShimGuardTest, BufAllocReturnsNullWhenTheAllocatorThrows) {
  const uint64_t live = LiveBuffers();
  tether::fault::arm(Point::kEngineThrows);
  EXPECT_EQ(tether_buf_alloc(16), nullptr);
  EXPECT_TRUE(log_.Contains("tether_buf_alloc: out of memory"));
  EXPECT_EQ(LiveBuffers(), live);
}

TEST_F(ShimGuardTest, BufFreeReturnsNoMemoryAndKeepsTheBuffer) {
  void* buffer = tether_buf_alloc(16);
  ASSERT_NE(buffer, nullptr);
  tether::fault::arm(Point::kEngineThrows);
  EXPECT_EQ(tether_buf_free(buffer), TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("tether_buf_free: out of memory"));
  EXPECT_EQ(tether_buf_free(buffer), TETHER_OK);
}

TEST_F(ShimGuardTest, HandleReleaseReturnsNoMemory) {
  tether::fault::arm(Point::kEngineThrows);
  EXPECT_EQ(tether_handle_release(1), TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("tether_handle_release: out of memory"));
}

}  // namespace
}  // namespace tether_test
