#include "core/call_credits.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tether {
namespace {

TEST(CallCreditsTest, RefusesOverTheLimitAndTakesNothing) {
  CallCredits credits(3);
  EXPECT_EQ(credits.take(), 1);
  EXPECT_EQ(credits.take(), 2);
  EXPECT_EQ(credits.take(), 3);
  EXPECT_EQ(credits.take(), 0);
  EXPECT_EQ(credits.take(), 0);
  EXPECT_EQ(credits.in_flight(), 3);
}

TEST(CallCreditsTest, ADeliveryMakesRoomForTheNextCall) {
  // At a limit of one, a callback submits the next call right after its own
  // credit came back: the stale cached view must not refuse it.
  CallCredits credits(1);
  for (int call = 0; call < 100; ++call) {
    ASSERT_EQ(credits.take(), 1) << call;
    EXPECT_EQ(credits.take(), 0);
    credits.return_some(1);
  }
  EXPECT_EQ(credits.in_flight(), 0);
}

TEST(CallCreditsTest, GiveBackUndoesATake) {
  CallCredits credits(2);
  ASSERT_EQ(credits.take(), 1);
  ASSERT_EQ(credits.take(), 2);
  credits.give_back();
  EXPECT_EQ(credits.in_flight(), 1);
  EXPECT_EQ(credits.take(), 2);
}

TEST(CallCreditsTest, ValuesAboveHalfTheLimitAreExact) {
  // Deliveries the submitter has not looked at yet may overstate what is in
  // flight, but never past half the limit.
  CallCredits credits(8);
  for (int i = 0; i < 8; ++i) ASSERT_GT(credits.take(), 0);
  for (int i = 0; i < 6; ++i) credits.return_some(1);
  // Two in flight; the cached view still says eight were never returned.
  int64_t reported = credits.take();
  EXPECT_EQ(reported, 3);
  EXPECT_EQ(credits.in_flight(), 3);
}

TEST(CallCreditsTest, ASubmitterOvertakenByLaterDeliveriesStillGetsItsCall) {
  // Submitter A increments `taken`, is preempted, and meanwhile a later
  // call is taken and delivered: when A reads the returned count it already
  // holds that later call, so A's difference is zero though A's call is in
  // flight. One thread cannot stop inside take(), so the later call's
  // return is played before A's take: the state A meets is the same.
  CallCredits credits(2);
  ASSERT_EQ(credits.take(), 1);
  credits.return_some(1);
  ASSERT_EQ(credits.take(), 1);
  credits.return_some(1);        // the cached view of `returned` still says 0
  credits.return_some(1);        // the later call's return, ahead of A's take
  EXPECT_EQ(credits.take(), 1);  // A: admitted, not refused
  EXPECT_EQ(credits.take(), 1);
  EXPECT_EQ(credits.take(), 2);
}

TEST(CallCreditsTest, NeverMoreThanTheLimitInFlightUnderContention) {
  // Four submitters and two deliverers: a credit taken is held, checked
  // against the limit, and returned from another thread.
  constexpr int64_t kLimit = 16;
  CallCredits credits(kLimit);
  std::atomic<int64_t> held{0};
  std::atomic<int64_t> worst{0};
  std::atomic<int64_t> to_return{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        if (credits.take() == 0) continue;
        int64_t now = held.fetch_add(1) + 1;
        int64_t seen = worst.load();
        while (now > seen && !worst.compare_exchange_weak(seen, now)) {
        }
        to_return.fetch_add(1);
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        int64_t pending = to_return.load();
        if (pending == 0) {
          if (stop.load()) return;
          std::this_thread::yield();
          continue;
        }
        if (!to_return.compare_exchange_weak(pending, pending - 1)) continue;
        held.fetch_sub(1);
        credits.return_some(1);
      }
    });
  }
  for (int t = 0; t < 4; ++t) threads[t].join();
  stop.store(true);
  for (std::size_t t = 4; t < threads.size(); ++t) threads[t].join();
  EXPECT_LE(worst.load(), kLimit);
  EXPECT_EQ(credits.in_flight(), 0);
}

}  // namespace
}  // namespace tether
