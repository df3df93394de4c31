#include "completion/completion_queue.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "buffers/buffer_allocator.h"

namespace tether {
namespace {

bool fd_readable(int fd) {
  struct pollfd waiter = {fd, POLLIN, 0};
  return ::poll(&waiter, 1, 0) == 1;
}

tether_completion completion_with_tag(uint64_t tag) {
  tether_completion completion{};
  completion.struct_size = sizeof completion;
  completion.user_data = tag;
  return completion;
}

class CompletionQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(CompletionQueue::create(1, 2, ledger_, 4096, &queue_),
              Status::kOk);
  }
  void TearDown() override { queue_->destroy(); }
  // A call as the runtime makes one: it takes a credit and its payload
  // bytes, and its completion carries the bytes in reserved0.
  void push(uint64_t tag, uint32_t payload_bytes = 0) {
    ASSERT_EQ(queue_->begin_calls(1), Status::kOk);
    ASSERT_NE(ledger_->calls.take(), 0);
    ledger_->bytes.fetch_add(payload_bytes);
    tether_completion completion = completion_with_tag(tag);
    completion.reserved0 = payload_bytes;
    queue_->push(0, &completion, 1);
  }
  std::shared_ptr<CallLedger> ledger_ = std::make_shared<CallLedger>(1 << 20);
  CompletionQueue* queue_ = nullptr;
};

TEST_F(CompletionQueueTest, ManyPushesSignalTheFdOnceUntilDrained) {
  push(1);
  EXPECT_TRUE(fd_readable(queue_->fd()));
  queue_->reset_fd();
  for (uint64_t tag = 2; tag <= 100; ++tag) push(tag);
  // Nobody polled since the first wake-up: no second signal.
  EXPECT_FALSE(fd_readable(queue_->fd()));
  std::vector<tether_completion> out(128);
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out.data(), sizeof out[0], out.size(), 0, &count),
            Status::kOk);
  EXPECT_EQ(count, 100u);
  push(101);  // the drained poll re-armed the fd
  EXPECT_TRUE(fd_readable(queue_->fd()));
}

TEST_F(CompletionQueueTest, PollKeepsEachProducersOrder) {
  for (uint64_t tag = 0; tag < 10; ++tag) push(tag);
  tether_completion out[10];
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 10, 0, &count), Status::kOk);
  ASSERT_EQ(count, 10u);
  EXPECT_EQ(ledger_->cq_taken.load(), 10u);  // what the backlog subtracts
  for (uint64_t tag = 0; tag < 10; ++tag) EXPECT_EQ(out[tag].user_data, tag);
}

TEST_F(CompletionQueueTest, AQueuedCompletionKeepsItsCreditsUntilTaken) {
  push(1, 100);
  push(2, 50);
  EXPECT_EQ(ledger_->calls.in_flight(), 2);
  EXPECT_EQ(ledger_->bytes.load(), 150u);
  tether_completion out[1];
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 1, 0, &count), Status::kOk);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(out[0].reserved0, 0u) << "the payload bytes are tether's own";
  EXPECT_EQ(ledger_->calls.in_flight(), 1);
  EXPECT_EQ(ledger_->bytes.load(), 50u);
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 1, 0, &count), Status::kOk);
  EXPECT_EQ(ledger_->calls.in_flight(), 0);
  EXPECT_EQ(ledger_->bytes.load(), 0u);
}

TEST_F(CompletionQueueTest, AHugeTimeoutWaitsInsteadOfReturningAtOnce) {
  // Pushed from another thread a while later: a poll that gave up at once
  // (an overflowed deadline) returns with nothing.
  std::thread pusher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    push(9);
  });
  tether_completion out[1];
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 1, UINT64_MAX, &count),
            Status::kOk);
  pusher.join();
  EXPECT_EQ(count, 1u);
}

TEST_F(CompletionQueueTest, TheBacklogIsNeverSeenBelowZero) {
  // Pushers race a poller; the backlog is what the growth watch reads.
  constexpr int kPerPusher = 20000;
  std::atomic<bool> done{false};
  std::atomic<int64_t> lowest{0};
  std::thread poller([&] {
    tether_completion out[64];
    std::size_t count = 0;
    while (!done.load()) {
      queue_->poll(out, sizeof out[0], 64, 0, &count, false);
      int64_t seen = queue_->backlog_count();
      if (seen < lowest.load()) lowest.store(seen);
    }
  });
  std::vector<std::thread> pushers;
  for (uint32_t p = 0; p < 2; ++p) {
    pushers.emplace_back([&, p] {
      for (int i = 0; i < kPerPusher; ++i) {
        ASSERT_EQ(queue_->begin_calls(1), Status::kOk);
        const tether_completion completion = completion_with_tag(i);
        queue_->push(p, &completion, 1);
      }
    });
  }
  for (auto& pusher : pushers) pusher.join();
  done.store(true);
  poller.join();
  EXPECT_EQ(lowest.load(), 0);
}

TEST_F(CompletionQueueTest, SmallElementsGetOnlyTheirPrefix) {
  push(7);
  std::vector<unsigned char> out(TETHER_COMPLETION_MIN_SIZE + 8, 0xAB);
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out.data(), TETHER_COMPLETION_MIN_SIZE, 1, 0, &count),
            Status::kOk);
  ASSERT_EQ(count, 1u);
  tether_completion prefix{};
  std::memcpy(&prefix, out.data(), TETHER_COMPLETION_MIN_SIZE);
  EXPECT_EQ(prefix.struct_size, TETHER_COMPLETION_MIN_SIZE);
  EXPECT_EQ(prefix.user_data, 7u);
  for (std::size_t i = TETHER_COMPLETION_MIN_SIZE; i < out.size(); ++i) {
    EXPECT_EQ(out[i], 0xAB) << "byte " << i << " written past the element";
  }
}

