// Every accepted call completes exactly once, whatever races with it.
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "runtime_test.h"

namespace tether_test {
namespace {

using ExactlyOnceTest = RuntimeTest;

constexpr size_t kSubmitters = 8;

// What one submitted call was, and what the submitter saw.
struct Attempt {
  bool accepted = false;
  bool cancel_won = false;
};

class ShutdownRace {
 public:
  ShutdownRace(tether_runtime* runtime, size_t calls)
      : runtime_(runtime), calls_(calls), collector_(calls), attempts_(calls) {}

  // Submits `calls` calls from kSubmitters threads and shuts down once
  // `shutdown_after` of them were accepted.
  tether_status Run(size_t shutdown_after, int32_t mode, uint64_t timeout_ns) {
    std::vector<std::thread> submitters;
    for (size_t t = 0; t < kSubmitters; ++t)
      submitters.emplace_back([this, t] { Submitter(t); });
    while (accepted_.load() < shutdown_after &&
           finished_.load() < kSubmitters) {
      std::this_thread::yield();
    }
    tether_status status = tether_runtime_shutdown(runtime_, mode, timeout_ns);
    collector_.MarkShutdownReturned();
    completed_at_shutdown_ = collector_.total();
    for (auto& s : submitters) s.join();
    return status;
  }

  const Collector& collector() const { return collector_; }
  const std::vector<Attempt>& attempts() const { return attempts_; }
  size_t accepted() const { return accepted_.load(); }
  size_t completed_at_shutdown() const { return completed_at_shutdown_; }

 private:
  void Submitter(size_t thread) {
    const std::string ms = EncodeU64(1);
    const std::string bytes = "payload!";
    for (size_t i = thread; i < calls_; i += kSubmitters) {
      tether_call call = CallFor(i, ms, bytes);
      uint64_t ticket = 0;
      const tether_status status = RetryWhileBusy([&] {
        return tether_submit(runtime_, &call, &Collector::Callback,
                             collector_.user_data(i), &ticket);
      });
      if (status == TETHER_E_CLOSED) break;
      if (status != TETHER_OK) {
        unexpected_submit_.store(status);
        continue;
      }
      attempts_[i].accepted = true;
      accepted_.fetch_add(1);
      if (i % 16 == 15)
        attempts_[i].cancel_won = tether_cancel(runtime_, ticket) == TETHER_OK;
    }
    finished_.fetch_add(1);
  }

