// The boundary recorder through the C ABI: what tether_recorder_dump
// writes after calls of each outcome, with and without payloads, the
// recorder's settings (config and environment) and its bad inputs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "expect_rejected.h"
#include "recorder/payload_digest.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

// What the runtime's dump holds, one string per line.
std::vector<std::string> DumpLines(const tether_runtime* runtime,
                                   uint32_t flags) {
  FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  EXPECT_EQ(tether_recorder_dump(runtime, fileno(file), flags), TETHER_OK);
  std::rewind(file);
  std::vector<std::string> lines;
  std::string line;
  for (int c; (c = std::fgetc(file)) != EOF;) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  EXPECT_TRUE(line.empty()) << "the last line has no newline: " << line;
  std::fclose(file);
  return lines;
}

// The raw text of a field ("7", "\"done\"") in one JSON line, or "".
std::string Field(const std::string& line, const std::string& name) {
  std::smatch match;
  std::regex pattern("\"" + name + "\":(\"[^\"]*\"|-?[0-9]+|true|false)");
  return std::regex_search(line, match, pattern) ? match[1].str() : "";
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xF];
  }
  return hex;
}

std::string DigestOf(std::string_view bytes) {
  char text[17];
  std::snprintf(
      text, sizeof text, "%016llx",
      static_cast<unsigned long long>(
          tether::recorder::digest_payload(bytes.data(), bytes.size())));
  return std::string("\"") + text + "\"";
}

// A config with the recorder on (it is off by default).
tether_runtime_config Recording(uint32_t lanes) {
  tether_runtime_config config = Config(lanes);
  config.recorder_entries = 256;
  return config;
}

class RecorderTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    unsetenv("TETHER_RECORDER");
    unsetenv("TETHER_CAPTURE_DIR");
  }
  void TearDown() override {
    RuntimeTest::TearDown();
    unsetenv("TETHER_RECORDER");
  }

  // Runs `call` and waits for its completion.
  void RunOne(const tether_call& call) {
    Collector collector(1);
    ASSERT_EQ(Submit(collector, 0, call), TETHER_OK);
    ASSERT_TRUE(collector.WaitForTotal(1));
  }
};

TEST_F(RecorderTest, ConfigInitLeavesTheRecorderOff) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  EXPECT_EQ(config.recorder_entries, 0u);
  EXPECT_EQ(config.capture_max_payload, 4096u);
  EXPECT_EQ(config.capture_bytes, 0u);
  EXPECT_EQ(config.capture_dir, nullptr);
}

TEST_F(RecorderTest, DumpHoldsAHeaderAndOneLinePerCallInTheOrderRun) {
  Open(Recording(1));
  const std::string payload = "recorded payload";
  RunOne(Call(kEcho, payload, 5));
  RunOne(Call(kNoop, {}, 5));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Field(lines[0], "format"), "\"tether-recording\"");
  EXPECT_EQ(Field(lines[0], "version"), "1");
  EXPECT_EQ(Field(lines[0], "library"), "\"tether-test\"");
  EXPECT_EQ(Field(lines[0], "lanes"), "1");
  EXPECT_EQ(Field(lines[0], "entries"), "256");
  EXPECT_EQ(Field(lines[0], "reason"), "\"dump\"");
  EXPECT_EQ(Field(lines[0], "pid"), std::to_string(getpid()));

  EXPECT_EQ(Field(lines[1], "lane"), "0");
  EXPECT_EQ(Field(lines[1], "seq"), "0");
  EXPECT_EQ(Field(lines[1], "method"), std::to_string(kEcho));
  EXPECT_EQ(Field(lines[1], "key"), "5");
  EXPECT_EQ(Field(lines[1], "len"), std::to_string(payload.size()));
  EXPECT_EQ(Field(lines[1], "digest"), DigestOf(payload));
  EXPECT_EQ(Field(lines[1], "thread"), std::to_string(gettid()));
  EXPECT_EQ(Field(lines[1], "outcome"), "\"done\"");
  EXPECT_EQ(Field(lines[1], "status"), "0");
  EXPECT_EQ(Field(lines[1], "payload"), "") << "no payloads unless asked";
  EXPECT_EQ(Field(lines[2], "seq"), "1");
  EXPECT_EQ(Field(lines[2], "method"), std::to_string(kNoop));
  EXPECT_EQ(Field(lines[2], "digest"), DigestOf({}));
}

TEST_F(RecorderTest, TicketsInTheDumpAreTheOnesSubmitReturned) {
  Open(Recording(1));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kNoop), &ticket), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Field(lines[1], "ticket"), std::to_string(ticket));
  EXPECT_EQ(Field(lines[1], "key"), std::to_string(TETHER_KEY_ANY));
}

TEST_F(RecorderTest, ALibraryErrorIsRecordedWithItsCode) {
  Open(Recording(1));
  std::string payload = EncodeU64(77) + "no such key";
  RunOne(Call(kReplyError, payload));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Field(lines[1], "outcome"), "\"done\"");
  EXPECT_EQ(Field(lines[1], "status"), std::to_string(TETHER_E_LIBRARY));
  EXPECT_EQ(Field(lines[1], "code"), "77");
}

