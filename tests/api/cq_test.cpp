// Completion queues: polled batches, the eventfd hint, a growing struct.
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "runtime_test.h"

namespace tether_test {
namespace {

constexpr uint64_t kLongPollNs = 60'000'000'000;
constexpr unsigned char kUntouched = 0xab;

class CqTest : public RuntimeTest {
 protected:
  void OpenWithQueue(const tether_runtime_config& config) {
    ASSERT_NO_FATAL_FAILURE(Open(config));
    tether_cq* cq = nullptr;
    ASSERT_EQ(tether_cq_open(rt(), &cq), TETHER_OK);
    ASSERT_NE(cq, nullptr);
    cq_.reset(cq);
  }

  tether_status SubmitCq(const tether_call& call, uint64_t tag,
                         uint64_t* ticket = nullptr) {
    return tether_submit_cq(rt(), &call, cq_.get(), tag, ticket);
  }

  // Polls one completion, waiting for it; frees its buffers.
  tether_completion PollOne() {
    tether_completion out{};
    size_t count = 0;
    EXPECT_EQ(
        tether_cq_poll(cq_.get(), &out, sizeof out, 1, kLongPollNs, &count),
        TETHER_OK);
    EXPECT_EQ(count, 1u);
    return out;
  }

  static void Free(const tether_completion& c) {
    EXPECT_EQ(tether_buf_free(c.result), TETHER_OK);
    EXPECT_EQ(tether_buf_free(c.error), TETHER_OK);
  }

  static bool FdReadable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
  }

  // Polls with a long timeout until one completion arrives. The other
  // thread's short polls may hold the queue at the moment this one starts:
  // that BUSY is retried, as a host would.
  void ExpectOnePolledBlocking() {
    tether_completion out{};
    size_t count = 0;
    tether_status status;
    do {
      status =
          tether_cq_poll(cq_.get(), &out, sizeof out, 1, kLongPollNs, &count);
    } while (status == TETHER_E_BUSY);
    EXPECT_EQ(status, TETHER_OK);
    EXPECT_EQ(count, 1u);
  }

  void TearDown() override {
    RuntimeTest::TearDown();
    cq_.reset();
  }

  CqPtr cq_;
};

TEST_F(CqTest, CompletionArrivesWithTagTicketAndResult) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  uint64_t ticket = 0;
  ASSERT_EQ(SubmitCq(Call(kEcho, "queued"), 42, &ticket), TETHER_OK);
  tether_completion c = PollOne();
  EXPECT_EQ(c.user_data, 42u);
  EXPECT_EQ(c.ticket, ticket);
  EXPECT_EQ(c.status, TETHER_OK);
  EXPECT_EQ(c.struct_size, sizeof(tether_completion));
  ASSERT_EQ(c.result_len, 6u);
  EXPECT_EQ(std::memcmp(c.result, "queued", 6), 0);
  Free(c);
}

TEST_F(CqTest, FdIsValidAndNullQueueHasNoFd) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  EXPECT_GE(tether_cq_fd(cq_.get()), 0);
  EXPECT_EQ(tether_cq_fd(nullptr), -1);
}

