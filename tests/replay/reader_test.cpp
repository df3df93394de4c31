// The recording reader: what it takes from good lines, and the message for
// each kind of line it refuses.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "recording.h"
#include "recording_text.h"

namespace tether::replay {
namespace {

using testing::header_line;
using testing::record_line;
using testing::RecordLine;

struct ReadOutcome {
  bool ok = false;
  std::string error;
  Recording recording;
};

ReadOutcome read(const std::string& text) {
  std::istringstream in(text);
  ReadOutcome outcome;
  outcome.ok = read_recording(in, &outcome.recording, &outcome.error);
  return outcome;
}

// A header, then `line` as line 2: the error the reader gives for it.
std::string error_for_record(const std::string& line) {
  ReadOutcome outcome = read(header_line(2) + line + "\n");
  EXPECT_FALSE(outcome.ok) << line;
  return outcome.error;
}

const char kGoodRecord[] =
    "{\"lane\":1,\"seq\":41,\"ticket\":281479271743489,\"method\":2,"
    "\"key\":18446744073709551615,\"len\":12,\"digest\":\"464be54f842578fc\","
    "\"thread\":12345,\"submit_ns\":123456789,\"wait_ns\":1200,"
    "\"run_ns\":300,\"outcome\":\"done\",\"status\":6,\"code\":-7,"
    "\"payload\":\"68656c6c6f20776f726c6421\"}";

// A record line from kGoodRecord with `from` replaced by `to`.
std::string good_record_with(const std::string& from, const std::string& to) {
  std::string line = kGoodRecord;
  const auto at = line.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return line.replace(at, from.size(), to);
}

TEST(RecordingReaderTest, ReadsEveryFieldOfAHeaderAndARecord) {
  ReadOutcome outcome = read(header_line(2) + kGoodRecord + "\n");
  ASSERT_TRUE(outcome.ok) << outcome.error;
  const RecordingHeader& header = outcome.recording.header;
  EXPECT_EQ(header.version, 1u);
  EXPECT_EQ(header.library, "replay-test");
  EXPECT_EQ(header.lanes, 2u);
  EXPECT_EQ(header.reason, "dump");
  EXPECT_FALSE(header.crashed);
  ASSERT_EQ(outcome.recording.records.size(), 1u);
  const Record& record = outcome.recording.records[0];
  EXPECT_EQ(record.lane, 1u);
  EXPECT_EQ(record.seq, 41u);
  EXPECT_EQ(record.ticket, 281479271743489u);
  EXPECT_EQ(record.method, 2u);
  EXPECT_EQ(record.key, UINT64_MAX);
  EXPECT_EQ(record.len, 12u);
  EXPECT_EQ(record.digest, 0x464be54f842578fcu);
  EXPECT_EQ(record.thread, 12345u);
  EXPECT_EQ(record.submit_ns, 123456789u);
  EXPECT_EQ(record.wait_ns, 1200u);
  EXPECT_EQ(record.run_ns, 300u);
  EXPECT_EQ(record.outcome, Outcome::kDone);
  EXPECT_EQ(record.status, 6);
  EXPECT_EQ(record.code, -7);
  EXPECT_TRUE(record.has_payload);
  EXPECT_EQ(std::string(record.payload.begin(), record.payload.end()),
            "hello world!");
  EXPECT_EQ(record.line, 2u);
}

TEST(RecordingReaderTest, ReadsACrashHeader) {
  ReadOutcome outcome = read(
      "{\"format\":\"tether-recording\",\"version\":1,\"library\":\"kv\","
      "\"lanes\":4,\"reason\":\"crash\",\"crash_lane\":2,\"signal\":11}\n");
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_TRUE(outcome.recording.header.crashed);
  EXPECT_EQ(outcome.recording.header.crash_lane, 2u);
  EXPECT_EQ(outcome.recording.header.signal, 11u);
  EXPECT_TRUE(outcome.recording.records.empty());
}

TEST(RecordingReaderTest, ReadsEveryOutcome) {
  std::string text = header_line(1);
  const char* outcomes[] = {"done", "running", "pending", "skipped"};
  for (uint64_t seq = 0; seq < 4; ++seq) {
    RecordLine line;
    line.seq = seq;
    line.outcome = outcomes[seq];
    text += record_line(line);
  }
  ReadOutcome outcome = read(text);
  ASSERT_TRUE(outcome.ok) << outcome.error;
  ASSERT_EQ(outcome.recording.records.size(), 4u);
  EXPECT_EQ(outcome.recording.records[0].outcome, Outcome::kDone);
  EXPECT_EQ(outcome.recording.records[1].outcome, Outcome::kRunning);
  EXPECT_EQ(outcome.recording.records[2].outcome, Outcome::kPending);
  EXPECT_EQ(outcome.recording.records[3].outcome, Outcome::kSkipped);
}

TEST(RecordingReaderTest, DigestsFollowTheFormatsAlgorithm) {
  // Digests computed independently from the format's description.
  struct Case {
    const char* hex;
    const char* digest;
  } cases[] = {{"", "9341ca263702a9e6"},
               {"00ff", "d5540d05227c9030"},
               {"30313233343536373839616263646566", "d37379d8559683fe"}};
  for (const Case& c : cases) {
    const std::string payload =
        *c.hex == '\0' ? "" : std::string(",\"payload\":\"") + c.hex + "\"";
    const std::string line =
        std::string(
            "{\"lane\":0,\"seq\":0,\"ticket\":1,\"method\":1,"
            "\"key\":0,\"len\":") +
        std::to_string(std::string(c.hex).size() / 2) + ",\"digest\":\"" +
        c.digest +
        "\",\"thread\":1,\"submit_ns\":1,\"wait_ns\":1,\"run_ns\":1,"
        "\"outcome\":\"done\",\"status\":0,\"code\":0" +
        payload + "}\n";
    ReadOutcome outcome = read(header_line(1) + line);
    EXPECT_TRUE(outcome.ok) << c.hex << ": " << outcome.error;
  }
}

TEST(RecordingReaderTest, ARecordWithoutItsPayloadIsNotCaptured) {
  RecordLine uncaptured;
  uncaptured.payload = "abc";
  uncaptured.captured = false;
  RecordLine empty;
  empty.seq = 1;
  ReadOutcome outcome =
      read(header_line(1) + record_line(uncaptured) + record_line(empty));
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_FALSE(outcome.recording.records[0].has_payload);
  EXPECT_EQ(outcome.recording.records[0].len, 3u);
  EXPECT_TRUE(outcome.recording.records[1].has_payload);  // len 0 needs none
}

TEST(RecordingReaderTest, ATornPayloadIsTakenAsNotCaptured) {
  // The lane overwrote the bytes during the dump: they match no digest.
  ReadOutcome outcome =
      read(header_line(2) +
           good_record_with("\"payload\":\"68656c6c6f20776f726c6421\"",
                            "\"payload\":\"000000000000000000000000\","
                            "\"torn\":true") +
           "\n");
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_FALSE(outcome.recording.records[0].has_payload);
  EXPECT_TRUE(
      read(header_line(2) +
           good_record_with("\"code\":-7", "\"code\":-7,\"torn\":false") + "\n")
          .recording.records[0]
          .has_payload);
}

TEST(RecordingReaderTest, IgnoresFieldsItDoesNotKnowOfAnyKind) {
  const std::string header =
      "{\"format\":\"tether-recording\",\"future\":{\"a\":[1,2.5e3,{\"b\":"
      "null}],\"c\":\"\\u00e9\\ud83d\\ude00\"},\"version\":1,\"lanes\":1,"
      "\"flag\":true,\"nothing\":null,\"list\":[]}\n";
  const std::string record =
      "{\"lane\":0,\"seq\":0,\"ticket\":1,\"method\":1,\"key\":0,\"len\":0,"
      "\"digest\":\"9341ca263702a9e6\",\"thread\":1,\"submit_ns\":1,"
      "\"wait_ns\":1,\"run_ns\":1,\"outcome\":\"done\",\"status\":0,"
      "\"code\":0,\"cpu\":3,\"note\":\"later \\\"field\\\"\","
      "\"spans\":[[1],{}],\"hot\":false}\n";
  ReadOutcome outcome = read(header + record);
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.recording.records.size(), 1u);
}

TEST(RecordingReaderTest, DecodesEscapesInStrings) {
  ReadOutcome outcome = read(
      "{\"format\":\"tether-recording\",\"version\":1,\"lanes\":1,"
      "\"library\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"}\n");
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.recording.header.library,
            "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(RecordingReaderTest, RefusesAVersionItDoesNotKnow) {
  ReadOutcome outcome = read(header_line(1, 2));
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error,
            "line 1: unknown version 2 (this reader knows version 1)");
}

