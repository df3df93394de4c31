// Monotonic time in nanoseconds, the one clock deadlines and latencies use.
//
// A call reads it at least three times (submit, delivery, the lane's loop),
// so its cost is on every call's path: on x86-64 with an invariant TSC
// (CPUID 0x80000007 EDX bit 8: constant rate, ticking in every C-state) it
// is a TSC read scaled to nanoseconds, 12 ns a read on the 2-vCPU VM this
// was measured on against 33 ns for steady_clock. The scale is calibrated
// once, against steady_clock over 2 ms by the first reader (up to 5
// attempts: that reader may spend about 20 ms), and the TSC-based clock
// starts at steady_clock's value then; other reads meanwhile use
// steady_clock and do not wait. Runtime::start reads the clock before it
// starts a thread, so the reader that calibrates is inside
// tether_runtime_open, never a submitter. Elsewhere, and where the TSC is
// not invariant, it is steady_clock.
//
// Only differences of its values mean anything (they are never compared
// with another clock's), so a scale off by a few parts per million only
// stretches deadlines and latencies by as much.
#ifndef TETHER_RUNTIME_BASE_CLOCK_H_
#define TETHER_RUNTIME_BASE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace tether {

inline uint64_t steady_now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

#if defined(__x86_64__)
namespace clock_detail {

struct TscScale {
  bool usable = false;
  uint64_t base_tsc = 0;
  uint64_t base_ns = 0;
  uint64_t mult = 0;  // nanoseconds per tick, << kShift
  static constexpr int kShift = 32;
};

inline bool tsc_is_invariant() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0x80000000, nullptr) < 0x80000007) return false;
  __cpuid(0x80000007, eax, ebx, ecx, edx);
  return (edx & (1u << 8)) != 0;
}

// One steady_clock reading with the TSC read just before and just after it:
// the TSC value that belongs to the reading is the midpoint, known within
// half the bracket's width.
struct Bracketed {
  uint64_t ns;
  uint64_t tsc;
  uint64_t width;  // ticks between the two TSC reads
};

inline Bracketed bracketed_reading() {
  const uint64_t before = __rdtsc();
  const uint64_t ns = steady_now_ns();
  const uint64_t after = __rdtsc();
  return {ns, before + (after - before) / 2, after - before};
}

// Measures the TSC rate against steady_clock over kCalibrationNs. A thread
// preempted inside a bracket, or stopped (SIGSTOP, a paused VM) during the
// measurement, would skew the rate for good: such an attempt is thrown
// away, and after kAttempts the TSC is left unused.
inline TscScale calibrate() {
  constexpr uint64_t kCalibrationNs = 2'000'000;
  constexpr int kAttempts = 5;
  TscScale scale;
  if (!tsc_is_invariant()) return scale;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const Bracketed start = bracketed_reading();
    Bracketed end = start;
    while (end.ns - start.ns < kCalibrationNs) end = bracketed_reading();
    const uint64_t elapsed_ns = end.ns - start.ns;
    if (elapsed_ns > 2 * kCalibrationNs || end.tsc <= start.tsc) continue;
    const uint64_t ticks = end.tsc - start.tsc;
    // Both brackets within 0.01% of the interval: the midpoints are good
    // to better than that.
    if ((start.width + end.width) * 10'000 > ticks) continue;
    // Between 0.1 and 10 ticks per nanosecond (100 MHz to 10 GHz).
    if (ticks < elapsed_ns / 10 || ticks > elapsed_ns * 10) continue;
    scale.mult = (elapsed_ns << TscScale::kShift) / ticks;
    scale.base_tsc = end.tsc;
    scale.base_ns = end.ns;
    scale.usable = true;
    return scale;
  }
  return scale;
}

// Calibration is claimed by one thread; no one waits for it (a function-local
// static would make every reader wait, and a child forked during those 2 ms
// would wait forever on a thread it does not have). Until the scale is
// published, reads fall back to steady_clock, which the TSC-based clock
// starts from.
enum : int { kUncalibrated, kCalibrating, kCalibrated };
inline std::atomic<int> g_tsc_state{kUncalibrated};
inline TscScale g_tsc_scale;

// The published scale, or nullptr while there is none (yet).
inline const TscScale* tsc_scale() {
  int state = g_tsc_state.load(std::memory_order_acquire);
  if (state == kCalibrated) return &g_tsc_scale;
  if (state == kUncalibrated &&
      g_tsc_state.compare_exchange_strong(state, kCalibrating,
                                          std::memory_order_acq_rel)) {
    g_tsc_scale = calibrate();
    g_tsc_state.store(kCalibrated, std::memory_order_release);
    return &g_tsc_scale;
  }
  return nullptr;
}

}  // namespace clock_detail
#endif

inline uint64_t now_ns() {
#if defined(__x86_64__)
  const clock_detail::TscScale* scale = clock_detail::tsc_scale();
  if (scale != nullptr && scale->usable) {
    // A core whose TSC trails the calibrating core's by a few ticks must
    // not wrap around to the far future.
    const uint64_t tsc = __rdtsc();
    const uint64_t ticks = tsc > scale->base_tsc ? tsc - scale->base_tsc : 0;
    return scale->base_ns +
           static_cast<uint64_t>(
               (static_cast<unsigned __int128>(ticks) * scale->mult) >>
               clock_detail::TscScale::kShift);
  }
#endif
  return steady_now_ns();
}

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_CLOCK_H_
