// Submitting calls and what their completions carry.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime_test.h"

namespace tether_test {
namespace {

using SubmitTest = RuntimeTest;

TEST_F(SubmitTest, EchoCompletesWithThePayloadBytes) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  Collector collector(1);
  std::string payload("hello\0tether", 12);
  ASSERT_EQ(Submit(collector, 0, Call(kEcho, payload)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  Completion c = *collector.completion(0);
  EXPECT_EQ(c.status, TETHER_OK);
  EXPECT_EQ(c.library_code, 0);
  EXPECT_EQ(c.result, payload);
  EXPECT_EQ(collector.free_failures(), 0u);
}

TEST_F(SubmitTest, CompletionCarriesUserDataAndTicket) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(3);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 2, Call(kNoop), &ticket), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  Completion c = *collector.completion(2);
  EXPECT_EQ(c.user_data, collector.user_data(2));
  EXPECT_EQ(c.ticket, ticket);
  EXPECT_EQ(c.struct_size, sizeof(tether_completion));
}

TEST_F(SubmitTest, TicketsAreNonZeroAndDistinctWhileInFlight) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  const size_t kCalls = 64;
  Collector collector(kCalls);
  std::set<uint64_t> tickets;
  for (size_t i = 0; i < kCalls; ++i) {
    uint64_t ticket = 0;
    ASSERT_EQ(Submit(collector, i, Call(kBlock), &ticket), TETHER_OK);
    EXPECT_NE(ticket, 0u);
    tickets.insert(ticket);
  }
  EXPECT_EQ(tickets.size(), kCalls);
  Probe::Get().OpenGate();
  EXPECT_TRUE(collector.WaitForTotal(kCalls));
}

TEST_F(SubmitTest, EmptyPayloadWithNullPointerIsAccepted) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  tether_call call = Call(kEcho);
  call.payload = nullptr;
  call.payload_len = 0;
  ASSERT_EQ(Submit(collector, 0, call), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(0)->result, "");
}

TEST_F(SubmitTest, PayloadIsCopiedBeforeSubmitReturns) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  ASSERT_EQ(Submit(collector, 0, Call(kBlock, {}, 1)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  std::string payload(4096, 'a');
  ASSERT_EQ(Submit(collector, 1, Call(kEcho, payload, 1)), TETHER_OK);
  payload.assign(payload.size(), 'z');
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(1)->result, std::string(4096, 'a'));
}

TEST_F(SubmitTest, CallbackNeverRunsInsideSubmit) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  const size_t kCalls = 2000;
  Collector collector(kCalls);
  for (size_t i = 0; i < kCalls; ++i)
    ASSERT_EQ(Submit(collector, i, Call(kNoop)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  EXPECT_EQ(collector.inside_api_call(), 0u);
}

TEST_F(SubmitTest, SameKeyAlwaysRunsOnTheSameLane) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(4)));
  const size_t kKeys = 32;
  const size_t kCallsPerKey = 16;
  Collector collector(kKeys * kCallsPerKey);
  for (size_t round = 0; round < kCallsPerKey; ++round) {
    for (size_t key = 0; key < kKeys; ++key) {
      ASSERT_EQ(
          Submit(collector, round * kKeys + key, Call(kLaneInfo, {}, key)),
          TETHER_OK);
    }
  }
  ASSERT_TRUE(collector.WaitForTotal(kKeys * kCallsPerKey));
  for (size_t key = 0; key < kKeys; ++key) {
    const uint32_t lane =
        DecodeLaneInfo(collector.completion(key)->result).lane_index;
    for (size_t round = 1; round < kCallsPerKey; ++round) {
      EXPECT_EQ(
          DecodeLaneInfo(collector.completion(round * kKeys + key)->result)
              .lane_index,
          lane)
          << "key " << key;
    }
  }
}

