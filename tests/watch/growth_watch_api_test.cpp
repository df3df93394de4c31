#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tether/library.hpp"
#include "tether/tether.h"

namespace {

constexpr uint32_t kSetGauge = 1;
constexpr uint32_t kHold = 2;
constexpr uint32_t kEcho = 3;

// Replies at once, except kHold (never, until shutdown). kSetGauge sets the
// lane's "table size" gauge to the 8-byte value in the payload.
struct WatchedLane {
  explicit WatchedLane(tether::Lane& lane)
      : lane(lane), gauge(lane.register_gauge("table size")) {}
  void handle(const tether::Request& request) {
    if (request.method() == kHold) return;
    if (request.method() == kEcho) {
      lane.reply(request, request.payload());
      return;
    }
    if (request.method() == kSetGauge) {
      uint64_t value = 0;
      std::memcpy(&value, request.payload().data(), sizeof value);
      lane.set_gauge(gauge, value);
    }
    lane.reply(request, "");
  }
  tether::Lane& lane;
  uint32_t gauge;
};

const tether_library* watched_library() {
  return tether::library_table<WatchedLane>("watched");
}

class GrowthWatchApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lines().clear();
    tether_log_set_sink(
        [](uint64_t, int32_t, const char* message) {
          std::lock_guard<std::mutex> lock(mutex());
          if (std::strstr(message, "growth watch:") != nullptr) {
            lines().emplace_back(message);
          }
        },
        0, TETHER_LOG_WARN);
  }
  void TearDown() override {
    if (runtime_ != nullptr) {
      EXPECT_EQ(tether_runtime_destroy(runtime_), TETHER_OK);
    }
    tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN);
  }
  void open(uint64_t threshold, uint32_t max_calls) {
    tether_runtime_config config;
    tether_runtime_config_init(&config);
    config.growth_threshold = threshold;
    config.max_calls_in_flight = max_calls;
    ASSERT_EQ(
        tether_runtime_open(watched_library(), &config, &runtime_, nullptr),
        TETHER_OK);
  }
  static std::vector<std::string>& lines() {
    static std::vector<std::string> collected;
    return collected;
  }
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::string> lines_with(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex());
    std::vector<std::string> found;
    for (const auto& line : lines()) {
      if (line.find(text) != std::string::npos) found.push_back(line);
    }
    return found;
  }
  uint64_t completed() {
    tether_stats stats;
    tether_stats_init(&stats);
    tether_runtime_stats(runtime_, &stats);
    return stats.completed_ok;
  }
  // A lane counts a completion for the stats just before it pushes it into
  // its queue and the watch logs only after that push: so wait for the
  // state itself, up to 10 s (true once it holds).
  template <class Pred>
  static bool eventually(Pred holds) {
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!holds()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::yield();
    }
    return true;
  }
  std::string leak_report() {
    char* report = nullptr;
    uint64_t findings = 0;
    EXPECT_EQ(tether_runtime_leak_report(runtime_, &report, &findings),
              TETHER_OK);
    std::string text(report != nullptr ? report : "");
    tether_buf_free(report);
    return text;
  }
  // One call at a time, so the lane sees the values in this order.
  void set_gauge_and_wait(uint64_t value) {
    std::atomic<bool> done{false};
    tether_call call;
    tether_call_init(&call);
    call.method = kSetGauge;
    call.payload = &value;
    call.payload_len = sizeof value;
    ASSERT_EQ(
        tether_submit(
            runtime_, &call,
            [](tether_completion* c) {
              reinterpret_cast<std::atomic<bool>*>(c->user_data)->store(true);
            },
            reinterpret_cast<uint64_t>(&done), nullptr),
        TETHER_OK);
    while (!done.load()) std::this_thread::yield();
  }
  tether_runtime* runtime_ = nullptr;
};

TEST_F(GrowthWatchApiTest, UndrainedCompletionQueueIsNamedAtEachBoundary) {
  open(4096, 16384);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime_, &cq), TETHER_OK);
  tether_call call;
  tether_call_init(&call);
  for (int i = 0; i < 9000; ++i) {
    ASSERT_EQ(tether_submit_cq(runtime_, &call, cq, i, nullptr), TETHER_OK);
  }
  while (completed() < 9000) std::this_thread::yield();
  const std::string line =
      "backlog of completion queue 1 of library 'watched': completions "
      "pushed and never polled reached";
  EXPECT_TRUE(eventually([&] { return lines_with(line).size() >= 2; }));
  auto found = lines_with(line);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NE(found[0].find("reached 4096"), std::string::npos) << found[0];
  EXPECT_NE(found[1].find("reached 8192"), std::string::npos) << found[1];

  tether_stats stats;
  tether_stats_init(&stats);
  tether_runtime_stats(runtime_, &stats);
  EXPECT_EQ(stats.cq_backlog, 9000u);
  std::vector<tether_completion> out(1024);
  size_t drained = 0;
  // The last pushes may still be under way: poll until all have come.
  EXPECT_TRUE(eventually([&] {
    size_t count = 0;
    EXPECT_EQ(
        tether_cq_poll(cq, out.data(), sizeof out[0], out.size(), 0, &count),
        TETHER_OK);
    drained += count;
    return drained >= 9000;
  }));
  EXPECT_EQ(drained, 9000u);
  tether_runtime_stats(runtime_, &stats);
  EXPECT_EQ(stats.cq_backlog, 0u);
  tether_cq_destroy(cq);
}