  static tether_call CallFor(size_t i, const std::string& ms,
                             const std::string& bytes) {
    switch (i % 16) {
      case 10:
      case 11:
        return Call(kEcho, bytes, i % 7);
      case 12:
        return Call(kAsyncTimer, ms);
      case 13:
        return Call(i % 1024 == 13 ? kNeverReply : kNoop, {}, i % 5);
      case 14:
        return Call(kNoop, {}, TETHER_KEY_ANY, 50'000);
      default:
        return Call(kNoop);
    }
  }

 public:
  std::atomic<tether_status> unexpected_submit_{TETHER_OK};

 private:
  tether_runtime* const runtime_;
  const size_t calls_;
  Collector collector_;
  std::vector<Attempt> attempts_;
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> finished_{0};
  size_t completed_at_shutdown_ = 0;
};

void ExpectEachAcceptedCallCompletedOnce(tether_runtime* runtime,
                                         const ShutdownRace& race) {
  EXPECT_EQ(race.unexpected_submit_.load(), TETHER_OK);
  EXPECT_EQ(race.completed_at_shutdown(), race.accepted())
      << "completions before shutdown returned";
  // Give a stray late callback the chance to show itself.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const Collector& collector = race.collector();
  EXPECT_EQ(collector.after_shutdown(), 0u);
  EXPECT_EQ(collector.duplicates(), 0u);
  EXPECT_EQ(collector.free_failures(), 0u);
  EXPECT_EQ(collector.inside_api_call(), 0u);
  size_t wrong = 0;
  for (size_t i = 0; i < race.attempts().size(); ++i) {
    const Attempt& attempt = race.attempts()[i];
    const size_t expected = attempt.accepted ? 1 : 0;
    if (collector.count(i) != expected) {
      if (++wrong <= 5)
        ADD_FAILURE() << "call " << i << " completed " << collector.count(i)
                      << " times";
      continue;
    }
    if (attempt.cancel_won &&
        collector.completion(i)->status != TETHER_E_CANCELLED) {
      if (++wrong <= 5)
        ADD_FAILURE() << "call " << i << " was cancelled but completed with "
                      << tether_status_str(collector.completion(i)->status);
    }
  }
  EXPECT_EQ(wrong, 0u);
  tether_stats stats = Stats(runtime);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.bytes_in_flight, 0u);
  EXPECT_EQ(stats.submitted, race.accepted());
  EXPECT_EQ(stats.completed_ok + stats.completed_library +
                stats.completed_cancelled + stats.completed_deadline +
                stats.completed_closed,
            race.accepted());
  EXPECT_EQ(stats.completed_cancelled,
            collector.with_status(TETHER_E_CANCELLED));
  EXPECT_EQ(stats.completed_closed, collector.with_status(TETHER_E_CLOSED));
}

void RunShutdownRaces(int32_t mode, uint64_t timeout_ns) {
  const size_t calls = Scaled(100'000);
  std::mt19937_64 random(
      ::testing::UnitTest::GetInstance()->random_seed() * 7919 + mode);
  for (int round = 0; round < 2; ++round) {
    const size_t shutdown_after =
        std::uniform_int_distribution<size_t>(0, calls - 1)(random);
    SCOPED_TRACE(::testing::Message()
                 << "round " << round << ", shutdown after " << shutdown_after
                 << " accepted calls");
    const uint64_t live_before = LiveBuffers();
    const uint64_t orphans_before = Collector::OrphanCompletions();
    tether_runtime_config config = Config(4);
    tether_runtime* runtime = nullptr;
    ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &runtime, nullptr),
              TETHER_OK);
    RuntimePtr owner(runtime);
    {
      ShutdownRace race(runtime, calls);
      EXPECT_EQ(race.Run(shutdown_after, mode, timeout_ns), TETHER_OK);
      ExpectEachAcceptedCallCompletedOnce(runtime, race);
    }
    owner.reset();
    EXPECT_EQ(Collector::OrphanCompletions(), orphans_before);
    EXPECT_EQ(LiveBuffers(), live_before)
        << "buffers leaked by completed calls";
  }
}

TEST_F(ExactlyOnceTest,
       CancelShutdownRacingSubmittersCompletesEachAcceptedCallOnce) {
  RunShutdownRaces(TETHER_SHUTDOWN_CANCEL, 0);
}

TEST_F(ExactlyOnceTest,
       ShortDrainShutdownRacingSubmittersCompletesEachAcceptedCallOnce) {
  RunShutdownRaces(TETHER_SHUTDOWN_DRAIN, 5'000'000);
}

TEST_F(ExactlyOnceTest,
       LateReplyAfterCancelIsAlreadyCompletedAndItsResultFreed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  const uint64_t live_before = LiveBuffers();
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kLateReply), &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kLateReply, 1));
  ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_ALREADY_COMPLETED);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CANCELLED);
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(LiveBuffers(), live_before);
  EXPECT_EQ(Stats(rt()).late_replies, 1u);
  EXPECT_EQ(collector.total(), 1u);
}

TEST_F(ExactlyOnceTest, CancelRacingReplyDecidesOneOutcome) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  const size_t kCalls = Scaled(20'000);
  Collector collector(kCalls);
  std::vector<tether_status> cancel_status(kCalls, TETHER_E_INTERNAL);
  for (size_t i = 0; i < kCalls; ++i) {
    uint64_t ticket = 0;
    ASSERT_EQ(RetryWhileBusy(
                  [&] { return Submit(collector, i, Call(kNoop), &ticket); }),
              TETHER_OK);
    ApiScope scope;
    cancel_status[i] = tether_cancel(rt(), ticket);
  }
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  size_t cancelled = 0;
  for (size_t i = 0; i < kCalls; ++i) {
    const tether_status outcome = collector.completion(i)->status;
    switch (cancel_status[i]) {
      case TETHER_OK:
        ++cancelled;
        ASSERT_EQ(outcome, TETHER_E_CANCELLED) << "call " << i;
        break;
      case TETHER_E_ALREADY_COMPLETED:
      case TETHER_E_STALE_TICKET:
        ASSERT_EQ(outcome, TETHER_OK) << "call " << i;
        break;
      default:
        FAIL() << "cancel of call " << i << " returned "
               << tether_status_str(cancel_status[i]);
    }
  }
  EXPECT_EQ(collector.duplicates(), 0u);
  EXPECT_EQ(collector.inside_api_call(), 0u);
  EXPECT_EQ(Stats(rt()).completed_cancelled, cancelled);
  EXPECT_TRUE(WaitNoneInFlight(rt()));
}

}  // namespace
}  // namespace tether_test