TEST(RecordingReaderTest, RefusesAnotherFormat) {
  ReadOutcome outcome =
      read("{\"format\":\"something-else\",\"version\":1,\"lanes\":1}\n");
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error,
            "line 1: not a tether recording (format \"something-else\")");
}

TEST(RecordingReaderTest, RefusesAHeaderWithoutLanes) {
  EXPECT_EQ(read("{\"format\":\"tether-recording\",\"version\":1}\n").error,
            "line 1: missing field \"lanes\"");
  EXPECT_EQ(
      read("{\"format\":\"tether-recording\",\"version\":1,\"lanes\":0}\n")
          .error,
      "line 1: field \"lanes\": a runtime has at least one lane");
  EXPECT_EQ(
      read("{\"format\":\"tether-recording\",\"version\":1,\"lanes\":257}\n")
          .error,
      "line 1: field \"lanes\": expected an unsigned integer up to 256, got "
      "257");
}

TEST(RecordingReaderTest, RefusesACrashLaneTheRuntimeDidNotHave) {
  EXPECT_EQ(read("{\"format\":\"tether-recording\",\"version\":1,\"lanes\":2,"
                 "\"crash_lane\":2,\"signal\":11}\n")
                .error,
            "line 1: field \"crash_lane\": expected an unsigned integer up to "
            "1, got 2");
}

