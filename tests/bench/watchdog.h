// Aborts the process if the benchmark runs far longer than it should: a
// call that never completes would otherwise leave a caller spinning
// forever (and CI waiting).
#ifndef TETHER_BENCH_WATCHDOG_H
#define TETHER_BENCH_WATCHDOG_H

#include <condition_variable>
#include <mutex>
#include <thread>

namespace tether_bench {

class Watchdog {
 public:
  // Starts a thread that prints a message and calls std::abort() after
  // `seconds`, unless destroyed first. The thread sleeps; it never spins.
  explicit Watchdog(int seconds);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace tether_bench

#endif  // TETHER_BENCH_WATCHDOG_H
