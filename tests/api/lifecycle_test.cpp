// Opening, shutting down and destroying a runtime.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "runtime_test.h"

namespace tether_test {
namespace {

constexpr uint64_t kLongTimeoutNs = 60'000'000'000;
constexpr uint64_t kShortTimeoutNs = 20'000'000;

using LifecycleTest = RuntimeTest;

TEST_F(LifecycleTest, ConfigInitFillsDocumentedDefaults) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  EXPECT_EQ(config.struct_size, sizeof config);
  EXPECT_EQ(config.lanes, 1u);
  EXPECT_EQ(config.pin_lanes, 0);
  EXPECT_EQ(config.deliver, TETHER_DELIVER_ON_LANE);
  EXPECT_EQ(config.max_calls_in_flight, 16384u);
  EXPECT_EQ(config.max_bytes_in_flight, uint64_t{256} << 20);
  EXPECT_EQ(config.max_payload_bytes, uint64_t{64} << 20);
  EXPECT_EQ(config.spin_ns, 20000u);
  EXPECT_EQ(config.library_data, nullptr);
}

TEST_F(LifecycleTest, OpenStartsOneLaneStatePerLaneBeforeReturning) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(3)));
  EXPECT_EQ(tether_runtime_lanes(rt()), 3u);
  EXPECT_EQ(Probe::Get().states_created(), 3u);
  EXPECT_EQ(Stats(rt()).lanes, 3u);
}

TEST_F(LifecycleTest, OpenClearsErrorOutOnSuccess) {
  tether_runtime_config config = Config(1);
  tether_runtime* runtime = nullptr;
  char* error = reinterpret_cast<char*>(0x1);
  ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &runtime, &error),
            TETHER_OK);
  runtime_.reset(runtime);
  EXPECT_EQ(error, nullptr);
}

TEST_F(LifecycleTest, ShutdownStopsEveryLaneState) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(3)));
  ASSERT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs),
      TETHER_OK);
  EXPECT_EQ(Probe::Get().states_destroyed(), 3u);
}

TEST_F(LifecycleTest, ShutdownTwiceReturnsOk) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  EXPECT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  EXPECT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs),
      TETHER_OK);
  EXPECT_EQ(Probe::Get().states_destroyed(), 2u);
}

TEST_F(LifecycleTest, ConcurrentShutdownsBothReturnOkAfterTheWorkEnded) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  Collector collector(1);
  std::string ms = EncodeU64(50);
  ASSERT_EQ(Submit(collector, 0, Call(kSleepMs, ms)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kSleepMs, 1));
  tether_status other = TETHER_E_INTERNAL;
  std::thread second([&] {
    other =
        tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs);
  });
  EXPECT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs),
      TETHER_OK);
  second.join();
  EXPECT_EQ(other, TETHER_OK);
  EXPECT_EQ(collector.count(0), 1u);
  EXPECT_EQ(Probe::Get().states_destroyed(), 2u);
}

TEST_F(LifecycleTest, DestroyNullReturnsOk) {
  EXPECT_EQ(tether_runtime_destroy(nullptr), TETHER_OK);
}

TEST_F(LifecycleTest, DestroyWithoutShutdownCompletesPendingCallsWithClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  EXPECT_EQ(tether_runtime_destroy(runtime_.release()), TETHER_OK);
  ASSERT_EQ(collector.count(0), 1u);
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CLOSED);
  EXPECT_EQ(Probe::Get().states_destroyed(), 1u);
}

TEST_F(LifecycleTest, DrainWaitsForRunningCallsToReply) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  std::string ms = EncodeU64(50);
  ASSERT_EQ(Submit(collector, 0, Call(kSleepMs, ms)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kSleepMs, 1));
  ASSERT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs),
      TETHER_OK);
  ASSERT_EQ(collector.count(0), 1u);
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
}

TEST_F(LifecycleTest, DrainTimeoutCompletesUnrepliedCallWithClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  ASSERT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kShortTimeoutNs),
      TETHER_OK);
  ASSERT_EQ(collector.count(0), 1u);
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CLOSED);
  EXPECT_EQ(Stats(rt()).completed_closed, 1u);
}

