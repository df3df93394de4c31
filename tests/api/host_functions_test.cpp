// The host functions a library reaches tether through (tether_host_api), as
// a library sees them: lane timers and log lines.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "log_capture.h"
#include "runtime_test.h"
#include "tether/library.hpp"
#include "tether/tether.h"

namespace tether_test {
namespace {

constexpr uint32_t kLogOnLane = 1;
constexpr uint32_t kLogOffLane = 2;
constexpr uint32_t kStartEndlessTimers = 3;

// What the endless timers saw, process-wide (the library is a table of
// plain functions).
std::atomic<int> g_endless_runs{0};
std::atomic<tether_status> g_endless_status{TETHER_OK};

void RecordEndless(void*, tether_status status) {
  g_endless_status.store(status);
  g_endless_runs.fetch_add(1);
}

// kLogOnLane and kLogOffLane write the payload to the log, from the lane or
// from a thread of the library's own. kStartEndlessTimers starts timers
// with delays no clock reaches, then replies from a 1 ms timer with how
// many of them had run by then.
struct ServicesLane {
  explicit ServicesLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    const std::string text(request.payload());
    switch (request.method()) {
      case kLogOnLane:
        lane.log(TETHER_LOG_WARN, text);
        lane.reply(request, "");
        return;
      case kLogOffLane: {
        std::thread own([&] { lane.log(TETHER_LOG_WARN, text); });
        own.join();
        lane.reply(request, "");
        return;
      }
      case kStartEndlessTimers: {
        for (uint64_t delay : {UINT64_MAX, uint64_t{1} << 63,
                               static_cast<uint64_t>(INT64_MAX)}) {
          tether_status status = lane.api()->timer_start(
              lane.handle(), delay, &RecordEndless, nullptr);
          if (status != TETHER_OK) {
            lane.reply_error(request, status, "timer_start refused");
            return;
          }
        }
        const uint64_t id = request.id();
        lane.after(std::chrono::milliseconds(1), [this, id] {
          lane.reply(id, std::to_string(g_endless_runs.load()));
        });
        return;
      }
    }
  }
  tether::Lane& lane;
};

const tether_library* ServicesLibrary() {
  return tether::library_table<ServicesLane>("services");
}

RuntimePtr OpenServices(uint32_t lanes) {
  tether_runtime_config config = Config(lanes);
  tether_runtime* runtime = nullptr;
  EXPECT_EQ(tether_runtime_open(ServicesLibrary(), &config, &runtime, nullptr),
            TETHER_OK);
  return RuntimePtr(runtime);
}

// Submits one call and waits for its completion.
Completion CallAndWait(tether_runtime* runtime, uint32_t method,
                       const std::string& payload, uint64_t key) {
  Collector collector(1);
  tether_call call = Call(method, payload, key);
  EXPECT_EQ(tether_submit(runtime, &call, &Collector::Callback,
                          collector.user_data(0), nullptr),
            TETHER_OK);
  EXPECT_TRUE(collector.WaitForTotal(1));
  return collector.completion(0).value_or(Completion{});
}

TEST(HostFunctionsTest, ALibraryLogLineOnALaneNamesTheLibraryAndTheLane) {
  RuntimePtr runtime = OpenServices(2);
  ASSERT_NE(runtime, nullptr);
  LogCapture capture;
  Completion done = CallAndWait(runtime.get(), kLogOnLane, "cache rebuilt", 1);
  ASSERT_EQ(done.status, TETHER_OK);
  EXPECT_TRUE(capture.Contains("library 'services' on lane " +
                               std::to_string(done.lane) + ": cache rebuilt"));
}

TEST(HostFunctionsTest, ALibraryLogLineOffItsLanesSaysSo) {
  RuntimePtr runtime = OpenServices(1);
  ASSERT_NE(runtime, nullptr);
  LogCapture capture;
  ASSERT_EQ(CallAndWait(runtime.get(), kLogOffLane, "worker started", 0).status,
            TETHER_OK);
  EXPECT_TRUE(capture.Contains("library, off tether's lanes: worker started"));
}

TEST(HostFunctionsTest, ATimerDelayNoClockReachesRunsOnlyAsTheLaneStops) {
  g_endless_runs.store(0);
  g_endless_status.store(TETHER_OK);
  RuntimePtr runtime = OpenServices(1);
  ASSERT_NE(runtime, nullptr);
  // A 1 ms timer ran after both were started: neither ran before it.
  Completion done = CallAndWait(runtime.get(), kStartEndlessTimers, "", 0);
  ASSERT_EQ(done.status, TETHER_OK);
  EXPECT_EQ(done.result, "0");
  EXPECT_EQ(g_endless_runs.load(), 0);
  runtime.reset();
  EXPECT_EQ(g_endless_runs.load(), 3);
  EXPECT_EQ(g_endless_status.load(), TETHER_E_CLOSED);
}

}  // namespace
}  // namespace tether_test