TEST_F(RecorderTest, AnExceptionFromTheHandlerIsALibraryError) {
  Open(Recording(1));
  RunOne(Call(kThrow, "thrown"));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Field(lines[1], "status"), std::to_string(TETHER_E_LIBRARY));
  EXPECT_EQ(Field(lines[1], "code"), "-1");
}

TEST_F(RecorderTest, AHandlerThatHasNotRepliedIsPending) {
  Open(Recording(1));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply)), TETHER_OK);
  std::vector<std::string> lines;
  ASSERT_TRUE(WaitUntil([&] {
    lines = DumpLines(rt(), 0);
    return lines.size() == 2 && Field(lines[1], "outcome") == "\"pending\"";
  })) << (lines.size() > 1 ? lines[1] : "no record");
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  EXPECT_EQ(collector.with_status(TETHER_E_CLOSED), 1u);
}

TEST_F(RecorderTest, ACallCancelledWhileQueuedIsSkippedWithItsStatus) {
  Open(Recording(1));
  Collector blocker(1);
  ASSERT_EQ(Submit(blocker, 0, Call(kBlock)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  Collector queued(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(queued, 0, Call(kEcho, "never run"), &ticket), TETHER_OK);
  ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  ASSERT_TRUE(queued.WaitForTotal(1));
  Probe::Get().OpenGate();
  ASSERT_TRUE(blocker.WaitForTotal(1));
  std::vector<std::string> lines;
  ASSERT_TRUE(WaitUntil([&] {
    lines = DumpLines(rt(), 0);
    return lines.size() == 3;
  }));
  EXPECT_EQ(Field(lines[2], "ticket"), std::to_string(ticket));
  EXPECT_EQ(Field(lines[2], "outcome"), "\"skipped\"");
  EXPECT_EQ(Field(lines[2], "status"), std::to_string(TETHER_E_CANCELLED));
}

TEST_F(RecorderTest, PayloadsAreCapturedUpToTheLimitAndDumpedOnlyWhenAsked) {
  tether_runtime_config config = Recording(1);
  config.capture_bytes = 4096;
  config.capture_max_payload = 100;
  Open(config);
  const std::string small = "captured bytes \x01\xff";
  const std::string large(101, 'x');
  RunOne(Call(kEcho, small));
  RunOne(Call(kEcho, large));
  auto lines = DumpLines(rt(), TETHER_RECORDER_PAYLOADS);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Field(lines[0], "capture_bytes"), "4096");
  EXPECT_EQ(Field(lines[0], "capture_max_payload"), "100");
  EXPECT_EQ(Field(lines[1], "payload"), "\"" + Hex(small) + "\"");
  EXPECT_EQ(Field(lines[2], "payload"), "") << "over capture_max_payload";
  EXPECT_EQ(Field(lines[2], "len"), "101");
  EXPECT_EQ(Field(DumpLines(rt(), 0)[1], "payload"), "");
}

TEST_F(RecorderTest, TheCaptureRingDropsTheOldestPayloadsAndKeepsTheirRecords) {
  tether_runtime_config config = Recording(1);
  config.capture_bytes = 64;
  config.capture_max_payload = 32;
  Open(config);
  for (char c : std::string("abcd")) RunOne(Call(kEcho, std::string(32, c)));
  auto lines = DumpLines(rt(), TETHER_RECORDER_PAYLOADS);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(Field(lines[1], "payload"), "");
  EXPECT_EQ(Field(lines[2], "payload"), "");
  EXPECT_EQ(Field(lines[3], "payload"),
            "\"" + Hex(std::string(32, 'c')) + "\"");
  EXPECT_EQ(Field(lines[4], "payload"),
            "\"" + Hex(std::string(32, 'd')) + "\"");
  EXPECT_EQ(Field(lines[1], "digest"), DigestOf(std::string(32, 'a')));
}

TEST_F(RecorderTest, TheRingKeepsTheLastEntriesOfEachLane) {
  tether_runtime_config config = Recording(1);
  config.recorder_entries = 5;  // rounded up to 8
  Open(config);
  for (int i = 0; i < 20; ++i) RunOne(Call(kNoop));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(Field(lines[0], "entries"), "8");
  EXPECT_EQ(Field(lines[1], "seq"), "12");
  EXPECT_EQ(Field(lines[8], "seq"), "19");
}

TEST_F(RecorderTest, EachLaneWritesItsOwnRecords) {
  Open(Recording(2));
  for (uint64_t key = 0; key < 8; ++key) RunOne(Call(kNoop, {}, key));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 9u);
  size_t on_lane[2] = {0, 0};
  for (size_t i = 1; i < lines.size(); ++i) {
    on_lane[std::stoi(Field(lines[i], "lane"))]++;
  }
  EXPECT_EQ(on_lane[0] + on_lane[1], 8u);
  EXPECT_GT(on_lane[0], 0u);
  EXPECT_GT(on_lane[1], 0u);
}

