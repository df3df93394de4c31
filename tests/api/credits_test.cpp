// Credits: calls and bytes in flight are bounded at submit, never by a drop.
#include <string>
#include <thread>

#include "runtime_test.h"

namespace tether_test {
namespace {

using CreditsTest = RuntimeTest;

TEST_F(CreditsTest, SubmitOverCallCreditsIsBusyWithoutCallback) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 4;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(5);
  for (size_t i = 0; i < 4; ++i)
    ASSERT_EQ(Submit(collector, i, Call(kBlock)), TETHER_OK);
  EXPECT_EQ(Submit(collector, 4, Call(kNoop)), TETHER_E_BUSY);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(4));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(collector.count(4), 0u);
  tether_stats stats = Stats(rt());
  EXPECT_EQ(stats.rejected_busy, 1u);
  EXPECT_EQ(stats.submitted, 4u);
}

TEST_F(CreditsTest, SubmitOverByteCreditsIsBusyWithoutCallback) {
  tether_runtime_config config = Config(1);
  config.max_bytes_in_flight = 1000;
  config.max_payload_bytes = 1000;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(3);
  std::string big(600, 'b');
  std::string small(300, 's');
  ASSERT_EQ(Submit(collector, 0, Call(kBlock, big)), TETHER_OK);
  EXPECT_EQ(Stats(rt()).bytes_in_flight, 600u);
  EXPECT_EQ(Submit(collector, 1, Call(kBlock, big)), TETHER_E_BUSY);
  EXPECT_EQ(Submit(collector, 2, Call(kBlock, small)), TETHER_OK);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(2));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(collector.count(1), 0u);
  EXPECT_EQ(Stats(rt()).bytes_in_flight, 0u);
}

TEST_F(CreditsTest, CreditsReturnOnceCallsComplete) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 2;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  const size_t kRounds = 50;
  Collector collector(kRounds * 2);
  for (size_t round = 0; round < kRounds; ++round) {
    ASSERT_EQ(Submit(collector, 2 * round, Call(kNoop)), TETHER_OK)
        << "round " << round;
    ASSERT_EQ(Submit(collector, 2 * round + 1, Call(kNoop)), TETHER_OK)
        << "round " << round;
    ASSERT_TRUE(collector.WaitForTotal(2 * round + 2));
    ASSERT_TRUE(WaitNoneInFlight(rt()));
  }
}

TEST_F(CreditsTest, InFlightReturnsToZeroAfterMixedLoadStops) {
  tether_runtime_config config = Config(2);
  config.max_calls_in_flight = 64;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  const size_t kCalls = Scaled(8000);
  Collector collector(kCalls);
  std::string bytes(100, 'p');
  std::string ms = EncodeU64(1);
  std::string message = EncodeU64(7) + "library said no";
  for (size_t i = 0; i < kCalls; ++i) {
    tether_call call;
    switch (i % 6) {
      case 0:
        call = Call(kEcho, bytes, i % 3);
        break;
      case 1:
        call = Call(kReplyError, message);
        break;
      case 2:
        call = Call(kThrow, "thrown");
        break;
      case 3:
        call = Call(kAsyncTimer, ms);
        break;
      case 4:
        call = Call(kWaitCancelled, {}, TETHER_KEY_ANY, 1'000'000);
        break;
      default:
        call = Call(kWaitCancelled);
        break;
    }
    uint64_t ticket = 0;
    ASSERT_EQ(
        RetryWhileBusy([&] { return Submit(collector, i, call, &ticket); }),
        TETHER_OK);
    if (i % 6 == 5) {
      ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
    }
  }
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  tether_stats stats = Stats(rt());
  EXPECT_EQ(stats.bytes_in_flight, 0u);
  EXPECT_EQ(stats.completed_ok, collector.with_status(TETHER_OK));
  EXPECT_EQ(stats.completed_library, collector.with_status(TETHER_E_LIBRARY));
  EXPECT_EQ(stats.completed_deadline, collector.with_status(TETHER_E_DEADLINE));
  EXPECT_EQ(stats.completed_cancelled,
            collector.with_status(TETHER_E_CANCELLED));
  EXPECT_EQ(collector.duplicates(), 0u);
}

TEST_F(CreditsTest,
       CreditOfCallPastItsDeadlineReturnsThoughTheHandlerNeverReplies) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 1;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(2);
  ASSERT_EQ(
      Submit(collector, 0, Call(kNeverReply, {}, TETHER_KEY_ANY, 20'000'000)),
      TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_DEADLINE);
  EXPECT_EQ(Submit(collector, 1, Call(kNoop)), TETHER_OK);
  EXPECT_TRUE(collector.WaitForTotal(2));
}

TEST_F(CreditsTest, CreditOfCancelledCallReturnsThoughTheHandlerNeverReplies) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 1;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(2);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply), &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(Submit(collector, 1, Call(kNoop)), TETHER_OK);
  EXPECT_TRUE(collector.WaitForTotal(2));
}

}  // namespace
}  // namespace tether_test