TEST_F(LifecycleTest, CancelModeCompletesQueuedCallsWithClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  ASSERT_EQ(Submit(collector, 0, Call(kBlock, {}, 7)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  // The running handler may return only once shutdown has ended the queued
  // call, which it must do at once, without waiting for handlers.
  collector.set_hook([&](const tether_completion& completion) {
    if (completion.user_data == collector.user_data(1)) Probe::Get().OpenGate();
  });
  ASSERT_EQ(Submit(collector, 1, Call(kNoop, {}, 7)), TETHER_OK);
  EXPECT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  EXPECT_EQ(collector.count(0), 1u);
  ASSERT_EQ(collector.count(1), 1u);
  EXPECT_EQ(collector.completion(1)->status, TETHER_E_CLOSED);
}

TEST_F(LifecycleTest, NoCallbackRunsAfterShutdownReturns) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  const size_t kCalls = 200;
  Collector collector(kCalls);
  std::string ms = EncodeU64(1);
  for (size_t i = 0; i < kCalls; ++i) {
    ASSERT_EQ(Submit(collector, i, Call(i % 2 ? kAsyncTimer : kNoop, ms)),
              TETHER_OK);
  }
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  collector.MarkShutdownReturned();
  EXPECT_EQ(collector.total(), kCalls);
  std::this_thread::sleep_for(
      std::chrono::milliseconds(20));  // let a stray callback show
  EXPECT_EQ(collector.after_shutdown(), 0u);
  EXPECT_EQ(collector.duplicates(), 0u);
}

TEST_F(LifecycleTest, SubmitAfterShutdownIsClosedWithoutCallback) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  Collector collector(1);
  uint64_t ticket = 0;
  EXPECT_EQ(Submit(collector, 0, Call(kNoop), &ticket), TETHER_E_CLOSED);
  EXPECT_EQ(collector.total(), 0u);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(LifecycleTest, SubmitCqAfterShutdownIsClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  tether_cq* raw_cq = nullptr;
  ASSERT_EQ(tether_cq_open(rt(), &raw_cq), TETHER_OK);
  CqPtr cq(raw_cq);
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  tether_call call = Call(kNoop);
  EXPECT_EQ(tether_submit_cq(rt(), &call, cq.get(), 1, nullptr),
            TETHER_E_CLOSED);
  tether_completion out[1];
  size_t count = 1;
  EXPECT_EQ(tether_cq_poll(cq.get(), out, sizeof out[0], 1, 0, &count),
            TETHER_OK);
  EXPECT_EQ(count, 0u);
}

TEST_F(LifecycleTest, CancelAfterShutdownIsClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kNoop), &ticket), TETHER_OK);
  ASSERT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs),
      TETHER_OK);
  EXPECT_EQ(tether_cancel(rt(), ticket), TETHER_E_CLOSED);
  EXPECT_EQ(collector.total(), 1u);
}

TEST_F(LifecycleTest, StreamSubmitAfterShutdownIsClosedWithoutCallback) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  tether_stream* raw_stream = nullptr;
  ASSERT_EQ(tether_stream_open(rt(), &raw_stream), TETHER_OK);
  StreamPtr stream(raw_stream);
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  Collector collector(1);
  tether_call call = Call(kNoop, {}, 3);
  EXPECT_EQ(tether_stream_submit(stream.get(), &call, &Collector::Callback,
                                 collector.user_data(0), nullptr),
            TETHER_E_CLOSED);
  EXPECT_EQ(collector.total(), 0u);
}

TEST_F(LifecycleTest, StreamOpenAfterShutdownIsClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  tether_stream* stream = nullptr;
  EXPECT_EQ(tether_stream_open(rt(), &stream), TETHER_E_CLOSED);
}

TEST_F(LifecycleTest, CqOpenAfterShutdownIsClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  tether_cq* cq = nullptr;
  EXPECT_EQ(tether_cq_open(rt(), &cq), TETHER_E_CLOSED);
}

TEST_F(LifecycleTest, StatsStillReadableAfterShutdown) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kNoop)), TETHER_OK);
  ASSERT_EQ(
      tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongTimeoutNs),
      TETHER_OK);
  tether_stats stats = Stats(rt());
  EXPECT_EQ(stats.submitted, 1u);
  EXPECT_EQ(stats.completed_ok, 1u);
  EXPECT_EQ(stats.in_flight, 0u);
}

// glibc hands the id of a joined thread to the next thread it creates, so a
// thread started after shutdown often has the id the delivery thread had.
// Such a thread (a garbage collector's finalizer, say) may still shut down
// again and destroy.
TEST_F(LifecycleTest, ThreadsStartedAfterShutdownMayShutDownAndDestroy) {
  for (int round = 0; round < 20; ++round) {
    tether_runtime_config config = Config(1);
    tether_runtime* runtime = nullptr;
    ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &runtime, nullptr),
              TETHER_OK);
    ASSERT_EQ(tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_CANCEL, 0),
              TETHER_OK);
    tether_status again = TETHER_E_INTERNAL;
    std::thread([&] {
      again = tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN, 0);
    }).join();
    EXPECT_EQ(again, TETHER_OK) << "round " << round;
    tether_status destroyed = TETHER_E_INTERNAL;
    std::thread([&] { destroyed = tether_runtime_destroy(runtime); }).join();
    ASSERT_EQ(destroyed, TETHER_OK) << "round " << round;
  }
}

