#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tether/library.hpp"
#include "tether/tether.h"

namespace {

constexpr uint32_t kEcho = 1;
constexpr uint32_t kMakeCursor = 2;
constexpr uint32_t kMakeTyped = 3;

// Echoes, hands out a "cursor" handle (8 bytes) to a heap object, or a
// handle to nothing whose type is the payload.
struct CursorLane {
  explicit CursorLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == kMakeTyped) {
      std::string type(request.payload());
      uint64_t handle = 0;
      lane.api()->handle_new(nullptr, nullptr, type.c_str(), &handle);
      lane.reply(request, std::string_view(reinterpret_cast<char*>(&handle),
                                           sizeof handle));
      return;
    }
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

// A handle of type `type`, made by the library and taken from `cq`.
uint64_t make_typed_handle(tether_runtime* runtime, tether_cq* cq,
                           const std::string& type) {
  tether_call call;
  tether_call_init(&call);
  call.method = kMakeTyped;
  call.payload = type.data();
  call.payload_len = type.size();
  EXPECT_EQ(tether_submit_cq(runtime, &call, cq, 0, nullptr), TETHER_OK);
  tether_completion completion;
  size_t count = 0;
  EXPECT_EQ(tether_cq_poll(cq, &completion, sizeof completion, 1,
                           uint64_t{10} * 1000 * 1000 * 1000, &count),
            TETHER_OK);
  uint64_t handle = 0;
  if (count == 1 && completion.result_len == sizeof handle) {
    std::memcpy(&handle, completion.result, sizeof handle);
  }
  EXPECT_NE(handle, 0u);
  tether_buf_free(completion.result);
  tether_buf_free(completion.error);
  return handle;
}

// The log lines written while it lives.
class LogCapture {
 public:
  LogCapture() {
    std::lock_guard<std::mutex> lock(mutex());
    lines().clear();
    tether_log_set_sink(&LogCapture::sink, 0, TETHER_LOG_WARN);
  }
  ~LogCapture() { tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string line_with(const std::string& needle) const {
    std::lock_guard<std::mutex> lock(mutex());
    for (const std::string& line : lines()) {
      if (line.find(needle) != std::string::npos) return line;
    }
    return "";
  }

 private:
  static std::mutex& mutex() {
    static auto* instance = new std::mutex();
    return *instance;
  }
  static std::vector<std::string>& lines() {
    static auto* instance = new std::vector<std::string>();
    return *instance;
  }
  static void sink(uint64_t, int32_t, const char* message) {
    std::lock_guard<std::mutex> lock(mutex());
    lines().emplace_back(message);
  }
};

// The sum of the counts that start the finding lines (two spaces, then a
// number); lines indented further break a finding down and are not summed.
uint64_t sum_of_finding_lines(const std::string& report) {
  std::istringstream lines(report);
  uint64_t sum = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] >= '0' &&
        line[2] <= '9') {
      sum += std::strtoull(line.c_str() + 2, nullptr, 10);
    }
  }
  return sum;
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
  EXPECT_NE(report.find("1 live tether buffers besides the 2 those "
                        "completions hold (3 in all)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("1 live handles"), std::string::npos) << report;
  EXPECT_NE(report.find("1 cursor"), std::string::npos) << report;
  EXPECT_EQ(findings, 4u);

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

TEST(LeakReportTest, NamesTheCallsThatMadeTheOldestLiveResults) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  tether_call call;
  tether_call_init(&call);
  call.method = kEcho;
  call.key = 42;
  call.payload = "kept result";
  call.payload_len = 11;
  uint64_t ticket = 0;
  ASSERT_EQ(tether_submit_cq(runtime, &call, cq, 0, &ticket), TETHER_OK);
  tether_completion completion;
  size_t count = 0;
  ASSERT_EQ(tether_cq_poll(cq, &completion, sizeof completion, 1,
                           uint64_t{10} * 1000 * 1000 * 1000, &count),
            TETHER_OK);
  ASSERT_EQ(count, 1u);
  void* tagged = tether_buf_alloc_tagged(5, "made-off-the-lanes");

  uint64_t findings = 0;
  std::string report = report_of(runtime, &findings);
  const auto heading = report.find("the oldest made by this runtime's calls:");
  ASSERT_NE(heading, std::string::npos) << report;
  EXPECT_NE(report.find("11 bytes at ", heading), std::string::npos) << report;
  EXPECT_NE(report.find(", by method " + std::to_string(kEcho) +
                            " key 42 (ticket " + std::to_string(ticket) + ")",
                        heading),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("5 bytes at", heading), std::string::npos)
      << "a buffer no call made is not listed: " << report;
  tether_buf_free(completion.result);
  tether_buf_free(tagged);
  EXPECT_EQ(report_of(runtime, &findings), "");
  tether_cq_destroy(cq);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST(LeakReportTest, UnpolledCompletionIsCountedOnceNotAgainAsItsBuffer) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  complete_into(runtime, cq, kEcho);  // its result is a live buffer
  uint64_t findings = 0;
  std::string report = report_of(runtime, &findings);
  EXPECT_EQ(findings, 1u) << report;
  EXPECT_EQ(report.find("live tether buffers"), std::string::npos) << report;
  tether_cq_destroy(cq);  // frees the unpolled completion
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST(LeakReportTest, FindingsCountEachCompletionBufferAndHandleOnce) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  uint64_t session = make_typed_handle(runtime, cq, "session");
  complete_into(runtime, cq, kEcho);
  complete_into(runtime, cq, kEcho);
  void* kept = tether_buf_alloc(5);
  // 2 completions, 1 buffer, 1 handle.
  uint64_t findings = 0;
  std::string report = report_of(runtime, &findings);
  EXPECT_EQ(findings, 4u) << report;
  EXPECT_EQ(sum_of_finding_lines(report), findings) << report;
  tether_buf_free(kept);
  EXPECT_EQ(tether_handle_release(session), TETHER_OK);
  tether_cq_destroy(cq);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST(LeakReportTest, FindingsAreTheSumOfTheFindingLinesCounts) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  std::vector<uint64_t> handles;
  for (const char* type : {"cursor", "cursor", "session", "page"}) {
    handles.push_back(make_typed_handle(runtime, cq, type));
  }
  std::vector<void*> buffers;
  for (int i = 0; i < 9; ++i) {
    buffers.push_back(tether_buf_alloc_tagged(8, i % 2 ? "odd" : "even"));
  }
  uint64_t findings = 0;
  std::string report = report_of(runtime, &findings);
  EXPECT_EQ(findings, 13u) << report;
  EXPECT_EQ(sum_of_finding_lines(report), findings) << report;
  for (void* buffer : buffers) tether_buf_free(buffer);
  for (uint64_t handle : handles) tether_handle_release(handle);
  tether_cq_destroy(cq);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST(LeakReportTest, SeparatesThisRuntimesFindingsFromProcessWideOnes) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_OFF);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  complete_into(runtime, cq, kEcho);
  void* kept = tether_buf_alloc(5);
  uint64_t findings = 0;
  std::string report = report_of(runtime, &findings);
  std::size_t owned = report.find("this runtime's");
  std::size_t completions = report.find("completions pushed");
  std::size_t process = report.find("process-wide");
  std::size_t buffers = report.find("live tether buffers");
  ASSERT_NE(owned, std::string::npos) << report;
  ASSERT_NE(process, std::string::npos) << report;
  EXPECT_LT(owned, completions) << report;
  EXPECT_LT(completions, process) << report;
  EXPECT_LT(process, buffers) << report;
  tether_buf_free(kept);
  tether_cq_destroy(cq);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST(LeakReportTest, ReportOver8KiBReachesTheLogSinkWholeAtDestroy) {
  tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_LOG);
  ASSERT_NE(runtime, nullptr);
  tether_cq* cq = nullptr;
  ASSERT_EQ(tether_cq_open(runtime, &cq), TETHER_OK);
  // 100 types of 100 bytes: over 10 KiB of report.
  std::vector<uint64_t> handles;
  for (int i = 0; i < 100; ++i) {
    std::string type = "type-" + std::to_string(1000 + i) + "-";
    type.resize(100, 'x');
    handles.push_back(make_typed_handle(runtime, cq, type));
  }
  tether_cq_destroy(cq);
  std::string logged;
  {
    LogCapture log;
    EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
    logged = log.line_with("leak report");
  }
  EXPECT_GT(logged.size(), 10000u);
  EXPECT_NE(logged.find("type-1000-"), std::string::npos);
  EXPECT_NE(logged.find("type-1099-" + std::string(90, 'x')), std::string::npos)
      << "the report's last line is cut";
  for (uint64_t handle : handles) tether_handle_release(handle);
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

TEST(LeakCheckDeathTest, FailModeDoesNotJudgeProcessWideBuffersOrHandles) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        tether_runtime* runtime = open_runtime(TETHER_LEAK_CHECK_FAIL);
        tether_cq* cq = nullptr;
        tether_cq_open(runtime, &cq);
        make_typed_handle(runtime, cq, "session");
        tether_cq_destroy(cq);
        // As if another runtime's result, still held by its host.
        tether_buf_alloc(16);
        tether_runtime_destroy(runtime);
        _exit(0);
      },
      ::testing::ExitedWithCode(0), "");
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