TEST_F(GrowthWatchApiTest, CompletionQueuesAreNumberedInTheOrderOpened) {
  open(16, 64);
  tether_cq* first = nullptr;
  tether_cq* second = nullptr;
  ASSERT_EQ(tether_cq_open(runtime_, &first), TETHER_OK);
  ASSERT_EQ(tether_cq_open(runtime_, &second), TETHER_OK);
  tether_call call;
  tether_call_init(&call);
  for (int i = 0; i < 16; ++i) {
    ASSERT_EQ(tether_submit_cq(runtime_, &call, second, i, nullptr), TETHER_OK);
  }
  const std::string line = "backlog of completion queue 2 of library 'watched'";
  EXPECT_TRUE(eventually([&] { return !lines_with(line).empty(); }));
  EXPECT_EQ(lines_with("completion queue 1 of").size(), 0u);
  auto found = lines_with(line);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("reached 16 (now 16"), std::string::npos) << found[0];
  tether_cq_destroy(first);
  tether_cq_destroy(second);
}

TEST_F(GrowthWatchApiTest, LeakReportNamesTheQueueTheBacklogLineNamed) {
  open(16, 64);
  tether_cq* polled = nullptr;
  tether_cq* forgotten = nullptr;
  ASSERT_EQ(tether_cq_open(runtime_, &polled), TETHER_OK);
  ASSERT_EQ(tether_cq_open(runtime_, &forgotten), TETHER_OK);
  tether_call call;
  tether_call_init(&call);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(tether_submit_cq(runtime_, &call, forgotten, i, nullptr),
              TETHER_OK);
  }
  const std::string named =
      "    20 in completion queue 2 of library 'watched'\n";
  std::string text;
  EXPECT_TRUE(eventually([&] {
    text = leak_report();
    return text.find(named) != std::string::npos;
  })) << text;
  EXPECT_NE(text.find("completions pushed to completion queues and never "
                      "polled (each with its result or error buffer), by "
                      "queue:\n" +
                      named),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("completion queue 1 of"), std::string::npos) << text;
  const std::string line = "backlog of completion queue 2 of library 'watched'";
  EXPECT_TRUE(eventually([&] { return !lines_with(line).empty(); }));
  EXPECT_EQ(lines_with(line).size(), 1u);
  tether_cq_destroy(forgotten);
  tether_cq_destroy(polled);
}

TEST_F(GrowthWatchApiTest, AGaugeJumpPastSeveralBoundariesLogsOnlyTheHighest) {
  open(4, 64);
  for (uint64_t value : {40ull, 16ull, 63ull}) set_gauge_and_wait(value);
  auto found = lines_with("gauge 'table size' of library 'watched' on lane 0");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("reached 32 (now 40; threshold 4)"),
            std::string::npos)
      << found[0];
}

TEST_F(GrowthWatchApiTest, LibraryGaugeIsReportedAtEachBoundaryOnce) {
  open(4096, 64);
  std::atomic<int> done{0};
  for (uint64_t value : {100ull, 5000ull, 9000ull, 8000ull, 9000ull, 8500ull}) {
    tether_call call;
    tether_call_init(&call);
    call.method = kSetGauge;
    call.payload = &value;
    call.payload_len = sizeof value;
    ASSERT_EQ(
        tether_submit(
            runtime_, &call,
            [](tether_completion* c) {
              reinterpret_cast<std::atomic<int>*>(c->user_data)->fetch_add(1);
            },
            reinterpret_cast<uint64_t>(&done), nullptr),
        TETHER_OK);
  }
  while (done.load() < 6) std::this_thread::yield();
  auto found = lines_with("gauge 'table size' of library 'watched' on lane 0");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NE(found[0].find("reached 4096"), std::string::npos) << found[0];
  EXPECT_NE(found[1].find("reached 8192"), std::string::npos) << found[1];
}

TEST_F(GrowthWatchApiTest, CallsStuckAtTheCreditLimitAreReported) {
  // Calls in flight are bounded by the credits: the watch starts there, so
  // a pipeline below the limit is never reported.
  open(64, 128);
  tether_call call;
  tether_call_init(&call);
  call.method = kHold;
  for (int i = 0; i < 127; ++i) {
    ASSERT_EQ(tether_submit(
                  runtime_, &call, [](tether_completion*) {}, 0, nullptr),
              TETHER_OK);
  }
  const std::string what =
      "calls in flight on the runtime of library 'watched'";
  EXPECT_TRUE(lines_with(what).empty());
  ASSERT_EQ(tether_submit(
                runtime_, &call, [](tether_completion*) {}, 0, nullptr),
            TETHER_OK);
  auto found = lines_with(what);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("reached 128"), std::string::npos) << found[0];
  EXPECT_EQ(tether_submit(
                runtime_, &call, [](tether_completion*) {}, 0, nullptr),
            TETHER_E_BUSY);
}

