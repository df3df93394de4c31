// Host threads that come and go: the library still sees only its lanes, and
// tether's memory stays flat.
#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "rss.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using ThreadsTest = RuntimeTest;

TEST_F(ThreadsTest, LaneStateIsCreatedOncePerLaneWhateverThreadSubmits) {
  const uint32_t kLanes = 4;
  ASSERT_NO_FATAL_FAILURE(Open(Config(kLanes)));
  const size_t kWaves = 4;
  const size_t kThreads = 16;
  const size_t kCallsPerThread = Scaled(400);
  const size_t kCalls = kWaves * kThreads * kCallsPerThread;
  Collector collector(kCalls);
  for (size_t wave = 0; wave < kWaves; ++wave) {
    std::vector<std::thread> submitters;
    for (size_t t = 0; t < kThreads; ++t) {
      submitters.emplace_back([&, wave, t] {
        for (size_t i = 0; i < kCallsPerThread; ++i) {
          const size_t index = (wave * kThreads + t) * kCallsPerThread + i;
          const uint64_t key = i % 3 == 0 ? TETHER_KEY_ANY : index % 11;
          tether_call call = Call(kLaneInfo, {}, key);
          EXPECT_EQ(
              RetryWhileBusy([&] { return Submit(collector, index, call); }),
              TETHER_OK);
        }
      });
    }
    for (auto& s : submitters) s.join();
  }
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  std::map<uint32_t, std::set<uint64_t>> threads_of_lane;
  for (size_t i = 0; i < kCalls; ++i) {
    LaneInfo info = DecodeLaneInfo(collector.completion(i)->result);
    ASSERT_EQ(info.states_on_thread, 1u) << "call " << i;
    threads_of_lane[info.lane_index].insert(info.thread_id);
  }
  for (const auto& [lane, threads] : threads_of_lane) {
    EXPECT_LT(lane, kLanes);
    EXPECT_EQ(threads.size(), 1u) << "lane " << lane;
  }
  EXPECT_EQ(Probe::Get().states_created(), kLanes);
  EXPECT_EQ(Probe::Get().foreign_thread_handles(), 0u);
}

// Runs `threads` threads one after another, each submitting one call and
// waiting for it.
void RunShortLivedSubmitters(tether_runtime* runtime, size_t threads) {
  for (size_t t = 0; t < threads; ++t) {
    std::thread([runtime] {
      Collector collector(1);
      tether_call call = Call(kNoop, {}, TETHER_KEY_ANY);
      ASSERT_EQ(tether_submit(runtime, &call, &Collector::Callback,
                              collector.user_data(0), nullptr),
                TETHER_OK);
      ASSERT_TRUE(collector.WaitForTotal(1));
    }).join();
  }
}

TEST_F(ThreadsTest, ShortLivedSubmitterThreadsKeepMemoryFlat) {
#if defined(TETHER_ASAN) || defined(TETHER_TSAN)
  GTEST_SKIP()
      << "sanitizer allocators keep freed memory; RSS says nothing there";
#endif
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  const size_t kWarmup = 1000;
  const size_t kTotal = std::max<size_t>(Scaled(10'000), 2 * kWarmup);
  RunShortLivedSubmitters(rt(), kWarmup);
  const uint64_t rss_warm = ResidentBytes();
  ASSERT_GT(rss_warm, 0u);
  RunShortLivedSubmitters(rt(), kTotal - kWarmup);
  const uint64_t rss_end = ResidentBytes();
  const uint64_t kSlack = 2 << 20;
  EXPECT_LE(rss_end, rss_warm + kSlack)
      << "RSS grew from " << rss_warm << " to " << rss_end << " bytes over "
      << kTotal - kWarmup << " threads";
  EXPECT_EQ(Stats(rt()).submitted, kTotal);
}

TEST_F(ThreadsTest, ShortLivedStreamThreadsKeepMemoryFlat) {
#if defined(TETHER_ASAN) || defined(TETHER_TSAN)
  GTEST_SKIP()
      << "sanitizer allocators keep freed memory; RSS says nothing there";
#endif
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  auto run = [&](size_t threads) {
    for (size_t t = 0; t < threads; ++t) {
      std::thread([&] {
        tether_stream* stream = nullptr;
        ASSERT_EQ(tether_stream_open(rt(), &stream), TETHER_OK);
        StreamPtr owner(stream);
        Collector collector(1);
        tether_call call = Call(kNoop, {}, 1);
        ASSERT_EQ(tether_stream_submit(stream, &call, &Collector::Callback,
                                       collector.user_data(0), nullptr),
                  TETHER_OK);
        ASSERT_TRUE(collector.WaitForTotal(1));
      }).join();
    }
  };
  run(1000);
  const uint64_t rss_warm = ResidentBytes();
  run(std::max<size_t>(Scaled(10'000), 2000) - 1000);
  const uint64_t rss_end = ResidentBytes();
  EXPECT_LE(rss_end, rss_warm + (2 << 20))
      << "RSS grew from " << rss_warm << " to " << rss_end;
}

}  // namespace
}  // namespace tether_test
