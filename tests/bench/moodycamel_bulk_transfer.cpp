// The ceiling for batched submits: the submitter hands over items in bulks
// of a fixed size with enqueue_bulk through a producer token; one consumer
// takes up to that many at a time with try_dequeue_bulk through a consumer
// token, runs the handler for each and counts them once per bulk.

#include <concurrentqueue.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "completion_signals.h"
#include "contenders.h"
#include "spin_wait.h"

namespace tether_bench {
namespace {

class MoodycamelBulkTransfer final : public PipelineContender {
 public:
  MoodycamelBulkTransfer(const Handler& handler, size_t bulk_size)
      : work_(handler.work),
        bulk_size_(bulk_size),
        producer_token_(queue_),
        consumer_([this] { consume_loop(); }) {}
  ~MoodycamelBulkTransfer() override {
    stop_.store(true, std::memory_order_release);
    consumer_.join();
  }

  void run(uint64_t count) override {
    counter_.reset();
    std::vector<uint64_t> items(bulk_size_);
    for (uint64_t sent = 0; sent < count;) {
      size_t n =
          static_cast<size_t>(std::min<uint64_t>(bulk_size_, count - sent));
      for (size_t i = 0; i < n; ++i) items[i] = sent + i;
      while (!queue_.enqueue_bulk(producer_token_, items.data(), n)) {
        cpu_relax();
      }
      sent += n;
    }
    counter_.wait_for(count);
  }

 private:
  void consume_loop() {
    moodycamel::ConsumerToken consumer_token(queue_);
    std::vector<uint64_t> items(bulk_size_);
    while (!stop_.load(std::memory_order_acquire)) {
      size_t n =
          queue_.try_dequeue_bulk(consumer_token, items.data(), items.size());
      if (n == 0) {
        cpu_relax();
        continue;
      }
      for (size_t i = 0; i < n; ++i) work_();
      counter_.completed.fetch_add(n, std::memory_order_release);
    }
  }

  void (*const work_)();
  const size_t bulk_size_;
  moodycamel::ConcurrentQueue<uint64_t> queue_;
  moodycamel::ProducerToken producer_token_;
  DoneCounter counter_;
  std::atomic<bool> stop_{false};
  std::thread consumer_;
};

}  // namespace

std::unique_ptr<PipelineContender> make_moodycamel_bulk_transfer(
    const Handler& handler, size_t bulk_size) {
  return std::make_unique<MoodycamelBulkTransfer>(handler, bulk_size);
}

}  // namespace tether_bench
