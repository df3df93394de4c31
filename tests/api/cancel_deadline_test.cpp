// tether_cancel and call deadlines.
#include <atomic>
#include <thread>

#include "runtime_test.h"

namespace tether_test {
namespace {

constexpr uint64_t kShortDeadlineNs = 10'000'000;
constexpr uint64_t kRunningDeadlineNs = 200'000'000;

using CancelDeadlineTest = RuntimeTest;

TEST_F(CancelDeadlineTest,
       CancelRunningCallCompletesWithCancelledAndLibrarySeesIt) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kWaitCancelled), &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kWaitCancelled, 1));
  {
    ApiScope scope;
    ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  }
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CANCELLED);
  EXPECT_EQ(Probe::Get().WaitSawCancel(ticket), true);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_ALREADY_COMPLETED);
  EXPECT_EQ(collector.inside_api_call(), 0u);
  EXPECT_EQ(Stats(rt()).completed_cancelled, 1u);
}

TEST_F(CancelDeadlineTest, CancelQueuedCallCompletesWithCancelled) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  ASSERT_EQ(Submit(collector, 0, Call(kBlock, {}, 1)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 1, Call(kNoop, {}, 1), &ticket), TETHER_OK);
  ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(1)->status, TETHER_E_CANCELLED);
  EXPECT_TRUE(WaitNoneInFlight(rt()));
}

TEST_F(CancelDeadlineTest, CancelOfTicketZeroIsStale) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  EXPECT_EQ(tether_cancel(rt(), 0), TETHER_E_STALE_TICKET);
}

TEST_F(CancelDeadlineTest, CancelOfNeverIssuedTicketIsStale) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  EXPECT_EQ(tether_cancel(rt(), UINT64_MAX - 1), TETHER_E_STALE_TICKET);
  EXPECT_EQ(tether_cancel(rt(), 0xfff0'0000'0000'0001), TETHER_E_STALE_TICKET);
}

TEST_F(CancelDeadlineTest, CancelOfDeliveredCallIsStale) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kNoop), &ticket), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(tether_cancel(rt(), ticket), TETHER_E_STALE_TICKET);
  EXPECT_EQ(collector.total(), 1u);
}

TEST_F(CancelDeadlineTest, CancelOfRecycledSlotTicketIsStale) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  uint64_t first = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kNoop), &first), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  uint64_t second = 0;
  ASSERT_EQ(Submit(collector, 1, Call(kBlock), &second), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  EXPECT_NE(first, second);
  EXPECT_EQ(tether_cancel(rt(), first), TETHER_E_STALE_TICKET);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(1)->status, TETHER_OK);
}

TEST_F(CancelDeadlineTest, CancelOfAlreadyDecidedCallIsAlreadyCompleted) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2, TETHER_DELIVER_ON_THREAD)));
  // Hold the delivery thread inside a callback so the cancelled completion
  // stays undelivered while the second cancel runs.
  Collector holder(1);
  std::atomic<bool> release{false};
  std::atomic<bool> holding{false};
  holder.set_hook([&](const tether_completion&) {
    holding = true;
    WaitUntil([&] { return release.load(); });
  });
  ASSERT_EQ(Submit(holder, 0, Call(kNoop)), TETHER_OK);
  ASSERT_TRUE(WaitUntil([&] { return holding.load(); }));

  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply), &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  EXPECT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  EXPECT_EQ(tether_cancel(rt(), ticket), TETHER_E_ALREADY_COMPLETED);
  release = true;
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CANCELLED);
  EXPECT_EQ(collector.duplicates(), 0u);
}

TEST_F(CancelDeadlineTest, DeadlineWhileQueuedCompletesWithDeadline) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  ASSERT_EQ(Submit(collector, 0, Call(kBlock, {}, 1)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  ASSERT_EQ(Submit(collector, 1, Call(kNoop, {}, 1, kShortDeadlineNs)),
            TETHER_OK);
  // The lane is held until the deadline has been delivered.
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(1)->status, TETHER_E_DEADLINE);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(Stats(rt()).completed_deadline, 1u);
  EXPECT_TRUE(WaitNoneInFlight(rt()));
}

TEST_F(CancelDeadlineTest,
       DeadlineWhileRunningCompletesWithDeadlineAndLibrarySeesCancel) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  // Long enough that even a loaded machine's lane starts the handler before
  // the deadline: a deadline that fires first leaves no handler to see it.
  ASSERT_EQ(Submit(collector, 0,
                   Call(kWaitCancelled, {}, TETHER_KEY_ANY, kRunningDeadlineNs),
                   &ticket),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_DEADLINE);
  EXPECT_EQ(Probe::Get().WaitSawCancel(ticket), true);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_ALREADY_COMPLETED);
}

TEST_F(CancelDeadlineTest, DeadlineFiresWhileLaneIsBusyInAHandler) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  // The only lane is held in a handler; a call queued behind it still
  // gets its deadline, from the delivery thread.
  ASSERT_EQ(Submit(collector, 0, Call(kBlock)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  ASSERT_EQ(
      Submit(collector, 1, Call(kNoop, {}, TETHER_KEY_ANY, kShortDeadlineNs)),
      TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(1)->status, TETHER_E_DEADLINE);
  EXPECT_EQ(collector.count(0), 0u) << "the lane is still in the handler";
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
}

TEST_F(CancelDeadlineTest, CallFinishingBeforeItsDeadlineCompletesOk) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0,
                   Call(kEcho, "in time", TETHER_KEY_ANY, 60'000'000'000)),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(0)->result, "in time");
}

TEST_F(CancelDeadlineTest, CancelAfterDeadlineIsNotOk) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(
      Submit(collector, 0,
             Call(kNeverReply, {}, TETHER_KEY_ANY, kShortDeadlineNs), &ticket),
      TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  const tether_status status = tether_cancel(rt(), ticket);
  EXPECT_TRUE(status == TETHER_E_ALREADY_COMPLETED ||
              status == TETHER_E_STALE_TICKET)
      << tether_status_str(status);
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_DEADLINE);
  EXPECT_EQ(collector.total(), 1u);
}

}  // namespace
}  // namespace tether_test
