// SQLite's fault-injection loop, for tether: one scenario (open, a
// completion queue, submits from two threads, a cancel, a deadline, a
// stream, shutdown, destroy) run with its 1st allocation inside tether failing,
// then its 2nd, and so on, until a run makes fewer allocations than the one
// that was to fail. For every run: no crash or hang, every public call
// returned TETHER_OK, TETHER_E_NO_MEMORY or another status its header
// documents for the situation, every accepted call completed exactly once,
// and live buffers and open file descriptors came back to their counts
// from before the run.
#include <dirent.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/alloc_fault.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

constexpr size_t kCallbackCalls = 12;
constexpr size_t kQueueCalls = 12;
constexpr size_t kStreamCalls = 4;
// Collector indices: the second thread's calls, then the deadline and the
// cancelled call, then the stream's.
constexpr size_t kDeadlineCall = kCallbackCalls;
constexpr size_t kCancelledCall = kCallbackCalls + 1;
constexpr size_t kFirstStreamCall = kCallbackCalls + 2;
constexpr size_t kCollected = kFirstStreamCall + kStreamCalls;
// Over the 64 bytes a call carries inline: a copied payload is malloc'd.
const std::string kPayload(100, 'p');

// Which public calls answered TETHER_E_NO_MEMORY over the whole loop: the
// failure paths the loop reached.
std::map<std::string, int> g_no_memory;

void Note(const char* function, tether_status status) {
  if (status == TETHER_E_NO_MEMORY) ++g_no_memory[function];
}

bool AllowedSubmit(tether_status status) {
  return status == TETHER_OK || status == TETHER_E_NO_MEMORY ||
         status == TETHER_E_BUSY;
}

// Open file descriptors of this process: a queue leaked by a failed open
// keeps its eventfd (LeakSanitizer sees the memory; this, any build).
size_t OpenFds() {
  size_t count = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir) != nullptr) ++count;
    ::closedir(dir);
  }
  return count;
}

struct RunResult {
  bool fired = false;
  uint64_t counted = 0;
};