TEST_F(CqTest, ManyCompletionsAllDrainAfterOneFdRead) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(2)));
  const size_t kCalls = Scaled(10'000);
  for (size_t i = 0; i < kCalls; ++i) {
    ASSERT_EQ(RetryWhileBusy([&] { return SubmitCq(Call(kNoop), i); }),
              TETHER_OK);
  }
  // When a drain returns, every completion is in its queue.
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongPollNs),
            TETHER_OK);
  ASSERT_TRUE(FdReadable(tether_cq_fd(cq_.get()), 60'000));
  ASSERT_EQ(tether_cq_reset_fd(cq_.get()), TETHER_OK);
  std::vector<tether_completion> out(64);
  std::set<uint64_t> tags;
  size_t count = out.size();
  while (count == out.size()) {
    ASSERT_EQ(tether_cq_poll(cq_.get(), out.data(), sizeof out[0], out.size(),
                             0, &count),
              TETHER_OK);
    for (size_t i = 0; i < count; ++i) {
      EXPECT_TRUE(tags.insert(out[i].user_data).second)
          << "tag " << out[i].user_data << " twice";
      EXPECT_EQ(out[i].status, TETHER_OK);
      Free(out[i]);
    }
  }
  EXPECT_EQ(tags.size(), kCalls);
}

TEST_F(CqTest, ConsumerFollowingTheFdContractLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(2)));
  const size_t kCalls = Scaled(10'000);
  std::thread producer([&] {
    for (size_t i = 0; i < kCalls; ++i) {
      EXPECT_EQ(RetryWhileBusy([&] { return SubmitCq(Call(kNoop), i); }),
                TETHER_OK);
    }
  });
  std::vector<tether_completion> out(32);
  size_t received = 0;
  const int fd = tether_cq_fd(cq_.get());
  while (received < kCalls) {
    if (!FdReadable(fd, 60'000)) break;
    ASSERT_EQ(tether_cq_reset_fd(cq_.get()), TETHER_OK);
    size_t count = out.size();
    while (count == out.size()) {
      ASSERT_EQ(tether_cq_poll(cq_.get(), out.data(), sizeof out[0], out.size(),
                               0, &count),
                TETHER_OK);
      for (size_t i = 0; i < count; ++i) Free(out[i]);
      received += count;
    }
  }
  producer.join();
  EXPECT_EQ(received, kCalls);
}

TEST_F(CqTest, OldCallerElemSizeGetsOnlyTheVersionOnePrefix) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  const size_t kCalls = 3;
  for (size_t i = 0; i < kCalls; ++i)
    ASSERT_EQ(SubmitCq(Call(kEcho, "v1", 5), 100 + i), TETHER_OK);
  const size_t elem = TETHER_COMPLETION_MIN_SIZE;
  // One spare element: nothing may be written into it.
  std::vector<unsigned char> out((kCalls + 1) * elem, kUntouched);
  size_t count = 0;
  ASSERT_EQ(
      tether_cq_poll(cq_.get(), out.data(), elem, kCalls, kLongPollNs, &count),
      TETHER_OK);
  ASSERT_GE(count, 1u);
  size_t got = count;
  while (got < kCalls) {
    ASSERT_EQ(tether_cq_poll(cq_.get(), out.data() + got * elem, elem,
                             kCalls - got, kLongPollNs, &count),
              TETHER_OK);
    got += count;
  }
  for (size_t i = 0; i < kCalls; ++i) {
    tether_completion c{};
    std::memcpy(&c, out.data() + i * elem, elem);
    EXPECT_EQ(c.struct_size, elem);
    EXPECT_EQ(c.user_data, 100 + i);
    EXPECT_EQ(c.status, TETHER_OK);
    EXPECT_EQ(c.result_len, 2u);
    Free(c);
  }
  for (size_t b = kCalls * elem; b < out.size(); ++b) {
    ASSERT_EQ(out[b], kUntouched)
        << "byte " << b << " past the last element was written";
  }
}

TEST_F(CqTest, LargerElemSizeUsesItsStrideAndLeavesTheTailAlone) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  const size_t kCalls = 3;
  for (size_t i = 0; i < kCalls; ++i)
    ASSERT_EQ(SubmitCq(Call(kNoop, {}, 5), 200 + i), TETHER_OK);
  const size_t elem = sizeof(tether_completion) + 24;
  std::vector<unsigned char> out(kCalls * elem, kUntouched);
  size_t got = 0;
  while (got < kCalls) {
    size_t count = 0;
    ASSERT_EQ(tether_cq_poll(cq_.get(), out.data() + got * elem, elem,
                             kCalls - got, kLongPollNs, &count),
              TETHER_OK);
    got += count;
  }
  for (size_t i = 0; i < kCalls; ++i) {
    tether_completion c;
    std::memcpy(&c, out.data() + i * elem, sizeof c);
    EXPECT_EQ(c.struct_size, sizeof(tether_completion));
    EXPECT_EQ(c.user_data, 200 + i);
    EXPECT_EQ(c.status, TETHER_OK);
    Free(c);
    for (size_t b = sizeof c; b < elem; ++b) {
      ASSERT_EQ(out[i * elem + b], kUntouched)
          << "element " << i << " tail byte " << b;
    }
  }
}

TEST_F(CqTest, PollWithTimeoutOnEmptyQueueReturnsNothing) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  tether_completion out;
  size_t count = 7;
  EXPECT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, 20'000'000, &count),
            TETHER_OK);
  EXPECT_EQ(count, 0u);
}

