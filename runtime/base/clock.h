// Monotonic time in nanoseconds, the one clock deadlines and latencies use.
#ifndef TETHER_RUNTIME_BASE_CLOCK_H_
#define TETHER_RUNTIME_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace tether {

inline uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_CLOCK_H_