// One run of the scenario with the nth allocation failing (0: none).
RunResult RunScenario(uint64_t nth) {
  RunResult result;
  const uint64_t live_before = LiveBuffers();
  const size_t fds_before = OpenFds();
  if (nth != 0) tether::alloc_fault::arm(nth);

  tether_runtime_config config = Config(2);
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  tether_status status =
      tether_runtime_open(TestLibrary(), &config, &runtime, &error);
  tether_buf_free(error);
  Note("tether_runtime_open", status);
  if (status != TETHER_OK) {
    EXPECT_EQ(status, TETHER_E_NO_MEMORY);
    EXPECT_EQ(runtime, nullptr);
  }
  if (runtime != nullptr) {
    tether_cq* cq = nullptr;
    status = tether_cq_open(runtime, &cq);
    Note("tether_cq_open", status);
    if (status != TETHER_OK) EXPECT_EQ(status, TETHER_E_NO_MEMORY);

    Collector collector(kCollected);
    std::array<bool, kCollected> accepted{};
    std::thread second([&] {
      for (size_t i = 0; i < kCallbackCalls; ++i) {
        tether_call call = Call(kEcho, kPayload);
        tether_status s = tether_submit(runtime, &call, &Collector::Callback,
                                        collector.user_data(i), nullptr);
        EXPECT_TRUE(AllowedSubmit(s)) << tether_status_str(s);
        Note("tether_submit (second thread)", s);
        accepted[i] = s == TETHER_OK;
      }
    });
    // A call that ends by its deadline, and one that ends by a cancel.
    tether_call deadline = Call(kNeverReply);
    deadline.timeout_ns = 1'000'000;
    tether_status s =
        tether_submit(runtime, &deadline, &Collector::Callback,
                      collector.user_data(kDeadlineCall), nullptr);
    EXPECT_TRUE(AllowedSubmit(s)) << tether_status_str(s);
    Note("tether_submit", s);
    accepted[kDeadlineCall] = s == TETHER_OK;
    tether_call never = Call(kNeverReply);
    uint64_t ticket = 0;
    s = tether_submit(runtime, &never, &Collector::Callback,
                      collector.user_data(kCancelledCall), &ticket);
    EXPECT_TRUE(AllowedSubmit(s)) << tether_status_str(s);
    accepted[kCancelledCall] = s == TETHER_OK;
    if (s == TETHER_OK) {
      tether_status c = tether_cancel(runtime, ticket);
      Note("tether_cancel", c);
      EXPECT_TRUE(c == TETHER_OK || c == TETHER_E_NO_MEMORY ||
                  c == TETHER_E_BUSY)
          << tether_status_str(c);
    }
    // Ordered calls through a stream (its own producer port).
    tether_stream* stream = nullptr;
    s = tether_stream_open(runtime, &stream);
    Note("tether_stream_open", s);
    if (s != TETHER_OK) {
      EXPECT_EQ(s, TETHER_E_NO_MEMORY);
      EXPECT_EQ(stream, nullptr);
    }
    for (size_t i = 0; stream != nullptr && i < kStreamCalls; ++i) {
      tether_call call = Call(kEcho, kPayload);
      call.key = 7;
      tether_status t = tether_stream_submit(
          stream, &call, &Collector::Callback,
          collector.user_data(kFirstStreamCall + i), nullptr);
      EXPECT_TRUE(AllowedSubmit(t)) << tether_status_str(t);
      Note("tether_stream_submit", t);
      accepted[kFirstStreamCall + i] = t == TETHER_OK;
    }
    tether_stream_destroy(stream);
    std::array<bool, kQueueCalls> queued{};
    if (cq != nullptr) {
      for (size_t i = 0; i < kQueueCalls; ++i) {
        tether_call call = Call(kEcho, kPayload);
        tether_status q = tether_submit_cq(runtime, &call, cq, i, nullptr);
        EXPECT_TRUE(AllowedSubmit(q)) << tether_status_str(q);
        Note("tether_submit_cq", q);
        queued[i] = q == TETHER_OK;
      }
    }
    second.join();

    status =
        tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN, 2'000'000'000);
    Note("tether_runtime_shutdown", status);
    if (status != TETHER_OK) {
      EXPECT_EQ(status, TETHER_E_NO_MEMORY);
      tether::alloc_fault::disarm();
      EXPECT_EQ(tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN,
                                        2'000'000'000),
                TETHER_OK);
    }
    collector.MarkShutdownReturned();
    for (size_t i = 0; i < accepted.size(); ++i) {
      EXPECT_EQ(collector.count(i), accepted[i] ? 1u : 0u) << "callback " << i;
    }
    EXPECT_EQ(collector.duplicates(), 0u);
    EXPECT_EQ(collector.after_shutdown(), 0u);
    // Its deadline passed, or could not be armed: never a call left to run
    // without one (which the library would hold until shutdown: CLOSED).
    if (accepted[kDeadlineCall] && collector.completion(kDeadlineCall)) {
      const tether_status outcome = collector.completion(kDeadlineCall)->status;
      EXPECT_TRUE(outcome == TETHER_E_DEADLINE || outcome == TETHER_E_NO_MEMORY)
          << tether_status_str(outcome);
    }
    if (cq != nullptr) {
      std::array<int, kQueueCalls> seen{};
      tether_completion out[kQueueCalls];
      size_t count = 0;
      do {
        const tether_status t =
            tether_cq_take(cq, out, sizeof out[0], kQueueCalls, &count);
        EXPECT_EQ(t, TETHER_OK) << tether_status_str(t);
        if (t != TETHER_OK) break;
        for (size_t i = 0; i < count; ++i) {
          ++seen[out[i].user_data];
          tether_buf_free(out[i].result);
          tether_buf_free(out[i].error);
        }
      } while (count != 0);
      for (size_t i = 0; i < kQueueCalls; ++i) {
        EXPECT_EQ(seen[i], queued[i] ? 1 : 0) << "queued call " << i;
      }
      tether_cq_destroy(cq);
    }
    EXPECT_EQ(Stats(runtime).in_flight, 0u);
    status = tether_runtime_destroy(runtime);
    Note("tether_runtime_destroy", status);
    if (status != TETHER_OK) {
      EXPECT_EQ(status, TETHER_E_NO_MEMORY);
      tether::alloc_fault::disarm();
      EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
    }
  }
  result.fired = tether::alloc_fault::fired();
  result.counted = tether::alloc_fault::counted();
  tether::alloc_fault::disarm();
  EXPECT_EQ(LiveBuffers(), live_before) << "run failing allocation " << nth;
  EXPECT_EQ(OpenFds(), fds_before) << "run failing allocation " << nth;
  return result;
}

TEST(AllocFailureTest, EveryAllocationOfTheScenarioCanFail) {
  constexpr uint64_t kMaxRuns = 3000;
  uint64_t nth = 1;
  uint64_t most_counted = 0;
  std::set<uint64_t> failed_runs;
  for (; nth <= kMaxRuns; ++nth) {
    SCOPED_TRACE(testing::Message() << "failing allocation " << nth);
    const RunResult run = RunScenario(nth);
    if (::testing::Test::HasFatalFailure()) return;
    most_counted = std::max(most_counted, run.counted);
    if (!run.fired) break;  // the scenario made fewer than nth allocations
    if (::testing::Test::HasNonfatalFailure()) failed_runs.insert(nth);
    if (failed_runs.size() > 5) break;  // enough to see the pattern
  }
  std::printf(
      "allocation-failure loop: %llu runs, each failing one of the up to "
      "%llu allocations made inside tether's entry points\n",
      static_cast<unsigned long long>(nth - 1),
      static_cast<unsigned long long>(most_counted));
  for (const auto& [function, runs] : g_no_memory) {
    std::printf("  %s answered TETHER_E_NO_MEMORY in %d runs\n",
                function.c_str(), runs);
  }
  EXPECT_LT(nth, kMaxRuns) << "the scenario never ran out of allocations";
  EXPECT_GT(nth, 10u) << "the scenario made almost no allocations";
}

}  // namespace
}  // namespace tether_test
