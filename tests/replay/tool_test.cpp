// tether-replay end to end: the built tool, run as a child process, on
// hand-written recordings of calls to the deterministic test library.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include "one_call.h"
#include "recording_text.h"
#include "tether/tether.h"
#include "tool_process.h"

namespace tether::replay {
namespace {

using testing::header_line;
using testing::record_line;
using testing::RecordLine;
using testing::run_program;
using testing::run_replay;
using testing::ToolResult;
using testing::write_file;

// The test library's methods (replay_test_library.c).
constexpr uint32_t kEcho = 1;
constexpr uint32_t kFail = 2;
constexpr uint32_t kStep = 3;
constexpr uint32_t kSilent = 4;
constexpr uint32_t kCrash = 5;

constexpr int32_t kLibraryError = 6;  // TETHER_E_LIBRARY

std::string bytes_of(uint64_t value) {
  std::string bytes(sizeof value, '\0');
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

RecordLine call(uint32_t lane, uint64_t seq, uint32_t method, uint64_t key,
                std::string payload, uint64_t submit_ns) {
  RecordLine line;
  line.lane = lane;
  line.seq = seq;
  line.ticket = (uint64_t{lane} << 32) + seq + 1;
  line.method = method;
  line.key = key;
  line.payload = std::move(payload);
  line.submit_ns = submit_ns;
  return line;
}

RecordLine step(uint32_t lane, uint64_t seq, uint64_t number,
                uint64_t submit_ns) {
  return call(lane, seq, kStep, lane, bytes_of(number), submit_ns);
}

RecordLine fail_with(uint32_t lane, uint64_t seq, int32_t code,
                     uint64_t submit_ns) {
  std::string payload(sizeof code, '\0');
  std::memcpy(payload.data(), &code, sizeof code);
  RecordLine line = call(lane, seq, kFail, lane, payload, submit_ns);
  line.status = kLibraryError;
  line.code = code;
  return line;
}

// Two lanes whose steps interleave in time: sent in the file's order
// (lane 0's, then lane 1's) they would be out of step; sent in the order
// the lanes started them, every outcome is the recorded one. `echo` is
// lane 0's second record.
std::string two_lanes(const RecordLine& echo) {
  return header_line(2) + record_line(step(0, 0, 0, 100)) + record_line(echo) +
         record_line(step(0, 2, 2, 300)) + record_line(step(1, 0, 1, 200)) +
         record_line(fail_with(1, 1, 7, 250)) + record_line(step(1, 2, 3, 400));
}

RecordLine ping() { return call(0, 1, kEcho, 0, "ping", 150); }

constexpr char kSixCallsNoDifference[] =
    "replayed 6 calls (0 not captured, 0 skipped, 0 without a recorded "
    "outcome): 0 differences\n";

TEST(ReplayToolTest, AFaithfulRecordingReplaysWithNoDifference) {
  const std::string path = write_file("faithful.jsonl", two_lanes(ping()));
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, kSixCallsNoDifference);
}

TEST(ReplayToolTest, OneLaneGivesTheSameOutcomesInTheSameOrder) {
  const std::string path = write_file("one-lane.jsonl", two_lanes(ping()));
  ToolResult result = run_replay(path, {"--lanes", "1"});
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, kSixCallsNoDifference);
}

TEST(ReplayToolTest, PacedReplayKeepsTheOrderAndTheOutcomes) {
  // Starts 2 ms apart, alternating lanes: lane 0 has the even steps.
  std::string text = header_line(2);
  for (uint32_t lane = 0; lane < 2; ++lane) {
    for (uint64_t seq = 0; seq < 2; ++seq) {
      const uint64_t number = seq * 2 + lane;
      text += record_line(step(lane, seq, number, 1000000 + number * 2000000));
    }
  }
  const std::string path = write_file("paced.jsonl", text);
  ToolResult result = run_replay(path, {"--pace"});
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out,
            "replayed 4 calls (0 not captured, 0 skipped, 0 without a "
            "recorded outcome): 0 differences\n");
}

TEST(ReplayToolTest, AChangedRecordedStatusIsOneDifference) {
  RecordLine changed = ping();
  changed.status = kLibraryError;
  changed.code = 3;
  const std::string path = write_file("changed.jsonl", two_lanes(changed));
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ(result.out,
            "difference: lane 0 seq 1 method 1 key 0: recorded "
            "TETHER_E_LIBRARY code 3, replayed TETHER_OK code 0\n"
            "replayed 6 calls (0 not captured, 0 skipped, 0 without a "
            "recorded outcome): 1 differences\n");
}

