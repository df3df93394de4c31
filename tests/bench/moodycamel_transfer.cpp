// The throughput ceiling: the submitter enqueues one item at a time through
// a producer token; one consumer dequeues one item at a time through a
// consumer token, runs the handler and counts it. This is the queue tether
// itself is built on, with no request, slot, handler table or completion
// around it.

#include <concurrentqueue.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "completion_signals.h"
#include "contenders.h"
#include "spin_wait.h"

namespace tether_bench {
namespace {

class MoodycamelTransfer final : public PipelineContender {
 public:
  explicit MoodycamelTransfer(const Handler& handler)
      : work_(handler.work),
        producer_token_(queue_),
        consumer_([this] { consume_loop(); }) {}
  ~MoodycamelTransfer() override {
    stop_.store(true, std::memory_order_release);
    consumer_.join();
  }

  void run(uint64_t count) override {
    counter_.reset();
    for (uint64_t i = 0; i < count; ++i) {
      while (!queue_.enqueue(producer_token_, i)) cpu_relax();
    }
    counter_.wait_for(count);
  }

 private:
  void consume_loop() {
    moodycamel::ConsumerToken consumer_token(queue_);
    uint64_t item;
    while (!stop_.load(std::memory_order_acquire)) {
      if (queue_.try_dequeue(consumer_token, item)) {
        work_();
        counter_.add_one();
      } else {
        cpu_relax();
      }
    }
  }

  void (*const work_)();
  moodycamel::ConcurrentQueue<uint64_t> queue_;
  moodycamel::ProducerToken producer_token_;
  DoneCounter counter_;
  std::atomic<bool> stop_{false};
  std::thread consumer_;
};

}  // namespace

std::unique_ptr<PipelineContender> make_moodycamel_transfer(
    const Handler& handler) {
  return std::make_unique<MoodycamelTransfer>(handler);
}

}  // namespace tether_bench