TEST_F(CqTest, BlockedPollWakesWhenACompletionArrives) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  tether_completion out{};
  size_t count = 0;
  tether_status status = TETHER_E_INTERNAL;
  std::thread poller([&] {
    status =
        tether_cq_poll(cq_.get(), &out, sizeof out, 1, kLongPollNs, &count);
  });
  ASSERT_EQ(SubmitCq(Call(kNoop), 9), TETHER_OK);
  poller.join();
  EXPECT_EQ(status, TETHER_OK);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(out.user_data, 9u);
}

TEST_F(CqTest, ShutdownQueueIsClosedOnceDrained) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(SubmitCq(Call(kNoop), 1), TETHER_OK);
  ASSERT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  tether_completion c = PollOne();
  EXPECT_EQ(c.status, TETHER_OK);
  Free(c);
  tether_completion out{};
  size_t count = 9;
  EXPECT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, 0, &count),
            TETHER_E_CLOSED);
  EXPECT_EQ(count, 0u);
}

TEST_F(CqTest, BatchRefusedPartWayStillClosesOnceDrained) {
  // A batch begins all its calls on the queue at once; the ones refused
  // must end there too, or the queue would wait for them forever.
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 3;
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(config));
  const size_t kCalls = 6;
  std::vector<tether_call> calls(kCalls, Call(kBlock));
  std::vector<uint64_t> tags = {10, 11, 12, 13, 14, 15};
  size_t submitted = 0;
  EXPECT_EQ(tether_submit_batch_cq(rt(), calls.data(), kCalls, cq_.get(),
                                   tags.data(), nullptr, &submitted),
            TETHER_E_BUSY);
  ASSERT_EQ(submitted, 3u);
  ASSERT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  Probe::Get().OpenGate();
  std::vector<uint64_t> seen;
  for (int i = 0; i < 3; ++i) {
    tether_completion c = PollOne();
    EXPECT_EQ(c.status, TETHER_OK);
    seen.push_back(c.user_data);
    Free(c);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, std::vector<uint64_t>(tags.begin(), tags.begin() + 3));
  tether_completion out{};
  size_t count = 9;
  EXPECT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, 0, &count),
            TETHER_E_CLOSED);
  EXPECT_EQ(count, 0u);
}

TEST_F(CqTest, TakeGetsWhatIsReadyAndLeavesTheFdUnwritten) {
  // A spinning consumer takes with tether_cq_take: the lane's pushes then
  // never write the fd. A poll that finds the queue empty arms it again.
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  const int fd = tether_cq_fd(cq_.get());
  tether_completion out[4];
  size_t count = 9;
  ASSERT_EQ(tether_cq_take(cq_.get(), out, sizeof out[0], 4, &count),
            TETHER_OK);
  EXPECT_EQ(count, 0u);
  // The queue starts armed: the first push writes the fd once.
  ASSERT_EQ(SubmitCq(Call(kEcho, "first"), 1), TETHER_OK);
  ASSERT_TRUE(FdReadable(fd, 60'000));
  ASSERT_EQ(tether_cq_reset_fd(cq_.get()), TETHER_OK);
  ASSERT_TRUE(WaitUntil([&] {
    EXPECT_EQ(tether_cq_take(cq_.get(), out, sizeof out[0], 4, &count),
              TETHER_OK);
    return count == 1;
  }));
  EXPECT_EQ(out[0].user_data, 1u);
  Free(out[0]);
  // Taken empty: not armed, so this push leaves the fd alone.
  ASSERT_EQ(tether_cq_take(cq_.get(), out, sizeof out[0], 4, &count),
            TETHER_OK);
  ASSERT_EQ(SubmitCq(Call(kEcho, "second"), 2), TETHER_OK);
  ASSERT_TRUE(WaitUntil([&] { return Stats(rt()).cq_backlog == 1; }));
  EXPECT_FALSE(FdReadable(fd, 0));
  ASSERT_EQ(tether_cq_take(cq_.get(), out, sizeof out[0], 4, &count),
            TETHER_OK);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(out[0].user_data, 2u);
  Free(out[0]);
  // A poll on the empty queue arms it: the next push writes the fd.
  ASSERT_EQ(tether_cq_poll(cq_.get(), out, sizeof out[0], 4, 0, &count),
            TETHER_OK);
  EXPECT_EQ(count, 0u);
  ASSERT_EQ(SubmitCq(Call(kEcho, "third"), 3), TETHER_OK);
  EXPECT_TRUE(FdReadable(fd, 60'000));
  tether_completion last = PollOne();
  EXPECT_EQ(last.user_data, 3u);
  Free(last);
}

TEST_F(CqTest, TakeSaysClosedOnceAShutDownQueueIsDrained) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(SubmitCq(Call(kNoop), 1), TETHER_OK);
  ASSERT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  tether_completion out{};
  size_t count = 0;
  ASSERT_TRUE(WaitUntil([&] {
    EXPECT_EQ(tether_cq_take(cq_.get(), &out, sizeof out, 1, &count),
              TETHER_OK);
    return count == 1;
  }));
  Free(out);
  EXPECT_EQ(tether_cq_take(cq_.get(), &out, sizeof out, 1, &count),
            TETHER_E_CLOSED);
  EXPECT_EQ(count, 0u);
}

TEST_F(CqTest, ShutdownQueueStillReceivesCallsInFlight) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(SubmitCq(Call(kBlock), 1), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  ASSERT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  tether_completion out{};
  size_t count = 5;
  EXPECT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, 0, &count),
            TETHER_OK);
  EXPECT_EQ(count, 0u);
  Probe::Get().OpenGate();
  tether_completion c = PollOne();
  EXPECT_EQ(c.status, TETHER_OK);
  Free(c);
  EXPECT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, kLongPollNs, &count),
            TETHER_E_CLOSED);
}

