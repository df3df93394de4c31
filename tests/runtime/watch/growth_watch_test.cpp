#include "watch/growth_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "log/log.h"

namespace tether {
namespace {

// Collects growth-watch log lines. The watch writes its lines outside its
// lock, so concurrent observers may log at once: the sink locks.
class GrowthWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lines().clear();
    log::set_sink(
        [](uint64_t, int32_t, const char* message) {
          std::string line(message);
          if (line.find("growth watch:") != std::string::npos) {
            std::lock_guard<std::mutex> lock(sink_mutex());
            lines().push_back(line);
          }
        },
        0, TETHER_LOG_DEBUG);
  }
  static std::mutex& sink_mutex() {
    static std::mutex mutex;
    return mutex;
  }
  void TearDown() override { log::set_sink(nullptr, 0, TETHER_LOG_WARN); }
  static std::vector<std::string>& lines() {
    static std::vector<std::string> collected;
    return collected;
  }
};

TEST_F(GrowthWatchTest, LogsEachBoundaryOnceWhileOscillatingAroundOne) {
  GrowthWatch watch("test queue depth", 4096);
  for (uint64_t value = 0; value <= 9000; value += 7) watch.observe(value);
  // Oscillate around 8192, never below 2048 (a quarter of it).
  for (int round = 0; round < 1000; ++round) {
    watch.observe(round % 2 == 0 ? 7000 : 9000);
    watch.observe(round % 3 == 0 ? 8191 : 8193);
    watch.observe(2049);
  }
  ASSERT_EQ(lines().size(), 2u);
  EXPECT_NE(lines()[0].find("test queue depth reached 4096"), std::string::npos)
      << lines()[0];
  EXPECT_NE(lines()[1].find("test queue depth reached 8192"), std::string::npos)
      << lines()[1];
}

TEST_F(GrowthWatchTest, NothingBelowTheThreshold) {
  GrowthWatch watch("small", 4096);
  for (uint64_t value = 0; value < 4096; ++value) watch.observe(value);
  EXPECT_TRUE(lines().empty());
}

TEST_F(GrowthWatchTest, AJumpLogsTheHighestBoundaryReached) {
  GrowthWatch watch("jump", 4096);
  watch.observe(20000);
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_NE(lines()[0].find("reached 16384 (now 20000"), std::string::npos);
  watch.observe(30000);  // still below 32768
  EXPECT_EQ(lines().size(), 1u);
  watch.observe(32768);
  EXPECT_EQ(lines().size(), 2u);
}

TEST_F(GrowthWatchTest, FallingToAQuarterReArmsTheBoundary) {
  GrowthWatch watch("rearm", 4096);
  watch.observe(8192);  // logs 8192
  watch.observe(2049);  // above a quarter: still armed off
  watch.observe(8192);
  EXPECT_EQ(lines().size(), 1u);
  watch.observe(2048);  // a quarter of 8192: 8192 re-armed, not 4096
  watch.observe(8192);
  ASSERT_EQ(lines().size(), 2u);
  EXPECT_NE(lines()[1].find("reached 8192"), std::string::npos);
}

TEST_F(GrowthWatchTest, EachBoundaryReArmsOnlyAtAQuarterOfItself) {
  GrowthWatch watch("rearm each", 4096);
  for (uint64_t value = 0; value <= 20000; value += 7) watch.observe(value);
  ASSERT_EQ(lines().size(), 3u);  // 4096, 8192, 16384
  watch.observe(4000);            // a quarter of 16384, not of 8192 (2048)
  watch.observe(9000);            // 8192 stays logged
  ASSERT_EQ(lines().size(), 3u) << lines().back();
  EXPECT_EQ(watch.last_logged(), 8192u);
  watch.observe(17000);  // 16384 was re-armed by the fall to 4000
  ASSERT_EQ(lines().size(), 4u);
  EXPECT_NE(lines()[3].find("rearm each reached 16384 (now 17000"),
            std::string::npos)
      << lines()[3];
  watch.observe(2048);  // a quarter of 8192: 8192 and 16384 re-armed
  watch.observe(9000);
  ASSERT_EQ(lines().size(), 5u);
  EXPECT_NE(lines()[4].find("rearm each reached 8192 (now 9000"),
            std::string::npos)
      << lines()[4];
}