TEST_F(CompletionQueueTest, ShutdownRefusesNewCallsAndClosesWhenDrained) {
  ASSERT_EQ(queue_->begin_calls(1), Status::kOk);  // one call still in flight
  queue_->shutdown();
  EXPECT_EQ(queue_->begin_calls(1), Status::kClosed);
  tether_completion out[1];
  std::size_t count = 0;
  EXPECT_EQ(queue_->poll(out, sizeof out[0], 1, 0, &count), Status::kOk);
  const tether_completion completion = completion_with_tag(9);
  queue_->push(1, &completion, 1);
  EXPECT_EQ(queue_->poll(out, sizeof out[0], 1, 0, &count), Status::kOk);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(queue_->poll(out, sizeof out[0], 1, 0, &count), Status::kClosed);
  EXPECT_EQ(count, 0u);
}

TEST_F(CompletionQueueTest, TakingTheLastCompletionAfterShutdownWakesTheFd) {
  // The consumer's view: fd readable, reset it, poll until short, sleep.
  // The end of the queue must then wake it once more.
  ASSERT_EQ(queue_->begin_calls(1), Status::kOk);
  queue_->shutdown();
  const tether_completion completion = completion_with_tag(1);
  queue_->push(0, &completion, 1);
  ASSERT_TRUE(fd_readable(queue_->fd()));
  queue_->reset_fd();
  tether_completion out[4];
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 4, 0, &count), Status::kOk);
  ASSERT_EQ(count, 1u);  // short: the consumer goes to sleep on the fd
  EXPECT_TRUE(fd_readable(queue_->fd()));
  queue_->reset_fd();
  EXPECT_EQ(queue_->poll(out, sizeof out[0], 4, 0, &count), Status::kClosed);
}

TEST_F(CompletionQueueTest, ABatchPushedTogetherSignalsOnceInOrder) {
  ASSERT_EQ(queue_->begin_calls(5), Status::kOk);
  tether_completion batch[5];
  for (uint64_t tag = 0; tag < 5; ++tag) batch[tag] = completion_with_tag(tag);
  queue_->push(1, batch, 5);
  EXPECT_TRUE(fd_readable(queue_->fd()));
  queue_->reset_fd();
  tether_completion out[8];
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 8, 0, &count, /*arm=*/false),
            Status::kOk);
  ASSERT_EQ(count, 5u);
  for (uint64_t tag = 0; tag < 5; ++tag) EXPECT_EQ(out[tag].user_data, tag);
  EXPECT_FALSE(fd_readable(queue_->fd()));
}

TEST_F(CompletionQueueTest, CallsOfABatchThatNeverRanStillLetTheQueueClose) {
  // A batch begins all its calls at once; those refused give theirs back.
  ASSERT_EQ(queue_->begin_calls(4), Status::kOk);
  const tether_completion completion = completion_with_tag(1);
  queue_->push(0, &completion, 1);
  queue_->abandon_calls(3);
  queue_->shutdown();
  tether_completion out[4];
  std::size_t count = 0;
  ASSERT_EQ(queue_->poll(out, sizeof out[0], 4, 0, &count), Status::kOk);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(queue_->poll(out, sizeof out[0], 4, 0, &count), Status::kClosed);
  EXPECT_EQ(queue_->begin_calls(2), Status::kClosed);
}

TEST(CompletionQueueLifetimeTest, TheLastCallOfABatchFreesADestroyedQueue) {
  // Under ASan this fails as a leak if the references of a batch are not
  // all dropped, and as a use-after-free if one is dropped twice.
  CompletionQueue* queue = nullptr;
  auto ledger = std::make_shared<CallLedger>(64);
  ASSERT_EQ(CompletionQueue::create(1, 1, ledger, 4096, &queue), Status::kOk);
  ASSERT_EQ(queue->begin_calls(3), Status::kOk);
  queue->destroy();  // the calls still hold it
  uint64_t before = 0;
  buffers::live_totals(&before, nullptr);
  tether_completion batch[2] = {completion_with_tag(1), completion_with_tag(2)};
  batch[1].result = buffers::allocate(16);
  queue->push(0, batch, 2);
  uint64_t after = 0;
  buffers::live_totals(&after, nullptr);
  EXPECT_EQ(after, before) << "a destroyed queue frees what is pushed to it";
  EXPECT_EQ(ledger->cq_taken.load(), 2u);
  queue->abandon_calls(1);  // the last reference: frees the queue
}

TEST(CompletionQueueLifetimeTest, DestroyFreesQueuedResults) {
  CompletionQueue* queue = nullptr;
  auto ledger = std::make_shared<CallLedger>(64);
  ASSERT_EQ(CompletionQueue::create(1, 1, ledger, 4096, &queue), Status::kOk);
  uint64_t before = 0;
  buffers::live_totals(&before, nullptr);
  ASSERT_EQ(queue->begin_calls(1), Status::kOk);
  tether_completion completion = completion_with_tag(1);
  completion.result = buffers::allocate(32);
  queue->push(0, &completion, 1);
  queue->destroy();
  uint64_t after = 0;
  buffers::live_totals(&after, nullptr);
  EXPECT_EQ(after, before);
  EXPECT_EQ(ledger->cq_taken.load(),
            1u);  // freed unpolled: no longer a backlog
}

}  // namespace
}  // namespace tether