TEST_F(RecorderTest, ZeroEntriesTurnsItOffAndTheDumpIsTheHeaderAlone) {
  tether_runtime_config config = Recording(1);
  config.recorder_entries = 0;
  Open(config);
  RunOne(Call(kNoop));
  auto lines = DumpLines(rt(), TETHER_RECORDER_PAYLOADS);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(Field(lines[0], "entries"), "0");
}

TEST_F(RecorderTest, TheEnvironmentTurnsItOffOnOrCapturing) {
  setenv("TETHER_RECORDER", "off", 1);
  Open(Recording(1));
  RunOne(Call(kNoop));
  EXPECT_EQ(DumpLines(rt(), 0).size(), 1u);
  runtime_.reset();

  tether_runtime_config config = Recording(1);
  config.recorder_entries = 0;
  setenv("TETHER_RECORDER", "capture", 1);
  Open(config);
  RunOne(Call(kEcho, "env capture"));
  auto lines = DumpLines(rt(), TETHER_RECORDER_PAYLOADS);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Field(lines[0], "entries"), "256");
  EXPECT_EQ(Field(lines[0], "capture_bytes"), "1048576");
  EXPECT_EQ(Field(lines[1], "payload"), "\"" + Hex("env capture") + "\"");
}

TEST_F(RecorderTest, AnUnknownEnvironmentValueIsLoggedAndIgnored) {
  setenv("TETHER_RECORDER", "sometimes", 1);
  LogCapture log;
  Open(Recording(1));
  EXPECT_TRUE(
      log.Contains("TETHER_RECORDER=sometimes is not off, on or "
                   "capture; ignored"));
  RunOne(Call(kNoop));
  EXPECT_EQ(DumpLines(rt(), 0).size(), 2u);
}

TEST_F(RecorderTest, DumpWorksAfterShutdown) {
  Open(Recording(1));
  RunOne(Call(kNoop));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, 0), TETHER_OK);
  EXPECT_EQ(DumpLines(rt(), 0).size(), 2u);
}

TEST_F(RecorderTest, BadArgumentsAreRejected) {
  Open(Recording(1));
  LogCapture log_;
  const uint64_t live = LiveBuffers();
  EXPECT_REJECTED(tether_recorder_dump(nullptr, STDERR_FILENO, 0),
                  TETHER_E_INVALID_ARG);
  EXPECT_TRUE(log_.Contains("runtime is NULL"));
  EXPECT_REJECTED(tether_recorder_dump(rt(), -1, 0), TETHER_E_INVALID_ARG);
  EXPECT_TRUE(log_.Contains("fd is negative"));
  EXPECT_REJECTED(tether_recorder_dump(rt(), STDERR_FILENO, 2),
                  TETHER_E_INVALID_ARG);
  EXPECT_TRUE(log_.Contains("flags has bits tether does not know"));
  EXPECT_EQ(LiveBuffers(), live);
}

TEST_F(RecorderTest, AFailedWriteIsIoAndLogged) {
  Open(Recording(1));
  int read_only = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(read_only, 0);
  LogCapture log;
  EXPECT_EQ(tether_recorder_dump(rt(), read_only, 0), TETHER_E_IO);
  EXPECT_TRUE(log.Contains("tether_recorder_dump: writing to fd " +
                           std::to_string(read_only) + " failed: "));
  close(read_only);
  EXPECT_STREQ(tether_status_str(TETHER_E_IO), "TETHER_E_IO");
}

TEST_F(RecorderTest, OpenRefusesRecorderSettingsOutOfRange) {
  tether_runtime_config config = Recording(1);
  config.recorder_entries = 65537;
  EXPECT_EQ(OpenThenDestroy(TestLibrary(), config), TETHER_E_INVALID_ARG);
  config = Config(1);
  config.capture_bytes = (uint64_t{1} << 30) + 1;
  EXPECT_EQ(OpenThenDestroy(TestLibrary(), config), TETHER_E_INVALID_ARG);
  config = Config(1);
  config.capture_bytes = 100;
  config.capture_max_payload = 101;
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  EXPECT_EQ(tether_runtime_open(TestLibrary(), &config, &runtime, &error),
            TETHER_E_INVALID_ARG);
  ASSERT_NE(error, nullptr);
  EXPECT_STREQ(error,
               "capture_max_payload (101) is above capture_bytes (100): no "
               "payload that large could be kept");
  tether_buf_free(error);
  config.recorder_entries = 65536;
  config.capture_max_payload = 100;
  EXPECT_EQ(OpenThenDestroy(TestLibrary(), config), TETHER_OK);
}

TEST_F(RecorderTest, AVersion1ConfigGetsTheRecordersDefaults) {
  tether_runtime_config config = Config(1);
  config.struct_size = offsetof(tether_runtime_config, recorder_entries);
  config.recorder_entries = 256;  // past its struct_size: not read
  Open(config);
  RunOne(Call(kNoop));
  auto lines = DumpLines(rt(), 0);
  ASSERT_EQ(lines.size(), 1u) << "off, the default";
  EXPECT_EQ(Field(lines[0], "entries"), "0");
}

}  // namespace
}  // namespace tether_test