TEST_F(GrowthWatchTest, AJumpPastSeveralBoundariesLogsOneLineForTheHighest) {
  GrowthWatch watch("burst", 4);  // boundaries 4, 8, 16, 32, 64, ...
  watch.observe(40);
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_NE(lines()[0].find("burst reached 32 (now 40; threshold 4"),
            std::string::npos)
      << lines()[0];
  watch.observe(16);  // 4, 8 and 16 count as logged by that line
  watch.observe(63);
  EXPECT_EQ(lines().size(), 1u);
}

TEST_F(GrowthWatchTest, AValueEqualToTheThresholdLogs) {
  GrowthWatch watch("at threshold", 4096);
  watch.observe(4095);
  EXPECT_TRUE(lines().empty());
  watch.observe(4096);
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_NE(lines()[0].find("at threshold reached 4096 (now 4096"),
            std::string::npos)
      << lines()[0];
}

TEST_F(GrowthWatchTest, ThresholdIsRoundedUpToAPowerOfTwo) {
  GrowthWatch watch("rounded", 3000);
  watch.observe(3000);
  EXPECT_TRUE(lines().empty());
  watch.observe(4096);
  EXPECT_EQ(lines().size(), 1u);
}

TEST_F(GrowthWatchTest, DisabledWatchNeverLogs) {
  GrowthWatch watch("off", UINT64_MAX);
  watch.observe(UINT64_MAX);
  EXPECT_TRUE(lines().empty());
}

TEST_F(GrowthWatchTest, NewThresholdStartsOver) {
  GrowthWatch watch("restarted", 4096);
  watch.observe(5000);
  ASSERT_EQ(lines().size(), 1u);
  watch.set_threshold(1024);
  EXPECT_EQ(watch.last_logged(), 0u);
  watch.observe(1500);  // 1024 is a boundary now; 4096 may log again later
  watch.observe(5000);
  ASSERT_EQ(lines().size(), 3u);
  EXPECT_NE(lines()[1].find("reached 1024"), std::string::npos) << lines()[1];
  EXPECT_NE(lines()[2].find("reached 4096"), std::string::npos) << lines()[2];
  watch.set_threshold(UINT64_MAX);
  watch.observe(UINT64_MAX);
  EXPECT_EQ(lines().size(), 3u);
}

TEST_F(GrowthWatchTest, TheLineSaysWhereTheValueGrew) {
  int asked = 0;
  GrowthWatch watch("where", 4096, [&] {
    ++asked;
    return std::string("most at cache.cpp:42");
  });
  for (uint64_t value = 0; value <= 5000; ++value) watch.observe(value);
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_NE(lines()[0].find("where reached 4096 (now 4096; threshold 4096; "
                            "most at cache.cpp:42)"),
            std::string::npos)
      << lines()[0];
  EXPECT_EQ(asked, 1);  // asked only when a line is written
}

TEST_F(GrowthWatchTest, ConcurrentObserversMissNoBoundary) {
  // Four threads grow one counter and each reports what it saw, as
  // submitters do with the calls in flight. A thread preempted between its
  // increment and its report delivers a stale value, which may look like a
  // fall to a quarter and re-arm a boundary (see growth_watch.h): so every
  // boundary logs at least once, and a rare one twice.
  GrowthWatch watch("concurrent", 4096);
  std::atomic<uint64_t> counter{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 17500; ++i) watch.observe(counter.fetch_add(1) + 1);
    });
  }
  for (auto& thread : threads) thread.join();
  for (uint64_t boundary = 4096; boundary <= 65536; boundary *= 2) {
    const std::string reached =
        "concurrent reached " + std::to_string(boundary) + " ";
    int count = 0;
    for (const auto& line : lines()) {
      if (line.find(reached) != std::string::npos) ++count;
    }
    EXPECT_GE(count, 1) << boundary;
    EXPECT_LE(count, 2) << boundary;
  }
}

}  // namespace
}  // namespace tether