TEST_F(CqTest, ShutdownQueueSignalsItsFd) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(tether_cq_reset_fd(cq_.get()), TETHER_OK);
  ASSERT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  EXPECT_TRUE(FdReadable(tether_cq_fd(cq_.get()), 60'000));
}

TEST_F(CqTest, QueueShutdownTwiceIsOk) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  EXPECT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  EXPECT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
}

TEST_F(CqTest, SubmitToShutdownQueueIsClosed) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(tether_cq_shutdown(cq_.get()), TETHER_OK);
  EXPECT_EQ(SubmitCq(Call(kNoop), 1), TETHER_E_CLOSED);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(CqTest, ConcurrentPollIsBusy) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  std::thread waiting([&] { ExpectOnePolledBlocking(); });
  // The other poll is blocked on the empty queue, or about to be.
  tether_status status = TETHER_OK;
  const bool saw_busy = WaitUntil([&] {
    tether_completion out{};
    size_t count = 0;
    status = tether_cq_poll(cq_.get(), &out, sizeof out, 1, 0, &count);
    return status != TETHER_OK;
  });
  EXPECT_TRUE(saw_busy);
  EXPECT_EQ(status, TETHER_E_BUSY);
  ASSERT_EQ(SubmitCq(Call(kNoop), 1), TETHER_OK);
  waiting.join();
}

TEST_F(CqTest, TakeDuringAPollIsBusy) {
  // take and poll share the one-poller rule.
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  std::thread waiting([&] { ExpectOnePolledBlocking(); });
  tether_status status = TETHER_OK;
  size_t count = 7;
  const bool saw_busy = WaitUntil([&] {
    tether_completion out{};
    status = tether_cq_take(cq_.get(), &out, sizeof out, 1, &count);
    return status != TETHER_OK;
  });
  EXPECT_TRUE(saw_busy);
  EXPECT_EQ(status, TETHER_E_BUSY);
  EXPECT_EQ(count, 0u);
  ASSERT_EQ(SubmitCq(Call(kNoop), 1), TETHER_OK);
  waiting.join();
}

TEST_F(CqTest, RuntimeShutdownPutsClosedCompletionsInTheQueue) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(SubmitCq(Call(kNeverReply), 3), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 1));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  tether_completion out{};
  size_t count = 0;
  ASSERT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, 0, &count),
            TETHER_OK);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(out.user_data, 3u);
  EXPECT_EQ(out.status, TETHER_E_CLOSED);
  Free(out);
}

TEST_F(CqTest, ANeverPolledQueueMakesSubmitBusyAtTheCallLimit) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 8;
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(config));
  for (uint64_t tag = 0; tag < 8; ++tag) {
    ASSERT_EQ(SubmitCq(Call(kNoop), tag), TETHER_OK);
  }
  // Every call has replied and waits in the queue, which nobody polls.
  ASSERT_TRUE(WaitUntil([&] { return Stats(rt()).cq_backlog == 8; }));
  EXPECT_EQ(Stats(rt()).in_flight, 8u);
  EXPECT_EQ(SubmitCq(Call(kNoop), 8), TETHER_E_BUSY);
  EXPECT_EQ(Stats(rt()).rejected_busy, 1u);
  // Taking one completion gives its credit back.
  Free(PollOne());
  EXPECT_EQ(Stats(rt()).in_flight, 7u);
  EXPECT_EQ(SubmitCq(Call(kNoop), 9), TETHER_OK);
  for (int i = 0; i < 8; ++i) Free(PollOne());
  EXPECT_EQ(Stats(rt()).in_flight, 0u);
}

