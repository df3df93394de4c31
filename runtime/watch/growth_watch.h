// Growth watch: the early warning for slow leaks (a queue nobody drains, a
// table nobody clears). A watched value that reaches a power-of-two boundary
// at or above the threshold is logged once for that boundary.
//
// Boundaries: T, 2T, 4T, ... where T is the threshold rounded up to a power
// of two (default 4096). An observed value at or above a boundary that has
// not logged logs it; one observation past several boundaries writes one
// line, for the highest, and the ones below count as logged with it.
// Hysteresis, per boundary: B logs again only after a value at or below
// B/4 was observed. So a value pushed past 4096 and 8192 and then
// oscillating around 8192 (anywhere above 2048) logs exactly twice: at 4096
// and 8192; and 20000, 4000, 9000 logs 16384 once (4000 re-arms 16384 but
// not 8192, which needs 2048). The logged boundaries are always T up to
// last_logged(), so the state is one number.
//
// Thread-safe. observe() is two relaxed loads and compares unless a
// boundary is crossed or re-armed (then a lock, rarely). Observers racing
// on one counter may report out of order: a value read long before it is
// reported (its thread was preempted while the counter quadrupled) looks
// like a fall and re-arms, so such a race can log a boundary twice. It
// never hides one.
#ifndef TETHER_RUNTIME_WATCH_GROWTH_WATCH_H_
#define TETHER_RUNTIME_WATCH_GROWTH_WATCH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace tether {

class GrowthWatch {
 public:
  static constexpr uint64_t kDefaultThreshold = 4096;

  // Says where a value grew (the allocation site holding the most bytes),
  // for the log line. Called only when a boundary logs, outside the
  // watch's lock (as the log sink is), so either may observe the watch.
  using WhereFn = std::function<std::string()>;

  // `what` names the value in the log line ("calls in flight"); `threshold`
  // 0 means the default, UINT64_MAX turns the watch off; `where`, if set,
  // adds where it grew.
  GrowthWatch(std::string what, uint64_t threshold, WhereFn where = nullptr);
  GrowthWatch(const GrowthWatch&) = delete;
  GrowthWatch& operator=(const GrowthWatch&) = delete;

  void observe(uint64_t value) {
    if (value >= next_.load(std::memory_order_relaxed) ||
        value < rearm_below_.load(std::memory_order_relaxed)) {
      slow_path(value);
    }
  }

  // Starts over with a new threshold (0: the default, UINT64_MAX: off):
  // every boundary may log again.
  void set_threshold(uint64_t threshold);

  // The highest boundary logged and not re-armed since; 0 if none.
  uint64_t last_logged() const;

  // Held across fork() by owners whose objects a child keeps using, so the
  // child never inherits the lock held by a thread that is gone.
  void lock_for_fork() { mutex_.lock(); }
  void unlock_after_fork() { mutex_.unlock(); }
  const std::string& what() const { return what_; }

 private:
  void slow_path(uint64_t value);

  const std::string what_;
  const WhereFn where_;
  std::atomic<uint64_t> next_;  // the boundary that logs next
  // Falling below this re-arms the boundaries logged; 0: nothing to re-arm.
  std::atomic<uint64_t> rearm_below_{0};
  mutable std::mutex mutex_;
  uint64_t threshold_;        // GUARDED_BY(mutex_)
  uint64_t last_logged_ = 0;  // GUARDED_BY(mutex_)
};

}  // namespace tether

#endif  // TETHER_RUNTIME_WATCH_GROWTH_WATCH_H_
