// The per-operation clock: the CPU's time-stamp counter where there is one
// (x86: an rdtsc costs ~12 ns here against ~30 ns for steady_clock), else
// steady_clock. Ticks are converted to nanoseconds with a rate calibrated
// against steady_clock at start-up. Thread-safe after calibrate().
#ifndef TETHER_BENCH_CYCLE_CLOCK_H
#define TETHER_BENCH_CYCLE_CLOCK_H

#include <chrono>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace tether_bench {

class CycleClock {
 public:
  static uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return static_cast<uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
#endif
  }

  // Measures the tick rate against steady_clock (takes ~20 ms). Call once,
  // before any conversion. Not thread-safe.
  static void calibrate();

  static double ns_per_tick() { return ns_per_tick_; }
  static uint64_t to_ns(uint64_t ticks) {
    return static_cast<uint64_t>(static_cast<double>(ticks) * ns_per_tick_ +
                                 0.5);
  }
  // "rdtsc" or "steady_clock".
  static const char* source();

 private:
  static inline double ns_per_tick_ = 1.0;
};

}  // namespace tether_bench

#endif  // TETHER_BENCH_CYCLE_CLOCK_H
