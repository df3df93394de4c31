// A lane: a thread tether owns, on which the library runs. The library's
// thread-local state is therefore created once per lane, whatever thread
// the host submits from.
//
// The loop: drain the lane's own queue and the shared queue in batches, run
// each request's handler, deliver the replies (in on-lane mode) after the
// handler returns, run ready posted work and timers; when idle, spin for
// spin_ns, then park in the event loop (timers still fire while parked).
//
// Thread safety: start/stop_and_join from the runtime's controlling thread;
// wake_if_parked, queue and post from any thread; the rest lane thread only.
#ifndef TETHER_RUNTIME_LANES_LANE_H_
#define TETHER_RUNTIME_LANES_LANE_H_

#include <concurrentqueue.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/counters.h"
#include "lanes/event_loop.h"
#include "queues/queues.h"
#include "recorder/lane_ring.h"
#include "tether/types.h"
#include "watch/growth_watch.h"

// The opaque type libraries see; a Lane is one.
struct tether_lane {};

namespace tether {

class Runtime;

class Lane : public tether_lane {
 public:
  Lane(Runtime& runtime, uint32_t index);
  ~Lane();
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  // Starts the thread and waits for the library's lane_start on it.
  Status start(std::string* error);
  // Asks the loop to finish (after draining its queues), closes the event
  // loop, runs lane_stop and joins. Idempotent.
  void stop_and_join();

  void wake_if_parked() { loop_.wake_if_parked(); }
  bool parked() const { return loop_.parked(); }
  bool spinning() const { return loop_.spinning(); }
  EventLoop& loop() { return loop_; }
  uint32_t index() const { return index_; }
  Runtime& runtime() { return runtime_; }
  CompletionCounters& counters() { return counters_; }
  const CompletionCounters& counters() const { return counters_; }
  uint64_t handled() const { return handled_.load(std::memory_order_relaxed); }
  uint64_t parks() const { return parks_.load(std::memory_order_relaxed); }
  std::size_t queue_depth() const;

  // Lane thread: the lane running on this thread, or nullptr.
  static Lane* current();

  // Lane thread: a reply won its claim; deliver it once the handler (or
  // timer, or posted work) that replied has returned.
  // Never fails: with no memory to grow the list, the delivery thread
  // delivers it instead.
  void defer_delivery(Slot* slot);
  // Lane thread: hands a claimed reply to the delivery thread.
  void hand_to_delivery(Slot* slot);

  // Lane thread: notes a call's outcome in the recorder (if it is on).
  void record_outcome(uint64_t request, tether_status status, int32_t code) {
    if (ring_ != nullptr) ring_->set_outcome(request, status, code);
  }

  // Lane thread: a library gauge (a VM's stack top, a cache's size), watched
  // for growth like tether's own counters.
  Status register_gauge(const char* name, uint32_t* gauge_out);
  Status set_gauge(uint32_t gauge, uint64_t value);

 private:
  void run();
  bool start_library(std::string* error);
  // One pass over the lane's queues; after_idle: the last pass found no
  // work (the lane spun or parked since).
  std::size_t drain_once(bool after_idle);
  std::size_t drain_shared(bool after_idle);  // drain_once's shared half
  // The first work after an idle pass: busy(), and a wake for shared calls
  // left queued.
  void leave_idle();
  // Wakes a parked lane when shared calls are queued (several lanes only).
  void hand_on_shared_calls();
  // Runs each request's handler, then delivers what they replied.
  void run_requests(Slot* const* slots, std::size_t count);
  void run_request(Slot* slot);
  void deliver_deferred();
  bool queues_look_empty() const;
  void finish();
  recorder::CallFacts facts_of(const Slot& slot, uint64_t ticket,
                               uint64_t start_ns) const;

  Runtime& runtime_;
  const uint32_t index_;
  EventLoop loop_;
  CompletionCounters counters_;
  recorder::LaneRing* const ring_;  // nullptr: the recorder is off
  // With the recorder on: when the lane took the request it is on. Read
  // once per batch, then at the end of each handler, which is when the
  // next request of the batch is taken: one clock read per call.
  uint64_t record_clock_ = 0;
  moodycamel::ConsumerToken own_consumer_;
  moodycamel::ConsumerToken shared_consumer_;
  moodycamel::ProducerToken delivery_producer_;
  std::vector<Slot*> deferred_;
  void* library_state_ = nullptr;
  std::atomic<bool> stop_requested_{false};
  struct Gauge {
    Gauge(std::string what, uint64_t threshold)
        : watch(std::move(what), threshold) {}
    GrowthWatch watch;
  };
  GrowthWatch depth_watch_;
  std::deque<Gauge> gauges_;  // lane thread; a deque keeps them in place
  std::atomic<uint64_t> handled_{0};  // single writer: the lane
  std::atomic<uint64_t> parks_{0};    // single writer: the lane
  std::thread thread_;

  // Start handshake (lane_start result), guarded by start_mutex_.
  std::mutex start_mutex_;
  std::condition_variable start_cv_;
  bool start_done_ = false;
  bool start_ok_ = false;
  std::string start_error_;
};

}  // namespace tether

#endif  // TETHER_RUNTIME_LANES_LANE_H_
