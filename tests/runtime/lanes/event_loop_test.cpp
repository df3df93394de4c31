#include "lanes/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tether {
namespace {

TEST(EventLoopTest, PostedWorkRunsOnTheOwnerThread) {
  EventLoop loop;
  std::thread::id ran_on;
  bool ran_normally = false;
  std::thread poster([&] {
    ASSERT_EQ(loop.post([&](bool ran) {
      ran_on = std::this_thread::get_id();
      ran_normally = ran;
    }),
              Status::kOk);
  });
  poster.join();
  loop.park();  // the posted handler ends the wait
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(ran_normally);
}

TEST(EventLoopTest, TimerEndsAPark) {
  EventLoop loop;
  bool fired = false;
  ASSERT_EQ(loop.schedule(1'000'000, [&](bool ran) { fired = ran; }),
            Status::kOk);
  while (!fired) {
    loop.begin_park();
    loop.park();
  }
  EXPECT_TRUE(fired);
}

TEST(EventLoopTest, WakeEndsAParkFromAnotherThread) {
  EventLoop loop;
  std::atomic<bool> parked_once{false};
  std::thread waker([&] {
    while (!loop.parked()) std::this_thread::yield();
    loop.wake_if_parked();
  });
  loop.begin_park();
  loop.park();
  parked_once = true;
  waker.join();
  EXPECT_TRUE(parked_once.load());
}

// spinning() tells a submitter whether the owner will look at its queues
// again without a wake-up: true from the first idle pass until work is
// seen or the spin ends, false while busy or parked.
TEST(EventLoopTest, SpinningFromTheFirstIdlePassUntilWorkIsSeen) {
  EventLoop loop;
  EXPECT_FALSE(loop.spinning());
  int looks = 0;
  auto never_work = [&] {
    ++looks;
    return false;
  };
  loop.idle(1'000, 10'000, never_work);
  EXPECT_TRUE(loop.spinning());
  loop.idle(1'000 + EventLoop::kPauseOnlyNs, 10'000, never_work);
  EXPECT_TRUE(loop.spinning());
  EXPECT_EQ(looks, 0);  // the park is not tried while the spin lasts
  loop.busy();
  EXPECT_FALSE(loop.spinning());
  EXPECT_FALSE(loop.parked());
}

TEST(EventLoopTest, NotSpinningOnceTheSpinEndsEvenIfWorkCancelsThePark) {
  EventLoop loop;
  loop.idle(1'000, 10'000, [] { return false; });
  ASSERT_TRUE(loop.spinning());
  bool announced = false;
  bool spinning_at_look = true;
  loop.idle(11'000, 10'000, [&] {
    announced = loop.parked();
    spinning_at_look = loop.spinning();
    return true;  // work arrived: the park is cancelled
  });
  // Both before the last look: the waker's Dekker pairing relies on it.
  EXPECT_TRUE(announced);
  EXPECT_FALSE(spinning_at_look);
  EXPECT_FALSE(loop.spinning());
  EXPECT_FALSE(loop.parked());
  // Still past its spin: the next idle pass tries to park again at once.
  int looks = 0;
  loop.idle(11'001, 10'000, [&] {
    ++looks;
    return true;
  });
  EXPECT_EQ(looks, 1);
}

// Code a spinning owner runs between two looks (timers, callbacks) may
// block: while it runs the owner does not read as spinning, and ending the
// spin so tells the owner's hook, once.
TEST(EventLoopTest, NotSpinningHidesTheSpinAndCallsTheHookOnlyWhenSpinning) {
  EventLoop loop;
  int hooks = 0;
  loop.on_spin_interrupted([](void* count) { ++*static_cast<int*>(count); },
                           &hooks);
  {
    EventLoop::NotSpinning busy_outside_a_spin(loop);
    EXPECT_FALSE(loop.spinning());
  }
  EXPECT_EQ(hooks, 0);
  EXPECT_FALSE(loop.spinning());
  loop.idle(1'000, 10'000, [] { return false; });
  ASSERT_TRUE(loop.spinning());
  {
    EventLoop::NotSpinning running_a_timer(loop);
    EXPECT_FALSE(loop.spinning());
    EXPECT_EQ(hooks, 1);
  }
  EXPECT_TRUE(loop.spinning());  // back in the spin
  EXPECT_EQ(hooks, 1);
}

TEST(EventLoopTest, AZeroSpinNeverReportsSpinning) {
  EventLoop loop;
  bool spinning_at_look = true;
  loop.idle(1'000, 0, [&] {
    spinning_at_look = loop.spinning();
    return true;
  });
  EXPECT_FALSE(spinning_at_look);
  EXPECT_FALSE(loop.spinning());
}

TEST(EventLoopTest, CloseRunsPendingWorkOnceWithRanFalse) {
  EventLoop loop;
  std::vector<bool> outcomes;
  ASSERT_EQ(loop.post([&](bool ran) { outcomes.push_back(ran); }), Status::kOk);
  ASSERT_EQ(loop.schedule(3'600'000'000'000ULL,
                          [&](bool ran) { outcomes.push_back(ran); }),
            Status::kOk);
  loop.close();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_FALSE(outcomes[0]);
  EXPECT_FALSE(outcomes[1]);
}

TEST(EventLoopTest, ADelayPastTheClocksRangeRunsOnlyAtClose) {
  EventLoop loop;
  std::vector<bool> endless;
  for (uint64_t delay :
       {UINT64_MAX, uint64_t{1} << 63, static_cast<uint64_t>(INT64_MAX)}) {
    ASSERT_EQ(loop.schedule(delay, [&](bool ran) { endless.push_back(ran); }),
              Status::kOk);
  }
  // Timers run in the order they are due, so one due in 1 ms runs after
  // any of those that were (wrongly) due at once.
  bool fired = false;
  ASSERT_EQ(loop.schedule(1'000'000, [&](bool ran) { fired = ran; }),
            Status::kOk);
  while (!fired) {
    loop.begin_park();
    loop.park();
  }
  EXPECT_TRUE(endless.empty());
  loop.close();
  EXPECT_EQ(endless, std::vector<bool>({false, false, false}));
}

TEST(EventLoopTest, PostAfterCloseIsRefused) {
  EventLoop loop;
  loop.close();
  bool ran = false;
  EXPECT_EQ(loop.post([&](bool) { ran = true; }), Status::kClosed);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace tether
