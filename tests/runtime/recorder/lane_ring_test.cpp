#include "recorder/lane_ring.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "recorder/payload_digest.h"

namespace tether::recorder {
namespace {

CallFacts Facts(uint64_t ticket, const std::string& payload = {}) {
  CallFacts facts;
  facts.ticket = ticket;
  facts.key = ticket * 3;
  facts.method = static_cast<uint32_t>(ticket % 7);
  facts.thread = 99;
  facts.payload = payload.data();
  facts.payload_len = payload.size();
  facts.submit_ns = 1000;
  facts.start_ns = 1500;
  return facts;
}

std::string PayloadOf(const LaneRing& ring, const Record& record,
                      bool* intact) {
  std::string bytes;
  *intact = ring.read_payload(
      record, [&](const unsigned char* data, std::size_t count) {
        bytes.append(reinterpret_cast<const char*>(data), count);
      });
  return bytes;
}

TEST(LaneRingTest, ARecordReadsBackWhatTheLaneTook) {
  LaneRing ring(4, 0, 0);
  const std::string payload = "0123456789";
  const uint64_t seq = ring.begin(Facts(11, payload));
  EXPECT_EQ(seq, 0u);
  Record record;
  ASSERT_TRUE(ring.read(0, &record));
  EXPECT_EQ(record.ticket, 11u);
  EXPECT_EQ(record.key, 33u);
  EXPECT_EQ(record.method, 4u);
  EXPECT_EQ(record.thread, 99u);
  EXPECT_EQ(record.payload_len, 10u);
  EXPECT_EQ(record.digest, digest_payload(payload.data(), payload.size()));
  EXPECT_EQ(record.submit_ns, 1000u);
  EXPECT_EQ(record.wait_ns, 500u);
  EXPECT_EQ(record.outcome, Outcome::kRunning);
  EXPECT_EQ(record.capture, 0u);
  EXPECT_FALSE(ring.read(1, &record)) << "not written yet";
}

TEST(LaneRingTest, OutcomeRunTimeAndPendingAreSetInPlace) {
  LaneRing ring(4, 0, 0);
  uint64_t replied = ring.begin(Facts(1));
  ring.set_outcome(1, TETHER_E_LIBRARY, -9);
  ring.finish_run(replied, 250);
  uint64_t silent = ring.begin(Facts(2));
  ring.finish_run(silent, 70);
  Record record;
  ASSERT_TRUE(ring.read(replied, &record));
  EXPECT_EQ(record.outcome, Outcome::kDone);
  EXPECT_EQ(record.status, TETHER_E_LIBRARY);
  EXPECT_EQ(record.code, -9);
  EXPECT_EQ(record.run_ns, 250u);
  ASSERT_TRUE(ring.read(silent, &record));
  EXPECT_EQ(record.outcome, Outcome::kPending);
  // A late reply (from a timer) finds its record behind the latest one.
  ring.begin(Facts(3));
  ring.set_outcome(2, TETHER_OK, 0);
  ASSERT_TRUE(ring.read(silent, &record));
  EXPECT_EQ(record.outcome, Outcome::kDone);
  EXPECT_EQ(record.run_ns, 70u);
}

TEST(LaneRingTest, ASkippedCallKeepsTheStatusThatClaimedIt) {
  LaneRing ring(4, 0, 0);
  ring.skipped(Facts(5), TETHER_E_DEADLINE);
  Record record;
  ASSERT_TRUE(ring.read(0, &record));
  EXPECT_EQ(record.outcome, Outcome::kSkipped);
  EXPECT_EQ(record.status, TETHER_E_DEADLINE);
}

TEST(LaneRingTest, OnlyTheLastEntriesAreHeld) {
  LaneRing ring(4, 0, 0);
  for (uint64_t t = 1; t <= 10; ++t) ring.begin(Facts(t));
  EXPECT_EQ(ring.head(), 10u);
  Record record;
  EXPECT_FALSE(ring.read(5, &record));
  for (uint64_t seq = 6; seq < 10; ++seq) {
    ASSERT_TRUE(ring.read(seq, &record));
    EXPECT_EQ(record.ticket, seq + 1);
  }
  // An outcome for a call whose record is gone changes nothing.
  ring.set_outcome(1, TETHER_E_CANCELLED, 0);
  ASSERT_TRUE(ring.read(6, &record));
  EXPECT_EQ(record.outcome, Outcome::kRunning);
}

TEST(LaneRingTest, CapturedPayloadsReadBackUntilOverwritten) {
  LaneRing ring(8, 48, 16);  // six words: three 16-byte payloads
  const std::vector<std::string> payloads = {
      "first payload!!!", "second", "third payload", "fourth payload!!"};
  for (size_t i = 0; i < payloads.size(); ++i) {
    ring.begin(Facts(i + 1, payloads[i]));
  }
  ring.begin(Facts(9, std::string(17, 'z')));  // over capture_max_payload
  Record record;
  bool intact = false;
  ASSERT_TRUE(ring.read(0, &record));
  EXPECT_FALSE(ring.payload_held(record)) << "the fourth overwrote it";
  for (size_t i = 1; i < payloads.size(); ++i) {
    ASSERT_TRUE(ring.read(i, &record));
    EXPECT_EQ(PayloadOf(ring, record, &intact), payloads[i]);
    EXPECT_TRUE(intact);
  }
  ASSERT_TRUE(ring.read(4, &record));
  EXPECT_EQ(record.capture, 0u);
  EXPECT_FALSE(ring.payload_held(record));
}

TEST(LaneRingTest, APayloadThatWouldWrapStartsAtTheRingsStart) {
  LaneRing ring(8, 40, 24);                    // five words
  ring.begin(Facts(1, std::string(24, 'a')));  // words 0-2
  ring.begin(Facts(2, std::string(24, 'b')));  // 3-4 would wrap: 5-7
  Record record;
  bool intact = false;
  ASSERT_TRUE(ring.read(1, &record));
  EXPECT_EQ(PayloadOf(ring, record, &intact), std::string(24, 'b'));
  EXPECT_TRUE(intact);
  ASSERT_TRUE(ring.read(0, &record));
  EXPECT_FALSE(ring.payload_held(record));
}

// A reader racing the lane keeps only records it copied whole: each
// record's fields are derived from its ticket, so a torn copy shows.
TEST(LaneRingTest, AReaderRacingTheLaneNeverKeepsATornRecord) {
  LaneRing ring(16, 1024, 64);
  std::atomic<bool> done{false};
  std::thread lane([&] {
    for (uint64_t t = 1; t <= 200000; ++t) {
      std::string payload(t % 64, static_cast<char>('a' + t % 26));
      uint64_t seq = ring.begin(Facts(t, payload));
      ring.set_outcome(t, TETHER_OK, static_cast<int32_t>(t));
      ring.finish_run(seq, t);
    }
    done = true;
  });
  uint64_t kept = 0;
  while (!done) {
    const uint64_t head = ring.head();
    for (uint64_t seq = head > 16 ? head - 16 : 0; seq < head; ++seq) {
      Record record;
      if (!ring.read(seq, &record)) continue;
      ++kept;
      ASSERT_EQ(record.ticket, seq + 1);
      ASSERT_EQ(record.key, record.ticket * 3);
      ASSERT_EQ(record.payload_len, record.ticket % 64);
      std::string expected(record.payload_len,
                           static_cast<char>('a' + record.ticket % 26));
      ASSERT_EQ(record.digest,
                digest_payload(expected.data(), expected.size()));
      if (record.outcome == Outcome::kDone) {
        ASSERT_EQ(record.code, static_cast<int32_t>(record.ticket));
      }
      bool intact = false;
      std::string bytes = PayloadOf(ring, record, &intact);
      if (intact && record.payload_len != 0) ASSERT_EQ(bytes, expected);
    }
  }
  lane.join();
  EXPECT_GT(kept, 0u);
}

}  // namespace
}  // namespace tether::recorder