// Work posted to a lane runs exactly once, with TETHER_OK if the lane gets
// to it before it stops or TETHER_E_CLOSED as it stops, and both happen
// before shutdown returns.
TEST_F(LifecycleTest, WorkPostedBeforeShutdownRunsExactlyOnceBeforeItReturns) {
  for (int32_t mode : {TETHER_SHUTDOWN_CANCEL, TETHER_SHUTDOWN_DRAIN}) {
    Probe::Get().Reset();
    ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
    Collector collector(1);
    uint64_t ticket = 0;
    ASSERT_EQ(Submit(collector, 0, Call(kPostThenBlock), &ticket), TETHER_OK);
    ASSERT_EQ(Probe::Get().WaitStatus(ticket), TETHER_OK) << "posted";
    std::thread opener([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      Probe::Get().OpenGate();
    });
    ASSERT_EQ(tether_runtime_shutdown(rt(), mode, kLongTimeoutNs), TETHER_OK);
    opener.join();
    const std::vector<uint64_t> runs = Probe::Get().OrderLog(ticket);
    ASSERT_EQ(runs.size(), 1u) << "mode " << mode;
    EXPECT_TRUE(runs[0] == static_cast<uint64_t>(TETHER_OK) ||
                runs[0] == static_cast<uint64_t>(TETHER_E_CLOSED))
        << runs[0];
    if (mode == TETHER_SHUTDOWN_DRAIN) {
      // A drain waits for the reply, and the lane runs its posted work
      // while the drain waits, or as it stops: either way once.
      EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
    }
    runtime_.reset();
  }
}

TEST_F(LifecycleTest, ShutdownFromHandlerWouldDeadlock) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  std::string payload =
      EncodeU64Pair(reinterpret_cast<uintptr_t>(rt()), TETHER_SHUTDOWN_CANCEL);
  ASSERT_EQ(Submit(collector, 0, Call(kShutdownRuntime, payload), &ticket),
            TETHER_OK);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_WOULD_DEADLOCK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(Probe::Get().states_destroyed(), 0u);
}

TEST_F(LifecycleTest, DestroyFromHandlerWouldDeadlockAndFreesNothing) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  uint64_t ticket = 0;
  std::string payload = EncodeU64(reinterpret_cast<uintptr_t>(rt()));
  ASSERT_EQ(Submit(collector, 0, Call(kDestroyRuntime, payload), &ticket),
            TETHER_OK);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_WOULD_DEADLOCK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  ASSERT_EQ(Submit(collector, 1, Call(kNoop)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(1)->status, TETHER_OK);
}

// Calls tether_runtime_shutdown from inside the callback of the first call.
void ExpectShutdownFromCallbackWouldDeadlock(tether_runtime* runtime,
                                             const tether_call& call) {
  Collector collector(1);
  std::atomic<tether_status> from_callback{TETHER_E_INTERNAL};
  collector.set_hook([&](const tether_completion&) {
    from_callback = tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_CANCEL, 0);
  });
  ASSERT_EQ(tether_submit(runtime, &call, &Collector::Callback,
                          collector.user_data(0), nullptr),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(from_callback.load(), TETHER_E_WOULD_DEADLOCK);
  tether_call noop = Call(kNoop);
  Collector after(1);
  EXPECT_EQ(tether_submit(runtime, &noop, &Collector::Callback,
                          after.user_data(0), nullptr),
            TETHER_OK);
  EXPECT_TRUE(after.WaitForTotal(1));
}

TEST_F(LifecycleTest, ShutdownFromCallbackOnLaneWouldDeadlock) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1, TETHER_DELIVER_ON_LANE)));
  ExpectShutdownFromCallbackWouldDeadlock(rt(), Call(kNoop));
}

TEST_F(LifecycleTest, ShutdownFromCallbackOnDeliveryThreadWouldDeadlock) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1, TETHER_DELIVER_ON_THREAD)));
  ExpectShutdownFromCallbackWouldDeadlock(rt(), Call(kNoop));
}

TEST_F(LifecycleTest, ShutdownFromDeadlineCallbackWouldDeadlock) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ExpectShutdownFromCallbackWouldDeadlock(
      rt(), Call(kNeverReply, {}, TETHER_KEY_ANY, 1'000'000));
}

}  // namespace
}  // namespace tether_test
