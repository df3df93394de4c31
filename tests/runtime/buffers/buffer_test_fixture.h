// A fixture for allocator tests: runs each test in one buffer mode, captures
// the log lines of the test, counts problems found during it, and checks on
// the way out that the test leaked no buffer and left nothing in quarantine.
#ifndef TETHER_TESTS_RUNTIME_BUFFERS_BUFFER_TEST_FIXTURE_H_
#define TETHER_TESTS_RUNTIME_BUFFERS_BUFFER_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "buffers/buffer_allocator.h"
#include "buffers/buffer_mode.h"
#include "buffers/misuse_report.h"
#include "buffers/quarantine.h"
#include "log/log.h"

namespace tether::buffers {

class CapturedLog {
 public:
  CapturedLog() {
    {
      std::lock_guard<std::mutex> lock(state().mutex);
      state().lines.clear();
    }
    log::set_sink(&CapturedLog::sink, 0, TETHER_LOG_WARN);
  }
  ~CapturedLog() { log::set_sink(nullptr, 0, TETHER_LOG_WARN); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(state().mutex);
    return state().lines;
  }
  // The one line containing `needle`, or "" (and a test failure).
  std::string line_with(std::string_view needle) const {
    for (const std::string& line : lines()) {
      if (line.find(needle) != std::string::npos) return line;
    }
    ADD_FAILURE() << "no log line contains \"" << needle << "\"";
    return "";
  }

 private:
  struct State {
    std::mutex mutex;
    std::vector<std::string> lines;
  };
  static State& state() {
    static auto* instance = new State();
    return *instance;
  }
  static void sink(uint64_t, int32_t, const char* message) {
    std::lock_guard<std::mutex> lock(state().mutex);
    state().lines.emplace_back(message);
  }
};

class BufferModeTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    ASSERT_EQ(drain_quarantine(), Status::kOk);
    previous_mode_ = current_mode();
    ASSERT_EQ(set_mode(static_cast<int32_t>(GetParam())), Status::kOk);
    live_totals(&live_count_before_, &live_bytes_before_);
  }
  void TearDown() override {
    set_mode(static_cast<int32_t>(previous_mode_));
    drain_quarantine();
    uint64_t count = 0;
    uint64_t bytes = 0;
    live_totals(&count, &bytes);
    EXPECT_EQ(count, live_count_before_) << "a buffer leaked";
    EXPECT_EQ(bytes, live_bytes_before_) << "a buffer leaked";
  }

  static uint64_t problems(int32_t kind) {
    uint64_t count = 0;
    problem_count(kind, &count);
    return count;
  }

  CapturedLog log_;

 private:
  Mode previous_mode_ = Mode::kRelease;
  uint64_t live_count_before_ = 0;
  uint64_t live_bytes_before_ = 0;
};

inline std::string mode_test_name(const ::testing::TestParamInfo<Mode>& info) {
  return info.param == Mode::kDebug ? "Debug" : "Release";
}

}  // namespace tether::buffers

#endif  // TETHER_TESTS_RUNTIME_BUFFERS_BUFFER_TEST_FIXTURE_H_
