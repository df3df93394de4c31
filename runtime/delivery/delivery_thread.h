// The delivery thread: delivers every completion a lane did not deliver
// itself (cancel, deadline, shutdown, and replies in on-thread mode), and
// owns the runtime's deadline timer. A lane busy in a handler cannot fire
// its own timers, so deadlines are claimed here.
//
// Deadlines arrive through a queue; the thread keeps them in a min-heap and
// arms one event-loop timer for the earliest. A submitter wakes the thread
// only when its deadline is earlier than what the thread will wake for.
//
// Hand-over cannot fail: a claimed call whose enqueue finds no memory goes
// on an intrusive list through the slot's own link, which this thread
// drains with the queue. So an outcome once decided is always delivered.
//
// Thread safety: hand_over, note_deadline and wake_if_parked from any
// thread; start and stop_and_join from the runtime's controlling thread.
#ifndef TETHER_RUNTIME_DELIVERY_DELIVERY_THREAD_H_
#define TETHER_RUNTIME_DELIVERY_DELIVERY_THREAD_H_

#include <concurrentqueue.h>

#include <atomic>
#include <cstdint>
#include <queue>
#include <thread>
#include <vector>

#include "base/fault_injection.h"
#include "core/counters.h"
#include "lanes/event_loop.h"
#include "queues/queues.h"

namespace tether {

class Runtime;

class DeliveryThread {
 public:
  DeliveryThread(Runtime& runtime, uint32_t producer_id);
  ~DeliveryThread();
  DeliveryThread(const DeliveryThread&) = delete;
  DeliveryThread& operator=(const DeliveryThread&) = delete;

  void start();
  // Delivers everything queued, then stops and joins. Idempotent.
  void stop_and_join();

  void wake_if_parked() { loop_.wake_if_parked(); }
  // Queues a claimed, undelivered call for delivery here, through `token`
  // (nullptr or invalid: straight to the overflow list). Never fails; logs
  // when memory ran out. `point` names the caller for fault injection. The
  // caller wakes the thread.
  void hand_over(moodycamel::ProducerToken* token, Slot* slot,
                 fault::Point point);
  // After enqueueing a DeadlineEntry: wakes the thread if it would
  // otherwise sleep past `deadline_ns`. Thread-safe.
  void note_deadline(uint64_t deadline_ns) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (deadline_ns < wake_by_ns_.load(std::memory_order_seq_cst)) {
      loop_.wake_if_parked();
    }
  }

  CompletionCounters& counters() { return counters_; }
  bool on_this_thread() const {
    return std::this_thread::get_id() == thread_id_.load();
  }

 private:
  struct Later {
    bool operator()(const DeadlineEntry& a, const DeadlineEntry& b) const {
      return a.deadline_ns > b.deadline_ns;
    }
  };

  void run();
  std::size_t deliver_queued();
  std::size_t take_deadlines();
  // Puts the entry on the heap, or ends its call with TETHER_E_NO_MEMORY
  // when the heap cannot grow.
  void arm_or_end(const DeadlineEntry& entry);
  // Ends the call `ticket_value` names with `status`, unless its outcome is
  // already decided (or the ticket is stale), and delivers it.
  void end_call(uint64_t ticket_value, tether_status status);
  void expire_deadlines(uint64_t now);
  void arm_timer(uint64_t now);
  void purge_finished_deadlines();
  bool queues_look_empty() const;

  Runtime& runtime_;
  const uint32_t producer_id_;
  EventLoop loop_;
  CompletionCounters counters_;
  moodycamel::ConsumerToken delivery_consumer_;
  moodycamel::ConsumerToken deadline_consumer_;
  std::priority_queue<DeadlineEntry, std::vector<DeadlineEntry>, Later>
      deadlines_;
  // Claimed calls whose enqueue failed, newest first (Slot::overflow_next).
  alignas(kCacheLine) std::atomic<Slot*> overflow_{nullptr};
  uint64_t timer_armed_for_ = UINT64_MAX;  // delivery thread
  // The earliest time the thread will wake by itself; 0 while awake.
  alignas(kCacheLine) std::atomic<uint64_t> wake_by_ns_{0};
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::thread::id> thread_id_{};
  std::thread thread_;
};

}  // namespace tether

#endif  // TETHER_RUNTIME_DELIVERY_DELIVERY_THREAD_H_