TEST(RecordingReaderTest, RefusesAnEmptyFile) {
  EXPECT_EQ(read("").error, "empty file: no header line");
}

TEST(RecordingReaderTest, RefusesAPayloadThatDoesNotMatchItsDigest) {
  RecordLine line;
  line.payload = "hello world!";
  line.digest = "464be54f842578fd";  // the right one ends in c
  EXPECT_EQ(error_for_record(
                record_line(line).substr(0, record_line(line).size() - 1)),
            "line 2: payload does not match its digest (recorded "
            "464be54f842578fd, computed 464be54f842578fc)");
}

TEST(RecordingReaderTest, RefusesAnEmptyRecordWhoseDigestIsNotTheEmptyOne) {
  RecordLine line;
  line.digest = "0000000000000000";
  const std::string text = record_line(line);
  EXPECT_EQ(error_for_record(text.substr(0, text.size() - 1)),
            "line 2: payload does not match its digest (recorded "
            "0000000000000000, computed 9341ca263702a9e6)");
}

TEST(RecordingReaderTest, NamesTheLineOfAMalformedRecord) {
  RecordLine first;
  const std::string text =
      header_line(1) + record_line(first) + "{\"lane\":0,\"seq\":\n";
  ReadOutcome outcome = read(text);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error, "line 3: expected a value (column 17)");
}

struct MalformedCase {
  const char* name;
  std::string line;
  std::string error;
};

