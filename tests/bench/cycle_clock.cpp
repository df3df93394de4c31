#include "cycle_clock.h"

namespace tether_bench {

void CycleClock::calibrate() {
  using Clock = std::chrono::steady_clock;
  constexpr auto kSpan = std::chrono::milliseconds(20);
  Clock::time_point start = Clock::now();
  uint64_t first = ticks();
  Clock::time_point now;
  do {
    now = Clock::now();
  } while (now - start < kSpan);
  uint64_t last = ticks();
  double ns = std::chrono::duration<double, std::nano>(now - start).count();
  if (last > first) ns_per_tick_ = ns / static_cast<double>(last - first);
}

const char* CycleClock::source() {
#if defined(__x86_64__) || defined(__i386__)
  return "rdtsc";
#else
  return "steady_clock";
#endif
}

}  // namespace tether_bench