TEST_F(SubmitTest, RequestAndCompletionNameTheLaneThatRanTheCall) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(3)));
  const size_t kCalls = 30;
  Collector collector(kCalls);
  for (size_t i = 0; i < kCalls; ++i)
    ASSERT_EQ(Submit(collector, i, Call(kLaneInfo, {}, i)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  for (size_t i = 0; i < kCalls; ++i) {
    Completion c = *collector.completion(i);
    LaneInfo info = DecodeLaneInfo(c.result);
    EXPECT_EQ(info.request_lane_index, info.lane_index);
    EXPECT_EQ(c.lane, info.lane_index);
    EXPECT_LT(info.lane_index, 3u);
  }
}

TEST_F(SubmitTest, AsyncReplyFromLaneTimerCompletesTheCall) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  std::string ms = EncodeU64(5);
  ASSERT_EQ(Submit(collector, 0, Call(kAsyncTimer, ms)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(0)->result, "fired");
  EXPECT_EQ(Probe::Get().foreign_thread_handles(), 0u);
}

TEST_F(SubmitTest, LaneKeepsServingWhileATimerIsPending) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(2);
  std::string ms = EncodeU64(60'000);
  ASSERT_EQ(Submit(collector, 0, Call(kAsyncTimer, ms)), TETHER_OK);
  ASSERT_EQ(Submit(collector, 1, Call(kEcho, "after")), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.count(1), 1u);
  EXPECT_EQ(collector.count(0), 0u);
}

TEST_F(SubmitTest, DeliverOnLaneRunsCallbackOnTheLaneThread) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2, TETHER_DELIVER_ON_LANE)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kLaneInfo)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  Completion c = *collector.completion(0);
  EXPECT_EQ(c.thread_id, DecodeLaneInfo(c.result).thread_id);
}

TEST_F(SubmitTest, DeliverOnThreadRunsCallbackOffTheLane) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2, TETHER_DELIVER_ON_THREAD)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kLaneInfo)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  Completion c = *collector.completion(0);
  EXPECT_EQ(c.status, TETHER_OK);
  EXPECT_NE(c.thread_id, DecodeLaneInfo(c.result).thread_id);
  EXPECT_NE(c.thread_id, CurrentThreadId());
}

TEST_F(SubmitTest, PayloadOverMaxPayloadBytesIsTooLarge) {
  tether_runtime_config config = Config(1);
  config.max_payload_bytes = 100;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(2);
  std::string at_limit(100, 'x');
  std::string over(101, 'x');
  EXPECT_EQ(Submit(collector, 0, Call(kEcho, over)), TETHER_E_TOO_LARGE);
  EXPECT_EQ(Submit(collector, 1, Call(kEcho, at_limit)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.count(0), 0u);
}

TEST_F(SubmitTest, BatchCompletesEachCallWithItsUserData) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  const size_t kCalls = 50;
  Collector collector(kCalls);
  std::vector<std::string> payloads(kCalls);
  std::vector<tether_call> calls(kCalls);
  std::vector<uint64_t> user_data(kCalls);
  std::vector<uint64_t> tickets(kCalls, 0);
  for (size_t i = 0; i < kCalls; ++i) {
    payloads[i] = "call " + std::to_string(i);
    calls[i] = Call(kEcho, payloads[i]);
    user_data[i] = collector.user_data(i);
  }
  size_t submitted = 0;
  ASSERT_EQ(
      tether_submit_batch(rt(), calls.data(), kCalls, &Collector::Callback,
                          user_data.data(), tickets.data(), &submitted),
      TETHER_OK);
  EXPECT_EQ(submitted, kCalls);
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  for (size_t i = 0; i < kCalls; ++i) {
    EXPECT_EQ(collector.completion(i)->result, payloads[i]);
    EXPECT_EQ(collector.completion(i)->ticket, tickets[i]);
  }
  EXPECT_EQ(collector.duplicates(), 0u);
}

TEST_F(SubmitTest, KeyedBatchKeepsEachCallsTicketAndLane) {
  // A batch is enqueued in runs bound for one lane: tickets must still
  // line up with the calls, and each key stay on one lane.
  ASSERT_NO_FATAL_FAILURE(Open(Config(3)));
  const size_t kCalls = 100;
  const uint64_t kKeys = 7;
  Collector collector(kCalls);
  std::vector<tether_call> calls(kCalls);
  std::vector<uint64_t> user_data(kCalls);
  std::vector<uint64_t> tickets(kCalls, 0);
  for (size_t i = 0; i < kCalls; ++i) {
    // Runs of a few calls per key, so runs both continue and break.
    calls[i] = Call(kLaneInfo, {}, (i / 3) % kKeys);
    user_data[i] = collector.user_data(i);
  }
  size_t submitted = 0;
  ASSERT_EQ(
      tether_submit_batch(rt(), calls.data(), kCalls, &Collector::Callback,
                          user_data.data(), tickets.data(), &submitted),
      TETHER_OK);
  ASSERT_EQ(submitted, kCalls);
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  std::map<uint64_t, uint32_t> lane_of_key;
  for (size_t i = 0; i < kCalls; ++i) {
    Completion c = *collector.completion(i);
    EXPECT_EQ(c.ticket, tickets[i]) << "call " << i;
    const uint64_t key = (i / 3) % kKeys;
    auto [it, first] = lane_of_key.emplace(key, c.lane);
    if (!first) EXPECT_EQ(c.lane, it->second) << "key " << key;
  }
  EXPECT_EQ(std::set<uint64_t>(tickets.begin(), tickets.end()).size(), kCalls);
  EXPECT_EQ(collector.duplicates(), 0u);
}

