// The exception firewall around every host function a library calls: when
// the engine function behind it throws std::bad_alloc, the library gets the
// documented failure value and a log line naming the function, never an
// exception (the library is C).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>

#include "base/fault_injection.h"
#include "log_capture.h"
#include "probe.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using tether::fault::Point;

// A library whose handler runs whatever the test put in g_on_request, on
// the lane.
std::atomic<const tether_host_api*> g_host{nullptr};
std::atomic<tether_lane*> g_lane{nullptr};
std::function<void(const tether_request&)> g_on_request;

tether_status LaneStart(const tether_host_api* host, tether_lane* lane,
                        uint32_t /*lane_index*/, void* /*library_data*/,
                        void** lane_state) {
  g_host.store(host);
  g_lane.store(lane);
  *lane_state = nullptr;
  return TETHER_OK;
}

void Handle(void* /*lane_state*/, const tether_request* request) {
  g_on_request(*request);
}

const tether_library kLibrary = {sizeof(tether_library),
                                 TETHER_LIBRARY_ABI_VERSION,
                                 0,
                                 "firewall",
                                 &LaneStart,
                                 &Handle,
                                 nullptr};

class HostApiGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tether_runtime_config config = Config(1);
    tether_runtime* runtime = nullptr;
    char* error = nullptr;
    ASSERT_EQ(tether_runtime_open(&kLibrary, &config, &runtime, &error),
              TETHER_OK)
        << (error != nullptr ? error : "");
    runtime_.reset(runtime);
    host_ = g_host.load();
    lane_ = g_lane.load();
  }
  void TearDown() override {
    tether::fault::disarm_all();
    runtime_.reset();
    g_on_request = nullptr;
  }

  // Runs `body` on the lane inside a handler, which then replies; returns
  // once the call completed.
  void OnLane(std::function<void(const tether_request&)> body) {
    g_on_request = [&](const tether_request& request) {
      body(request);
      host_->reply(request.id, nullptr, 0);
    };
    Collector collector(1);
    tether_call call = Call(1);
    ASSERT_EQ(tether_submit(runtime_.get(), &call, &Collector::Callback,
                            collector.user_data(0), nullptr),
              TETHER_OK);
    ASSERT_TRUE(collector.WaitForTotal(1));
  }

  // The engine's next pass below the boundary throws std::bad_alloc.
  static void ArmThrow() { tether::fault::arm(Point::kEngineThrows); }
  static uint64_t Thrown() {
    return tether::fault::fired(Point::kEngineThrows);
  }

  LogCapture log_;
  RuntimePtr runtime_;
  const tether_host_api* host_ = nullptr;
  tether_lane* lane_ = nullptr;
};

TEST_F(HostApiGuardTest, BufAllocReturnsNullWhenTheAllocatorThrows) {
  const uint64_t live = LiveBuffers();
  ArmThrow();
  EXPECT_EQ(host_->buf_alloc(16), nullptr);
  EXPECT_EQ(Thrown(), 1u);
  EXPECT_TRUE(log_.Contains("buf_alloc: out of memory"));
  EXPECT_EQ(LiveBuffers(), live);
}

TEST_F(HostApiGuardTest, BufFreeReturnsNoMemoryAndKeepsTheBuffer) {
  void* buffer = host_->buf_alloc(16);
  ASSERT_NE(buffer, nullptr);
  ArmThrow();
  EXPECT_EQ(host_->buf_free(buffer), TETHER_E_NO_MEMORY);
  EXPECT_EQ(Thrown(), 1u);
  EXPECT_TRUE(log_.Contains("buf_free: out of memory"));
  EXPECT_EQ(host_->buf_free(buffer), TETHER_OK);
}

TEST_F(HostApiGuardTest, HandleNewReturnsNoMemoryAndIssuesNothing) {
  const uint64_t live = tether_handles_live();
  int object = 0;
  uint64_t handle = 0;
  ArmThrow();
  EXPECT_EQ(host_->handle_new(&object, nullptr, "int", &handle),
            TETHER_E_NO_MEMORY);
  EXPECT_EQ(Thrown(), 1u);
  EXPECT_TRUE(log_.Contains("handle_new: out of memory"));
  EXPECT_EQ(tether_handles_live(), live);
}