TEST_F(GrowthWatchApiTest, LiveBuffersNameTheSiteHoldingTheMost) {
  // A result nobody frees: the count of live buffers reaches 4096.
  tether_buf_set_growth_threshold(0, 0);
  std::vector<void*> kept;
  for (int i = 0; i < 5000; ++i) {
    kept.push_back(tether_buf_alloc_tagged(16, "unfreed results"));
    ASSERT_NE(kept.back(), nullptr);
  }
  void* other = tether_buf_alloc_tagged(16, "elsewhere");
  auto found = lines_with("live tether buffers reached");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("reached 4096"), std::string::npos) << found[0];
  EXPECT_NE(found[0].find("most at unfreed results"), std::string::npos)
      << found[0];
  for (void* data : kept) ASSERT_EQ(tether_buf_free(data), TETHER_OK);
  ASSERT_EQ(tether_buf_free(other), TETHER_OK);
  EXPECT_EQ(lines_with("live tether buffers reached").size(), 1u);
}

TEST_F(GrowthWatchApiTest, LiveBuffersNameTheCallThatMadeTheOldest) {
  open(4096, 16384);
  tether_buf_set_growth_threshold(0, 0);
  static std::atomic<void*> kept_result{nullptr};
  tether_call call;
  tether_call_init(&call);
  call.method = kEcho;
  call.key = 7;
  call.payload = "a result never freed";
  call.payload_len = 20;
  uint64_t ticket = 0;
  ASSERT_EQ(tether_submit(
                runtime_, &call,
                [](tether_completion* c) { kept_result.store(c->result); }, 0,
                &ticket),
            TETHER_OK);
  ASSERT_TRUE(eventually([] { return kept_result.load() != nullptr; }));
  std::vector<void*> kept;
  for (int i = 0; i < 5000; ++i) {
    kept.push_back(tether_buf_alloc_tagged(16, "unfreed results"));
    ASSERT_NE(kept.back(), nullptr);
  }
  auto found = lines_with("live tether buffers reached");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("the oldest made by a call: 20 bytes at "),
            std::string::npos)
      << found[0];
  EXPECT_NE(found[0].find("by method " + std::to_string(kEcho) +
                          ", key 7 (ticket " + std::to_string(ticket) + ")"),
            std::string::npos)
      << found[0];
  for (void* data : kept) ASSERT_EQ(tether_buf_free(data), TETHER_OK);
  ASSERT_EQ(tether_buf_free(kept_result.exchange(nullptr)), TETHER_OK);
}

TEST_F(GrowthWatchApiTest, LiveBufferBytesHaveTheirOwnThreshold) {
  tether_buf_set_growth_threshold(UINT64_MAX, 1 << 20);
  std::vector<void*> kept;
  for (int i = 0; i < 40; ++i) {  // 2.5 MiB in 64 KiB buffers
    kept.push_back(tether_buf_alloc_tagged(64 << 10, "image cache"));
    ASSERT_NE(kept.back(), nullptr);
  }
  auto found = lines_with("live tether buffer bytes reached");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NE(found[0].find("reached 1048576"), std::string::npos) << found[0];
  EXPECT_NE(found[1].find("reached 2097152"), std::string::npos) << found[1];
  EXPECT_NE(found[1].find("most at image cache"), std::string::npos)
      << found[1];
  EXPECT_TRUE(lines_with("live tether buffers reached").empty());
  for (void* data : kept) ASSERT_EQ(tether_buf_free(data), TETHER_OK);
  tether_buf_set_growth_threshold(0, 0);
}

TEST(GrowthWatchSinkTest, ASinkThatAllocatesWhileTheWatchLogsIsServed) {
  // The log sink may call into tether; here it allocates a tether buffer
  // for each growth line, which the watch that is logging then observes.
  static std::vector<void*> from_sink;
  static int lines = 0;
  // Boundaries T and 2T above what is live already in this process.
  uint64_t live = 0;
  tether_buf_live(&live, nullptr);
  uint64_t threshold = 8;
  while (threshold <= live) threshold *= 2;
  tether_buf_set_growth_threshold(threshold, UINT64_MAX);
  tether_log_set_sink(
      [](uint64_t, int32_t, const char* message) {
        if (std::strstr(message, "live tether buffers reached") == nullptr) {
          return;
        }
        ++lines;
        from_sink.push_back(tether_buf_alloc_tagged(16, "log sink"));
      },
      0, TETHER_LOG_WARN);
  std::vector<void*> kept;
  while (live + kept.size() < 2 * threshold + 2) {
    kept.push_back(tether_buf_alloc(16));
  }
  tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN);
  EXPECT_EQ(lines, 2);  // T and 2T
  ASSERT_EQ(from_sink.size(), 2u);
  for (void* data : kept) EXPECT_EQ(tether_buf_free(data), TETHER_OK);
  for (void* data : from_sink) EXPECT_EQ(tether_buf_free(data), TETHER_OK);
  tether_buf_set_growth_threshold(0, 0);
}

}  // namespace
