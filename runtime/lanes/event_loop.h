// An owner thread's event loop: a Boost.Asio io_context (kept out of this
// header) with an eventfd the owner parks on, so that posted work, timers
// and wake-ups all end one blocking wait.
//
// The park protocol (no lost wake-up):
//   owner:  begin_park(); if (work visible) cancel_park(); else park();
//   waker:  make work visible; wake_if_parked();
// begin_park() and wake_if_parked() are sequentially consistent, so either
// the owner sees the work or the waker sees the parked flag and writes the
// eventfd. A busy owner is never parked, so waking it costs no syscall.
//
// Thread safety: post() and wake_if_parked() are thread-safe; everything
// else is owner-thread only.
#ifndef TETHER_RUNTIME_LANES_EVENT_LOOP_H_
#define TETHER_RUNTIME_LANES_EVENT_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "base/cpu.h"
#include "base/status.h"

namespace tether {

class EventLoop {
 public:
  // `ran` is true when the work runs normally, false when the loop closes
  // before it could run (it is then called once, during close()).
  using Work = std::function<void(bool ran)>;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Queues `work` to run on the owner thread. kClosed once close() began
  // (the work is dropped without running). Thread-safe.
  Status post(Work work);

  // Runs `work` on the owner thread after delay_ns. A delay that ends past
  // the clock's range (any above INT64_MAX ns, about 292 years) never comes:
  // such work runs only in close(), with ran == false. Owner thread only.
  Status schedule(uint64_t delay_ns, Work work);

  // Runs the handlers that are ready, without blocking. Cheap when nothing
  // was posted and no timer is armed; otherwise it asks the reactor (a
  // syscall), at most once per `reactor_interval_ns` while busy.
  void run_ready(uint64_t now_ns);

  void begin_park() { parked_.store(true, std::memory_order_seq_cst); }
  void cancel_park() { parked_.store(false, std::memory_order_relaxed); }
  // Sleeps until a wake-up, a posted handler or a timer; runs what woke it.
  void park();

  // Writes the eventfd if the owner is parked (or about to). Thread-safe.
  void wake_if_parked() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (parked_.load(std::memory_order_seq_cst) &&
        parked_.exchange(false, std::memory_order_seq_cst)) {
      wake();
    }
  }
  // Writes the eventfd unconditionally. Thread-safe.
  void wake();

  bool parked() const { return parked_.load(std::memory_order_relaxed); }

  // Owner thread, the idle half of a worker loop: call after a pass that
  // found no work, then loop again. Spins until spin_ns have passed since
  // work was last seen: one pause per pass for the first kPauseOnlyNs,
  // then a sched_yield per pass, so that a thread waiting for a core this
  // one holds (the caller of the call just answered, on a machine with few
  // cores) runs instead of waiting for the spin to end. Then parks, unless
  // `work_visible` (checked after the park is announced) says work arrived
  // meanwhile. While it spins, spinning() is true.
  template <class WorkVisible>
  void idle(uint64_t now, uint64_t spin_ns, WorkVisible&& work_visible) {
    if (idle_since_ == 0) {
      idle_since_ = now;
      if (spin_ns != 0) spinning_.store(true, std::memory_order_relaxed);
    }
    const uint64_t idle_for = now - idle_since_;
    if (idle_for < spin_ns) {
      if (idle_for < kPauseOnlyNs) {
        cpu_relax();
      } else {
        yield_cpu();
      }
      return;
    }
    // Not spinning from here on: a waker that sees this store before its
    // own check finds either the park announced or a lane it must treat
    // as busy; one that does not see it finds the work taken (Dekker,
    // through the seq_cst park announcement below).
    spinning_.store(false, std::memory_order_relaxed);
    begin_park();
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (work_visible()) {
      cancel_park();
      return;
    }
    park();
    idle_since_ = 0;
  }
  // Owner thread: a pass found work; the next idle spell spins afresh.
  void busy() {
    if (idle_since_ != 0) {
      idle_since_ = 0;
      spinning_.store(false, std::memory_order_relaxed);
    }
  }

  // True while the owner spins idle: it will look at its queues again
  // within a pass, so work made visible before a seq_cst fence that is
  // followed by this load reads true is seen without a wake-up (the owner
  // announces its park, fenced, before its last look). Thread-safe.
  bool spinning() const { return spinning_.load(std::memory_order_relaxed); }

  // Owner thread: while one lives the owner does not read as spinning, as
  // it runs code that may block (timer handlers, posted work, completion
  // callbacks) between two looks at its queues; then it reads as before.
  // Ending a spin so calls the hook set by on_spin_interrupted(), which
  // hands on work a waker left to this owner because it read spinning.
  class NotSpinning {
   public:
    explicit NotSpinning(EventLoop& loop)
        : loop_(loop), was_(loop.spinning_.load(std::memory_order_relaxed)) {
      if (!was_) return;
      loop_.spinning_.store(false, std::memory_order_relaxed);
      if (loop_.spin_interrupted_ != nullptr) {
        loop_.spin_interrupted_(loop_.spin_interrupted_arg_);
      }
    }
    ~NotSpinning() {
      if (was_) loop_.spinning_.store(true, std::memory_order_relaxed);
    }
    NotSpinning(const NotSpinning&) = delete;
    NotSpinning& operator=(const NotSpinning&) = delete;

   private:
    EventLoop& loop_;
    bool was_;
  };

  // Owner thread, before the loop runs: see NotSpinning.
  void on_spin_interrupted(void (*hook)(void*), void* arg) {
    spin_interrupted_ = hook;
    spin_interrupted_arg_ = arg;
  }

  // How long an idle owner spins with pause alone before it yields. Long
  // enough to cover a caller that resubmits through a slower wait (Go's
  // netpoller: about 3.5 us a round trip); with 2 us, such a lane yielded
  // before every call and the round trip tripled.
  static constexpr uint64_t kPauseOnlyNs = 5'000;

  // Stops intake and runs every pending posted work and timer with
  // ran == false. Owner thread only; the loop stays closed.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  static void yield_cpu();

  uint64_t idle_since_ = 0;  // owner thread; 0: not idle
  void (*spin_interrupted_)(void*) = nullptr;
  void* spin_interrupted_arg_ = nullptr;
  // One line, read together by a submitter looking for a lane to wake.
  alignas(kCacheLine) std::atomic<bool> parked_{false};
  std::atomic<bool> spinning_{false};
};

}  // namespace tether

#endif  // TETHER_RUNTIME_LANES_EVENT_LOOP_H_