TEST_F(HostApiGuardTest, HandleGetRetainReleaseReturnNoMemory) {
  int object = 0;
  uint64_t handle = 0;
  ASSERT_EQ(host_->handle_new(&object, nullptr, "int", &handle), TETHER_OK);
  void* found = nullptr;
  ArmThrow();
  EXPECT_EQ(host_->handle_get(handle, &found), TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("handle_get: out of memory"));
  ArmThrow();
  EXPECT_EQ(host_->handle_retain(handle), TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("handle_retain: out of memory"));
  ArmThrow();
  EXPECT_EQ(host_->handle_release(handle), TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("handle_release: out of memory"));
  // None of the three took or dropped a reference: one release frees it.
  const uint64_t live = tether_handles_live();
  EXPECT_EQ(host_->handle_release(handle), TETHER_OK);
  EXPECT_EQ(tether_handles_live(), live - 1);
}

TEST_F(HostApiGuardTest, PostReturnsNoMemoryAndNeverRunsTheFunction) {
  static std::atomic<int> runs{0};
  runs = 0;
  ArmThrow();
  EXPECT_EQ(host_->post(
                lane_, [](void*, tether_status) { ++runs; }, nullptr),
            TETHER_E_NO_MEMORY);
  EXPECT_EQ(Thrown(), 1u);
  EXPECT_TRUE(log_.Contains("post: out of memory"));
  runtime_.reset();  // the lane stops: a posted function would run now
  EXPECT_EQ(runs.load(), 0);
}

TEST_F(HostApiGuardTest, LogDropsTheLineWhenTheWriterThrows) {
  ArmThrow();
  host_->log(TETHER_LOG_WARN, "from the library");
  EXPECT_EQ(Thrown(), 1u);
  EXPECT_TRUE(log_.Contains("log: out of memory"));
}

TEST_F(HostApiGuardTest, TimerStartReturnsNoMemory) {
  tether_status status = TETHER_OK;
  OnLane([&](const tether_request&) {
    ArmThrow();
    status = host_->timer_start(
        lane_, 0, [](void*, tether_status) {}, nullptr);
  });
  // timer_start's body catches what scheduling throws itself (without a
  // line); the firewall around it is for anything else.
  EXPECT_EQ(status, TETHER_E_NO_MEMORY);
  EXPECT_EQ(Thrown(), 1u);
}

TEST_F(HostApiGuardTest, GaugeRegisterReturnsNoMemory) {
  tether_status status = TETHER_OK;
  OnLane([&](const tether_request&) {
    uint32_t gauge = 0;
    ArmThrow();
    status = host_->gauge_register(lane_, "depth", &gauge);
  });
  EXPECT_EQ(status, TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("gauge_register: out of memory"));
}

TEST_F(HostApiGuardTest, GaugeSetReturnsNoMemory) {
  tether_status status = TETHER_OK;
  OnLane([&](const tether_request&) {
    uint32_t gauge = 0;
    ASSERT_EQ(host_->gauge_register(lane_, "depth", &gauge), TETHER_OK);
    ArmThrow();
    status = host_->gauge_set(lane_, gauge, 1);
  });
  EXPECT_EQ(status, TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("gauge_set: out of memory"));
}

TEST_F(HostApiGuardTest, IsCancelledSaysEndedWhenTheEngineThrows) {
  int32_t cancelled = 0;
  OnLane([&](const tether_request& request) {
    ArmThrow();
    cancelled = host_->is_cancelled(request.id);
  });
  EXPECT_EQ(cancelled, 1);
  EXPECT_TRUE(log_.Contains("is_cancelled: out of memory"));
}

TEST_F(HostApiGuardTest, ReplyReturnsNoMemoryFreesTheResultAndLeavesTheCall) {
  const uint64_t live = LiveBuffers();
  tether_status status = TETHER_OK;
  // OnLane's own reply after the failed one completes the call: the failed
  // reply decided nothing.
  OnLane([&](const tether_request& request) {
    void* result = host_->buf_alloc(8);
    ASSERT_NE(result, nullptr);
    ArmThrow();
    status = host_->reply(request.id, result, 8);
  });
  EXPECT_EQ(status, TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("reply: out of memory"));
  EXPECT_EQ(LiveBuffers(), live);
}

TEST_F(HostApiGuardTest, ReplyErrorReturnsNoMemoryAndLeavesTheCall) {
  tether_status status = TETHER_OK;
  OnLane([&](const tether_request& request) {
    ArmThrow();
    status = host_->reply_error(request.id, 7, "nope");
  });
  EXPECT_EQ(status, TETHER_E_NO_MEMORY);
  EXPECT_TRUE(log_.Contains("reply_error: out of memory"));
}

}  // namespace
}  // namespace tether_test