TEST_F(SubmitTest, BatchWithAMalformedCallAcceptsNone) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(5);
  tether_call calls[4] = {Call(kNoop), Call(kNoop), Call(kEcho), Call(kNoop)};
  calls[2].payload = nullptr;
  calls[2].payload_len = 10;  // malformed: NULL payload with a length
  uint64_t user_data[4];
  for (size_t i = 0; i < 4; ++i) user_data[i] = collector.user_data(i);
  size_t submitted = 9;
  EXPECT_EQ(tether_submit_batch(rt(), calls, 4, &Collector::Callback, user_data,
                                nullptr, &submitted),
            TETHER_E_INVALID_ARG);
  EXPECT_EQ(submitted, 0u);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
  // A later call's completion comes after any the batch could have caused.
  ASSERT_EQ(Submit(collector, 4, Call(kNoop)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.total(), 1u);
  EXPECT_EQ(collector.count(4), 1u);
}

TEST_F(SubmitTest, BatchWithAnOversizePayloadAcceptsNone) {
  tether_runtime_config config = Config(1);
  config.max_payload_bytes = 8;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(2);
  const std::string big(9, 'x');
  tether_call calls[2] = {Call(kNoop), Call(kEcho, big)};
  uint64_t user_data[2] = {collector.user_data(0), collector.user_data(1)};
  size_t submitted = 9;
  EXPECT_EQ(tether_submit_batch(rt(), calls, 2, &Collector::Callback, user_data,
                                nullptr, &submitted),
            TETHER_E_TOO_LARGE);
  EXPECT_EQ(submitted, 0u);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(SubmitTest, BatchOverCreditsAcceptsAPrefixAndReportsIt) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 3;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  const size_t kCalls = 5;
  Collector collector(kCalls);
  std::vector<tether_call> calls(kCalls, Call(kBlock));
  std::vector<uint64_t> user_data(kCalls);
  for (size_t i = 0; i < kCalls; ++i) user_data[i] = collector.user_data(i);
  size_t submitted = 99;
  EXPECT_EQ(
      tether_submit_batch(rt(), calls.data(), kCalls, &Collector::Callback,
                          user_data.data(), nullptr, &submitted),
      TETHER_E_BUSY);
  EXPECT_EQ(submitted, 3u);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(3));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(collector.count(3) + collector.count(4), 0u);
  EXPECT_EQ(collector.total(), 3u);
}

TEST_F(SubmitTest, BatchIntoCompletionQueueCarriesEachTag) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  tether_cq* raw_cq = nullptr;
  ASSERT_EQ(tether_cq_open(rt(), &raw_cq), TETHER_OK);
  CqPtr cq(raw_cq);
  const size_t kCalls = 10;
  std::vector<tether_call> calls(kCalls, Call(kNoop));
  std::vector<uint64_t> tags(kCalls);
  for (size_t i = 0; i < kCalls; ++i) tags[i] = 1000 + i;
  size_t submitted = 0;
  ASSERT_EQ(tether_submit_batch_cq(rt(), calls.data(), kCalls, cq.get(),
                                   tags.data(), nullptr, &submitted),
            TETHER_OK);
  ASSERT_EQ(submitted, kCalls);
  std::multiset<uint64_t> seen;
  std::vector<tether_completion> out(kCalls);
  while (seen.size() < kCalls) {
    size_t count = 0;
    ASSERT_EQ(tether_cq_poll(cq.get(), out.data(), sizeof(tether_completion),
                             kCalls, 60'000'000'000, &count),
              TETHER_OK);
    ASSERT_GT(count, 0u);
    for (size_t i = 0; i < count; ++i) {
      seen.insert(out[i].user_data);
      EXPECT_EQ(out[i].status, TETHER_OK);
      tether_buf_free(out[i].result);
    }
  }
  EXPECT_EQ(seen, std::multiset<uint64_t>(tags.begin(), tags.end()));
}

}  // namespace
}  // namespace tether_test
