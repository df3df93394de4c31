// Streams: calls with one key through one stream run in submission order.
#include <numeric>
#include <thread>
#include <vector>

#include "runtime_test.h"

namespace tether_test {
namespace {

class StreamTest : public RuntimeTest {
 protected:
  StreamPtr OpenStream() {
    tether_stream* stream = nullptr;
    EXPECT_EQ(tether_stream_open(rt(), &stream), TETHER_OK);
    return StreamPtr(stream);
  }
};

tether_status StreamSubmit(tether_stream* stream, Collector& collector,
                           size_t index, const tether_call& call) {
  return RetryWhileBusy([&] {
    return tether_stream_submit(stream, &call, &Collector::Callback,
                                collector.user_data(index), nullptr);
  });
}

std::vector<uint64_t> Sequence(size_t n) {
  std::vector<uint64_t> sequence(n);
  std::iota(sequence.begin(), sequence.end(), 0);
  return sequence;
}

TEST_F(StreamTest, OneKeyThroughOneStreamRunsInSubmissionOrder) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(4)));
  StreamPtr stream = OpenStream();
  ASSERT_NE(stream, nullptr);
  const size_t kCalls = Scaled(5000);
  const uint64_t kLog = 1;
  Collector collector(kCalls);
  for (size_t i = 0; i < kCalls; ++i) {
    std::string payload = EncodeU64Pair(kLog, i);
    ASSERT_EQ(StreamSubmit(stream.get(), collector, i,
                           Call(kRecordOrder, payload, 77)),
              TETHER_OK);
  }
  ASSERT_TRUE(collector.WaitForTotal(kCalls));
  EXPECT_EQ(Probe::Get().OrderLog(kLog), Sequence(kCalls));
}

TEST_F(StreamTest, StreamsOnManyThreadsEachKeepTheirOrder) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(3)));
  const size_t kStreams = 6;
  const size_t kCalls = Scaled(2000);
  Collector collector(kStreams * kCalls);
  std::vector<std::thread> producers;
  for (size_t s = 0; s < kStreams; ++s) {
    producers.emplace_back([&, s] {
      StreamPtr stream = OpenStream();
      if (stream == nullptr) return;
      for (size_t i = 0; i < kCalls; ++i) {
        std::string payload = EncodeU64Pair(s, i);
        EXPECT_EQ(StreamSubmit(stream.get(), collector, s * kCalls + i,
                               Call(kRecordOrder, payload, 1000 + s)),
                  TETHER_OK);
      }
    });
  }
  for (auto& p : producers) p.join();
  ASSERT_TRUE(collector.WaitForTotal(kStreams * kCalls));
  for (size_t s = 0; s < kStreams; ++s) {
    EXPECT_EQ(Probe::Get().OrderLog(s), Sequence(kCalls)) << "stream " << s;
  }
}

TEST_F(StreamTest, StreamSubmitIntoQueueKeepsOrder) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  tether_cq* raw_cq = nullptr;
  ASSERT_EQ(tether_cq_open(rt(), &raw_cq), TETHER_OK);
  CqPtr cq(raw_cq);
  StreamPtr stream = OpenStream();
  const size_t kCalls = 200;
  for (size_t i = 0; i < kCalls; ++i) {
    std::string payload = EncodeU64Pair(9, i);
    tether_call call = Call(kRecordOrder, payload, 5);
    ASSERT_EQ(
        tether_stream_submit_cq(stream.get(), &call, cq.get(), i, nullptr),
        TETHER_OK);
  }
  size_t received = 0;
  std::vector<tether_completion> out(kCalls);
  while (received < kCalls) {
    size_t count = 0;
    ASSERT_EQ(tether_cq_poll(cq.get(), out.data(), sizeof out[0], kCalls,
                             60'000'000'000, &count),
              TETHER_OK);
    ASSERT_GT(count, 0u);
    for (size_t i = 0; i < count; ++i) tether_buf_free(out[i].result);
    received += count;
  }
  EXPECT_EQ(Probe::Get().OrderLog(9), Sequence(kCalls));
}

TEST_F(StreamTest, CallsCompleteAfterTheirStreamIsDestroyed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  {
    StreamPtr stream = OpenStream();
    ASSERT_EQ(StreamSubmit(stream.get(), collector, 0, Call(kBlock, {}, 1)),
              TETHER_OK);
    ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  }
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
}

TEST_F(StreamTest, StreamOutlivesItsRuntimeAndReportsClosed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  StreamPtr stream = OpenStream();
  ASSERT_EQ(tether_runtime_destroy(runtime_.release()), TETHER_OK);
  Collector collector(1);
  EXPECT_EQ(StreamSubmit(stream.get(), collector, 0, Call(kNoop, {}, 1)),
            TETHER_E_CLOSED);
  stream.reset();
  EXPECT_EQ(collector.total(), 0u);
}

TEST_F(StreamTest, DestroyNullStreamIsHarmless) {
  tether_stream_destroy(nullptr);
}

}  // namespace
}  // namespace tether_test
