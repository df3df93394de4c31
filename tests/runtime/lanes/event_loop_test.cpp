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

TEST(EventLoopTest, PostAfterCloseIsRefused) {
  EventLoop loop;
  loop.close();
  bool ran = false;
  EXPECT_EQ(loop.post([&](bool) { ran = true; }), Status::kClosed);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace tether