TEST_F(CqTest, ANeverPolledQueueKeepsItsPayloadBytesInFlight) {
  tether_runtime_config config = Config(1);
  config.max_bytes_in_flight = 1000;
  config.max_payload_bytes = 600;
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(config));
  const std::string payload(600, 'p');
  ASSERT_EQ(SubmitCq(Call(kNoop, payload), 0), TETHER_OK);
  ASSERT_TRUE(WaitUntil([&] { return Stats(rt()).cq_backlog == 1; }));
  EXPECT_EQ(Stats(rt()).bytes_in_flight, 600u);
  EXPECT_EQ(SubmitCq(Call(kNoop, payload), 1), TETHER_E_BUSY);
  Free(PollOne());
  EXPECT_EQ(Stats(rt()).bytes_in_flight, 0u);
  EXPECT_EQ(SubmitCq(Call(kNoop, payload), 2), TETHER_OK);
  Free(PollOne());
}

TEST_F(CqTest, DestroyingAQueueGivesItsCompletionsCreditsBack) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 4;
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(config));
  for (uint64_t tag = 0; tag < 4; ++tag) {
    ASSERT_EQ(SubmitCq(Call(kEcho, "abc"), tag), TETHER_OK);
  }
  ASSERT_TRUE(WaitUntil([&] { return Stats(rt()).cq_backlog == 4; }));
  const uint64_t live = LiveBuffers();
  cq_.reset();
  // Counted as in the backlog a moment before a lane's push lands; a push
  // that lands after the destroy is freed as it arrives.
  EXPECT_TRUE(WaitUntil([&] { return Stats(rt()).in_flight == 0; }));
  EXPECT_EQ(Stats(rt()).cq_backlog, 0u);
  EXPECT_TRUE(WaitUntil([&] { return LiveBuffers() == live - 4; }))
      << "the unpolled results are freed; live " << LiveBuffers() << ", before "
      << live;
}

TEST_F(CqTest, PollWithTheLargestTimeoutWaitsForACompletion) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  // Submitted a while after the poll started: a poll whose deadline
  // overflowed would have returned with nothing.
  std::thread submitter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(SubmitCq(Call(kNoop), 5), TETHER_OK);
  });
  tether_completion out{};
  size_t count = 0;
  EXPECT_EQ(tether_cq_poll(cq_.get(), &out, sizeof out, 1, UINT64_MAX, &count),
            TETHER_OK);
  submitter.join();
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(out.user_data, 5u);
  Free(out);
}

TEST_F(CqTest, QueueOutlivesItsRuntime) {
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  ASSERT_EQ(SubmitCq(Call(kEcho, "kept"), 4), TETHER_OK);
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongPollNs),
            TETHER_OK);
  ASSERT_EQ(tether_runtime_destroy(runtime_.release()), TETHER_OK);
  tether_completion c = PollOne();
  EXPECT_EQ(c.user_data, 4u);
  ASSERT_EQ(c.result_len, 4u);
  EXPECT_EQ(std::memcmp(c.result, "kept", 4), 0);
  Free(c);
}

TEST_F(CqTest, DestroyFreesQueuedCompletions) {
  const uint64_t live_before = LiveBuffers();
  ASSERT_NO_FATAL_FAILURE(OpenWithQueue(Config(1)));
  for (uint64_t i = 0; i < 10; ++i)
    ASSERT_EQ(SubmitCq(Call(kEcho, "unpolled"), i), TETHER_OK);
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_DRAIN, kLongPollNs),
            TETHER_OK);
  EXPECT_GE(LiveBuffers(), live_before + 10);
  cq_.reset();
  runtime_.reset();
  EXPECT_EQ(LiveBuffers(), live_before);
}

TEST_F(CqTest, DestroyNullQueueIsHarmless) { tether_cq_destroy(nullptr); }

}  // namespace
}  // namespace tether_test
