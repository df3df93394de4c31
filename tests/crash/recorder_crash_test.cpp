// A crash on a lane with the recorder on: the report lists the lane's last
// calls, the call in flight last, and writes the recording (with captured
// payloads) to the configured directory. Also when the fault comes while
// the lane holds tether's log lock: the report's path takes no lock and
// allocates nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.h"
#include "tether/library.hpp"
#include "tether/tether.h"

using tether::testing::ChildResult;
using tether::testing::run_in_child;

extern "C" __attribute__((noinline, visibility("default"),
                          no_sanitize("address", "undefined"))) void
recorded_library_dereference_null() {
  volatile int* volatile target = nullptr;
  *target = 7;
}

namespace {

constexpr uint32_t kEcho = 1;
constexpr uint32_t kCrash = 2;
constexpr uint32_t kLogThenCrash = 3;

// The sink faults when it is handed the line kLogThenCrash logs, while
// tether holds the lock around its sink.
void crashing_sink(uint64_t, int32_t, const char* message) {
  if (std::string(message).find("about to fault") != std::string::npos) {
    recorded_library_dereference_null();
  }
}

struct RecordedLane {
  explicit RecordedLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == kCrash) recorded_library_dereference_null();
    if (request.method() == kLogThenCrash) {
      lane.log(TETHER_LOG_WARN, "about to fault");
    }
    lane.reply(request, request.payload());
  }
  tether::Lane& lane;
};

std::string MakeDirectory() {
  char pattern[] = "/tmp/tether-recorder-crash-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir != nullptr ? dir : "";
}

// In the child: four echoes on key 9, then `crash_method` with payload
// "boom"; never returns.
[[noreturn]] void CrashAfterFourCalls(const std::string& dir,
                                      uint32_t crash_method) {
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigaction(SIGSEGV, &fallback, nullptr);
  if (tether_crash_handler_install() != TETHER_OK) _exit(2);
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.recorder_entries = 256;
  config.capture_bytes = 4096;
  config.capture_dir = dir.c_str();
  tether_runtime* runtime = nullptr;
  if (tether_runtime_open(tether::library_table<RecordedLane>("recorded"),
                          &config, &runtime, nullptr) != TETHER_OK) {
    _exit(3);
  }
  static std::atomic<int> done{0};
  for (int i = 0; i < 4; ++i) {
    std::string payload = "call " + std::to_string(i);
    tether_call call;
    tether_call_init(&call);
    call.method = kEcho;
    call.key = 9;
    call.payload = payload.data();
    call.payload_len = payload.size();
    if (tether_submit(
            runtime, &call,
            [](tether_completion* c) {
              tether_buf_free(c->result);
              done.fetch_add(1);
            },
            0, nullptr) != TETHER_OK) {
      _exit(4);
    }
    while (done.load() <= i) usleep(100);
  }
  tether_call call;
  tether_call_init(&call);
  call.method = crash_method;
  call.key = 9;
  call.payload = "boom";
  call.payload_len = 4;
  if (tether_submit(
          runtime, &call, [](tether_completion*) {}, 0, nullptr) != TETHER_OK) {
    _exit(5);
  }
  sleep(20);
  _exit(6);
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string OnlyFileIn(const std::string& dir) {
  std::string listing;
  FILE* ls = popen(("ls " + dir).c_str(), "r");
  if (ls == nullptr) return "";
  char buffer[256];
  while (fgets(buffer, sizeof buffer, ls) != nullptr) listing += buffer;
  pclose(ls);
  if (!listing.empty() && listing.back() == '\n') listing.pop_back();
  return listing;
}

void ExpectReportAndFile(const ChildResult& child, const std::string& dir,
                         uint32_t crash_method) {
  ASSERT_TRUE(child.signalled) << child.stderr_text;
  EXPECT_EQ(child.signal, SIGSEGV);
  const std::string& report = child.stderr_text;
  const auto recent = report.find("tether: the last 5 calls lane 0 took");
  ASSERT_NE(recent, std::string::npos) << report;
  EXPECT_LT(report.find("tether: fatal SIGSEGV"), recent);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(report.find("tether:   seq " + std::to_string(i) +
                          ": method 1, "
                          "key 9, 6 bytes"),
              std::string::npos)
        << report;
  }
  const std::string in_flight = "tether:   seq 4: method " +
                                std::to_string(crash_method) +
                                ", key 9, 4 bytes";
  const auto in_flight_at = report.find(in_flight);
  ASSERT_NE(in_flight_at, std::string::npos) << report;
  EXPECT_NE(report.find("RUNNING (the call in flight)", in_flight_at),
            std::string::npos);
  EXPECT_EQ(report.find("TETHER_OK", in_flight_at), std::string::npos)
      << "the call in flight comes last";

  const std::string file = OnlyFileIn(dir);
  ASSERT_EQ(file.rfind("tether-capture-", 0), 0u) << file;
  EXPECT_NE(report.find("tether: recording written to " + dir + "/" + file),
            std::string::npos)
      << report;
  auto lines = ReadLines(dir + "/" + file);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[0].find("\"reason\":\"crash\",\"crash_lane\":0,"
                          "\"signal\":11"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("\"payload\":\"63616c6c2030\""), std::string::npos)
      << lines[1];  // "call 0"
  EXPECT_NE(lines[5].find("\"outcome\":\"running\""), std::string::npos);
  EXPECT_NE(lines[5].find("\"payload\":\"626f6f6d\""), std::string::npos)
      << lines[5];  // "boom"
  std::remove((dir + "/" + file).c_str());
  rmdir(dir.c_str());
}

#if !defined(TETHER_ASAN) && !defined(TETHER_TSAN)
// Sanitizers install their own SIGSEGV handler and report first.

TEST(RecorderCrashTest, TheReportListsTheLanesLastCallsAndWritesTheRecording) {
  const std::string dir = MakeDirectory();
  ASSERT_FALSE(dir.empty());
  ChildResult child = run_in_child([&] { CrashAfterFourCalls(dir, kCrash); });
  ExpectReportAndFile(child, dir, kCrash);
}

TEST(RecorderCrashTest, AFaultWhileTetherHoldsItsLogLockIsStillReported) {
  const std::string dir = MakeDirectory();
  ASSERT_FALSE(dir.empty());
  ChildResult child = run_in_child([&] {
    tether_log_set_sink(&crashing_sink, 0, TETHER_LOG_DEBUG);
    CrashAfterFourCalls(dir, kLogThenCrash);
  });
  ExpectReportAndFile(child, dir, kLogThenCrash);
}

#endif

}  // namespace