TEST(ReplayToolTest, AChangedLibraryCodeIsADifference) {
  std::string text = header_line(1);
  RecordLine failed = fail_with(0, 0, 7, 100);
  failed.code = 8;
  text += record_line(failed);
  const std::string path = write_file("code.jsonl", text);
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ(result.out,
            "difference: lane 0 seq 0 method 2 key 0: recorded "
            "TETHER_E_LIBRARY code 8, replayed TETHER_E_LIBRARY code 7\n"
            "replayed 1 calls (0 not captured, 0 skipped, 0 without a "
            "recorded outcome): 1 differences\n");
}

TEST(ReplayToolTest, QuietPrintsTheSummaryAlone) {
  RecordLine changed = ping();
  changed.status = kLibraryError;
  const std::string path = write_file("quiet.jsonl", two_lanes(changed));
  ToolResult result = run_replay(path, {"--quiet"});
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out,
            "replayed 6 calls (0 not captured, 0 skipped, 0 without a "
            "recorded outcome): 1 differences\n");
}

TEST(ReplayToolTest, CountsSkippedUncapturedAndUnfinishedCalls) {
  RecordLine skipped = call(0, 0, kEcho, 0, "never ran", 100);
  skipped.outcome = "skipped";
  skipped.status = 4;  // TETHER_E_CANCELLED before the lane took it
  RecordLine uncaptured = call(0, 1, kEcho, 0, "too big", 200);
  uncaptured.captured = false;
  RecordLine running = call(0, 2, kEcho, 0, "was running", 300);
  running.outcome = "running";
  RecordLine empty = call(1, 0, kEcho, 1, "", 250);
  RecordLine pending = call(1, 1, kEcho, 1, "no reply yet", 350);
  pending.outcome = "pending";
  const std::string path = write_file(
      "counts.jsonl", header_line(2) + record_line(skipped) +
                          record_line(uncaptured) + record_line(running) +
                          record_line(empty) + record_line(pending));
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out,
            "replayed 3 calls (1 not captured, 1 skipped, 2 without a "
            "recorded outcome): 0 differences\n");
}

TEST(ReplayToolTest, ACallWithNoCompletionIsCancelledAtTheTimeout) {
  RecordLine pending = call(0, 0, kSilent, 0, "", 100);
  pending.outcome = "pending";
  RecordLine done = call(0, 1, kSilent, 0, "", 200);  // recorded as OK
  const std::string path =
      write_file("timeout.jsonl",
                 header_line(1) + record_line(pending) + record_line(done));
  ToolResult result = run_replay(path, {"--timeout-ms", "50"});
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ(result.out,
            "timeout: lane 0 seq 0 method 4 key 0: no completion in 50 ms, "
            "cancelled\n"
            "timeout: lane 0 seq 1 method 4 key 0: no completion in 50 ms, "
            "cancelled\n"
            "difference: lane 0 seq 1 method 4 key 0: recorded TETHER_OK "
            "code 0, replayed TETHER_E_CANCELLED code 0\n"
            "replayed 2 calls (0 not captured, 0 skipped, 1 without a "
            "recorded outcome): 1 differences\n");
}

TEST(ReplayToolTest, TheSameRecordingReplaysToTheSameBytes) {
  RecordLine changed = ping();
  changed.status = kLibraryError;
  changed.code = 1;
  std::string text = two_lanes(changed);
  RecordLine uncaptured = call(1, 3, kEcho, 1, "lost", 500);
  uncaptured.captured = false;
  text += record_line(uncaptured);
  const std::string path = write_file("twice.jsonl", text);
  ToolResult first = run_replay(path);
  ToolResult second = run_replay(path);
  ASSERT_TRUE(first.exited && second.exited) << first.err << second.err;
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_EQ(second.exit_code, first.exit_code);
  EXPECT_EQ(second.out, first.out);
  EXPECT_NE(first.out.find("1 not captured"), std::string::npos) << first.out;
}

