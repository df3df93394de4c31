// The least a queued call can do, with the queue tether is built on: the
// caller fills a request slot, publishes it with a release store, enqueues
// its pointer through a producer token; a spinning consumer dequeues it
// through a consumer token, runs the handler and flips the slot's done flag,
// which the caller spins on. No credits, tickets, outcome claim, ports or
// delivery: tether's bookkeeping is whatever it costs above this row.

#include <concurrentqueue.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "contenders.h"
#include "spin_wait.h"

namespace tether_bench {
namespace {

struct alignas(64) RequestSlot {
  // The request, written by the caller before `published`.
  void (*work)() = nullptr;
  uint64_t sequence = 0;
  std::atomic<uint64_t> published{0};
  std::atomic<bool> done{false};
};

class MoodycamelBareMinimum final : public RoundTripContender {
 public:
  explicit MoodycamelBareMinimum(const Handler& handler)
      : work_(handler.work),
        producer_token_(queue_),
        consumer_([this] { consume_loop(); }) {}
  ~MoodycamelBareMinimum() override {
    stop_.store(true, std::memory_order_release);
    consumer_.join();
  }

  void round_trip() override {
    slot_.work = work_;
    slot_.sequence = ++sequence_;
    slot_.published.store(slot_.sequence, std::memory_order_release);
    while (!queue_.enqueue(producer_token_, &slot_)) cpu_relax();
    spin_until([this] { return slot_.done.load(std::memory_order_acquire); });
    slot_.done.store(false, std::memory_order_relaxed);
  }

 private:
  void consume_loop() {
    moodycamel::ConsumerToken consumer_token(queue_);
    RequestSlot* slot;
    while (!stop_.load(std::memory_order_acquire)) {
      if (!queue_.try_dequeue(consumer_token, slot)) {
        cpu_relax();
        continue;
      }
      // Acquire the caller's writes through the slot itself, so the
      // handoff does not rest on the queue's internal fences.
      slot->published.load(std::memory_order_acquire);
      slot->work();
      slot->done.store(true, std::memory_order_release);
    }
  }

  void (*const work_)();
  RequestSlot slot_;
  uint64_t sequence_ = 0;
  moodycamel::ConcurrentQueue<RequestSlot*> queue_;
  moodycamel::ProducerToken producer_token_;
  std::atomic<bool> stop_{false};
  std::thread consumer_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_moodycamel_bare_minimum(
    const Handler& handler) {
  return std::make_unique<MoodycamelBareMinimum>(handler);
}

}  // namespace tether_bench
