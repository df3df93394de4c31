#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include "tether/library.hpp"
#include "tether/tether.h"

namespace {

constexpr uint32_t kEcho = 1;
constexpr uint32_t kMakeCursor = 2;

// Echoes, or hands out a "cursor" handle (8 bytes) to a heap object.
struct CursorLane {
  explicit CursorLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == kMakeCursor) {
      uint64_t handle = 0;
      lane.api()->handle_new(
          new int(7), [](void* p) { delete static_cast<int*>(p); }, "cursor",
          &handle);
      lane.reply(request, std::string_view(reinterpret_cast<char*>(&handle),
                                           sizeof handle));
      return;
    }
    lane.reply(request, request.payload());
  }
  tether::Lane& lane;
};

tether_runtime* open_runtime(int32_t leak_check) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.leak_check = leak_check;
  tether_runtime* runtime = nullptr;
  if (tether_runtime_open(tether::library_table<CursorLane>("cursors"), &config,
                          &runtime, nullptr) != TETHER_OK) {
    return nullptr;
  }
  return runtime;
}

// Submits one call into `cq` and waits until it is there (unpolled).
void complete_into(tether_runtime* runtime, tether_cq* cq, uint32_t method) {
  tether_stats stats;
  tether_stats_init(&stats);
  tether_runtime_stats(runtime, &stats);
  const uint64_t before = stats.cq_backlog;
  tether_call call;
  tether_call_init(&call);
  call.method = method;
  call.payload = "abc";
  call.payload_len = 3;
  ASSERT_EQ(tether_submit_cq(runtime, &call, cq, 0, nullptr), TETHER_OK);
  do {
    std::this_thread::yield();
    tether_runtime_stats(runtime, &stats);
  } while (stats.cq_backlog == before);
}

std::string report_of(tether_runtime* runtime, uint64_t* findings) {
  char* text = nullptr;
  EXPECT_EQ(tether_runtime_leak_report(runtime, &text, findings), TETHER_OK);
  std::string copy = text != nullptr ? text : "";
  tether_buf_free(text);
  return copy;
}

TEST(LeakReportTest, EmptyWhenEverythingWasLetGo) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_FAIL);
  ASSERT_NE(runtime, nullptr);
  uint64_t findings = 1;
  EXPECT_EQ(report_of(runtime, &findings), "");
  EXPECT_EQ(findings, 0u);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);  // FAIL: no abort
}

TEST(LeakReportTest, NamesUnpolledCompletionsLiveBuffersAndHandles) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  complete_into(runtime, cq, kMakeCursor);
  complete_into(runtime, cq, kEcho);
  void* tagged = tether_buf_alloc_tagged(11, "leak-test-site");
  ASSERT_NE(tagged, nullptr);

  uint64_t findings = 0;
  std::string report = report_of(runtime, &findings);
  EXPECT_NE(report.find("by allocation site"), std::string::npos) << report;
  EXPECT_NE(report.find("1 (11 bytes) at leak-test-site"), std::string::npos)
      << report;
  ASSERT_EQ(tether_buf_free(tagged), TETHER_OK);
  EXPECT_NE(report.find("library 'cursors'"), std::string::npos) << report;
  EXPECT_NE(report.find("2 completions pushed to completion queues and never "
                        "polled"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("3 live tether buffers"), std::string::npos) << report;
  EXPECT_NE(report.find("1 live handles"), std::string::npos) << report;
  EXPECT_NE(report.find("1 cursor"), std::string::npos) << report;
  EXPECT_EQ(findings, 6u);

  // Poll, free, release: the report empties.
  tether_completion out[2];
  size_t count = 0;
  ASSERT_EQ(tether_cq_poll(cq, out, sizeof out[0], 2, 0, &count), TETHER_OK);
  ASSERT_EQ(count, 2u);
  for (auto& completion : out) {
    if (completion.result_len == sizeof(uint64_t)) {
      uint64_t handle = 0;
      std::memcpy(&handle, completion.result, sizeof handle);
      EXPECT_EQ(tether_handle_release(handle), TETHER_OK);
      EXPECT_EQ(tether_handle_release(handle), TETHER_E_STALE_TICKET);
    }
    tether_buf_free(completion.result);
  }
  EXPECT_EQ(report_of(runtime, &findings), "");
  EXPECT_EQ(findings, 0u);
  tether_cq_destroy(cq);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST(LeakReportTest, RejectsNullArguments) {
  char* text = nullptr;
  uint64_t findings = 0;
  EXPECT_EQ(tether_runtime_leak_report(nullptr, &text, &findings),
            TETHER_E_INVALID_ARG);
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  EXPECT_EQ(tether_runtime_leak_report(runtime, nullptr, &findings),
            TETHER_E_INVALID_ARG);
  EXPECT_EQ(tether_runtime_leak_report(runtime, &text, nullptr),
            TETHER_E_INVALID_ARG);
  tether_runtime_destroy(runtime);
}

using LeakCheckDeathTest = ::testing::Test;

TEST(LeakCheckDeathTest, FailModeAbortsDestroyWhenSomethingLeaked) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_FAIL);
        tether_cq* cq = nullptr;
        tether_cq_open(runtime, &cq);
        complete_into(runtime, cq, kEcho);
        tether_runtime_destroy(runtime);
      },
      "completions pushed to completion queues and never polled");
}

TEST(LeakCheckDeathTest, EnvironmentTurnsTheCheckOff) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("TETHER_LEAK_CHECK", "off", 1);
        tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_FAIL);
        tether_cq* cq = nullptr;
        tether_cq_open(runtime, &cq);
        complete_into(runtime, cq, kEcho);
        tether_runtime_destroy(runtime);
        _exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