TEST(ReplayToolTest, ACrashInTheLibraryKillsTheToolAfterTethersReport) {
  RecordLine crash = call(0, 1, kCrash, 0, "", 200);
  crash.outcome = "running";
  const std::string path = write_file(
      "crash.jsonl",
      header_line(1) + record_line(call(0, 0, kEcho, 0, "before", 100)) +
          record_line(crash) + record_line(call(0, 2, kEcho, 0, "after", 300)));
  ToolResult result = run_replay(path);
#if defined(TETHER_ASAN) || defined(TETHER_TSAN)
  // The sanitizer's own handler comes after tether's and ends the process
  // its way (ASan aborts, TSan exits).
  EXPECT_TRUE(result.signalled || (result.exited && result.exit_code > 2))
      << result.err;
#else
  ASSERT_TRUE(result.signalled) << result.out << result.err;
  EXPECT_EQ(result.signal, SIGSEGV);
#endif
  EXPECT_NE(result.err.find("tether: fatal SIGSEGV"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("of library 'replay-test'"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("call in flight: method 5"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.out.find("replayed"), std::string::npos) << result.out;
}

// What the runtime's own recorder writes, the tool reads and replays.
TEST(ReplayToolTest, ADumpOfALiveRuntimeReplaysWithNoDifference) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = 2;
  config.recorder_entries = 64;
  config.capture_bytes = 1 << 16;
  tether_runtime* runtime = nullptr;
  ASSERT_EQ(tether_runtime_open_path(TETHER_REPLAY_TEST_LIBRARY,
                                     "replay_test_library", &config, &runtime,
                                     nullptr),
            TETHER_OK);
  OneCall one_call;
  auto send = [&](uint32_t method, uint64_t key, const std::string& payload) {
    tether_call call;
    tether_call_init(&call);
    call.method = method;
    call.key = key;
    call.payload = payload.data();
    call.payload_len = payload.size();
    return one_call.run(runtime, call, std::chrono::seconds(10)).status;
  };
  // Steps over keys on both lanes, one at a time: only the recorded order
  // of starts replays them all without an error.
  for (uint64_t number = 0; number < 12; ++number) {
    ASSERT_EQ(send(kStep, number % 5, bytes_of(number)), TETHER_OK);
  }
  ASSERT_EQ(send(kEcho, TETHER_KEY_ANY, "any lane"), TETHER_OK);
  int32_t code = 9;
  ASSERT_EQ(send(kFail, 3, std::string(reinterpret_cast<char*>(&code), 4)),
            kLibraryError);
  ASSERT_EQ(send(kEcho, 4, ""), TETHER_OK);
  ASSERT_EQ(tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN, 1000000000),
            TETHER_OK);
  const std::string path = write_file("dump.jsonl", "");
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(tether_recorder_dump(runtime, fd, TETHER_RECORDER_PAYLOADS),
            TETHER_OK);
  ::close(fd);
  tether_runtime_destroy(runtime);

  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out,
            "replayed 15 calls (0 not captured, 0 skipped, 0 without a "
            "recorded outcome): 0 differences\n");
}

TEST(ReplayToolTest, BadUsageExitsTwoWithTheUsage) {
  ToolResult result = run_program(TETHER_REPLAY_TOOL, {"--lanes", "1"});
  ASSERT_TRUE(result.exited);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err.rfind("tether-replay: --library is required\nusage: "
                             "tether-replay --library PATH",
                             0),
            0u)
      << result.err;
}

TEST(ReplayToolTest, AMissingRecordingExitsTwo) {
  const std::string path = ::testing::TempDir() + "no-such-recording.jsonl";
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tether-replay: cannot open " + path +
                            ": No such file or directory\n");
}

TEST(ReplayToolTest, ACorruptRecordingExitsTwoBeforeSendingAnything) {
  // The crash would come first if the tool sent calls before reading all.
  RecordLine crash = call(0, 0, kCrash, 0, "", 100);
  RecordLine corrupt = call(0, 1, kEcho, 0, "hello", 200);
  corrupt.digest = "0123456789abcdef";
  const std::string path =
      write_file("corrupt.jsonl",
                 header_line(1) + record_line(crash) + record_line(corrupt));
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited) << result.err;
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err.rfind("tether-replay: " + path +
                                 ": line 3: payload does not match its "
                                 "digest (recorded 0123456789abcdef, computed ",
                             0),
            0u)
      << result.err;
}

TEST(ReplayToolTest, AnUnknownVersionExitsTwo) {
  const std::string path = write_file("version.jsonl", header_line(1, 9));
  ToolResult result = run_replay(path);
  ASSERT_TRUE(result.exited);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tether-replay: " + path +
                            ": line 1: unknown version 9 (this reader knows "
                            "version 1)\n");
}

TEST(ReplayToolTest, ALibraryThatFailsToOpenExitsTwo) {
  const std::string path = write_file("open.jsonl", two_lanes(ping()));
  ToolResult result =
      run_program(TETHER_REPLAY_TOOL, {"--library", TETHER_REPLAY_TEST_LIBRARY,
                                       "--symbol", "no_such_entry", path});
  ASSERT_TRUE(result.exited);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  // After tether's own log line about it.
  EXPECT_NE(result.err.find("\ntether-replay: cannot open the library: "
                            "TETHER_E_LOAD: symbol 'no_such_entry' not found"),
            std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace tether::replay