TEST(RecordingReaderTest, RefusesEveryMalformedRecordWithItsMessage) {
  const MalformedCase cases[] = {
      {"empty line", "",
       "line 2: expected '{' at the start of the line "
       "(column 1)"},
      {"not an object", "[1,2]",
       "line 2: expected '{' at the start of the line (column 1)"},
      {"text after the object", std::string(kGoodRecord) + "x",
       "line 2: unexpected text after the object (column " +
           std::to_string(sizeof kGoodRecord) + ")"},
      {"unterminated object", "{\"lane\":0",
       "line 2: expected ',' or '}' after a value (column 10)"},
      {"trailing comma", "{\"lane\":0,}",
       "line 2: expected a field name in double quotes (column 11)"},
      {"name without quotes", "{lane:0}",
       "line 2: expected a field name in double quotes (column 2)"},
      {"missing colon", "{\"lane\" 0}",
       "line 2: expected ':' after a field name (column 9)"},
      {"unterminated string", "{\"lane\":\"abc",
       "line 2: unterminated string (column 13)"},
      {"control character", "{\"lane\":\"a\tb\"}",
       "line 2: control character in a string (column 11)"},
      {"unknown escape", "{\"lane\":\"\\q\"}",
       "line 2: unknown escape in a string (column 11)"},
      {"bad unicode escape", "{\"lane\":\"\\u12g4\"}",
       "line 2: expected four hex digits after \\u (column 14)"},
      {"unpaired surrogate", "{\"lane\":\"\\udc00\"}",
       "line 2: unpaired surrogate (column 16)"},
      {"malformed number", "{\"lane\":01}",
       "line 2: expected ',' or '}' after a value (column 10)"},
      {"number without digits", "{\"lane\":-}",
       "line 2: malformed number (column 10)"},
      {"bare word", "{\"lane\":yes}", "line 2: expected a value (column 9)"},
      {"duplicate field", good_record_with("\"seq\":41", "\"lane\":1"),
       "line 2: duplicate field \"lane\" (column 11)"},
      {"missing field", good_record_with("\"ticket\":281479271743489,", ""),
       "line 2: missing field \"ticket\""},
      {"string for a number",
       good_record_with("\"method\":2", "\"method\":\"2\""),
       "line 2: field \"method\": expected a number"},
      {"negative unsigned", good_record_with("\"seq\":41", "\"seq\":-41"),
       "line 2: field \"seq\": expected an unsigned integer up to "
       "18446744073709551615, got -41"},
      {"fraction", good_record_with("\"seq\":41", "\"seq\":41.0"),
       "line 2: field \"seq\": expected an unsigned integer up to "
       "18446744073709551615, got 41.0"},
      {"exponent", good_record_with("\"seq\":41", "\"seq\":4e1"),
       "line 2: field \"seq\": expected an unsigned integer up to "
       "18446744073709551615, got 4e1"},
      {"over 64 bits",
       good_record_with("\"key\":18446744073709551615",
                        "\"key\":18446744073709551616"),
       "line 2: field \"key\": expected an unsigned integer up to "
       "18446744073709551615, got 18446744073709551616"},
      {"method over 32 bits",
       good_record_with("\"method\":2", "\"method\":4294967296"),
       "line 2: field \"method\": expected an unsigned integer up to "
       "4294967295, got 4294967296"},
      {"wait over 32 bits",
       good_record_with("\"wait_ns\":1200", "\"wait_ns\":4294967296"),
       "line 2: field \"wait_ns\": expected an unsigned integer up to "
       "4294967295, got 4294967296"},
      {"status over 32 bits",
       good_record_with("\"status\":6", "\"status\":2147483648"),
       "line 2: field \"status\": expected an integer from -2147483648 to "
       "2147483647, got 2147483648"},
      {"code under 32 bits",
       good_record_with("\"code\":-7", "\"code\":-2147483649"),
       "line 2: field \"code\": expected an integer from -2147483648 to "
       "2147483647, got -2147483649"},
      {"uppercase digest",
       good_record_with("464be54f842578fc", "464BE54F842578FC"),
       "line 2: field \"digest\": expected 16 lowercase hex digits, got "
       "\"464BE54F842578FC\""},
      {"short digest", good_record_with("464be54f842578fc", "464be54f"),
       "line 2: field \"digest\": expected 16 lowercase hex digits, got "
       "\"464be54f\""},
      {"unknown outcome",
       good_record_with("\"outcome\":\"done\"", "\"outcome\":\"lost\""),
       "line 2: field \"outcome\": unknown outcome \"lost\""},
      {"lane beyond the header's", good_record_with("\"lane\":1", "\"lane\":2"),
       "line 2: lane 2 of a recording with 2 lanes"},
      {"odd payload", good_record_with("6c6421\"", "6c642\""),
       "line 2: field \"payload\": odd number of hex digits"},
      {"uppercase payload", good_record_with("68656c6c", "68656C6c"),
       "line 2: field \"payload\": not a lowercase hex digit at offset 5"},
      {"payload shorter than len", good_record_with("\"len\":12", "\"len\":13"),
       "line 2: field \"payload\": 12 bytes, but \"len\" is 13"},
      {"torn not a boolean",
       good_record_with("\"code\":-7", "\"code\":-7,\"torn\":1"),
       "line 2: field \"torn\": expected true or false"},
      {"payload not a string",
       good_record_with("\"payload\":\"68656c6c6f20776f726c6421\"",
                        "\"payload\":[104]"),
       "line 2: field \"payload\": expected a string"},
  };
  for (const MalformedCase& c : cases) {
    EXPECT_EQ(error_for_record(c.line), c.error) << c.name;
  }
}

TEST(RecordingReaderTest, RefusesRecordsOutOfTheFormatsOrder) {
  RecordLine later;
  later.seq = 5;
  RecordLine earlier;
  earlier.seq = 4;
  EXPECT_EQ(
      read(header_line(1) + record_line(later) + record_line(earlier)).error,
      "line 3: record lane 0 seq 4 after lane 0 seq 5 (records go by "
      "lane, then by seq ascending)");
  EXPECT_EQ(
      read(header_line(1) + record_line(later) + record_line(later)).error,
      "line 3: record lane 0 seq 5 after lane 0 seq 5 (records go by "
      "lane, then by seq ascending)");
  RecordLine lane1;
  lane1.lane = 1;
  RecordLine lane0;
  EXPECT_EQ(
      read(header_line(2) + record_line(lane1) + record_line(lane0)).error,
      "line 3: record lane 0 seq 0 after lane 1 seq 0 (records go by "
      "lane, then by seq ascending)");
}

TEST(RecordingReaderTest, AcceptsGapsInSeqAndCrLfLineEnds) {
  RecordLine first;
  first.seq = 3;
  RecordLine after_gap;
  after_gap.seq = 300;
  std::string text = header_line(1) + record_line(first);
  text.insert(text.size() - 1, "\r");
  ReadOutcome outcome = read(text + record_line(after_gap));
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.recording.records.size(), 2u);
}

}  // namespace
}  // namespace tether::replay
