// Completion counters owned by one delivering thread (a lane or the
// delivery thread) and summed on read: no shared cache line on the hot path.
#ifndef TETHER_RUNTIME_CORE_COUNTERS_H_
#define TETHER_RUNTIME_CORE_COUNTERS_H_

#include <atomic>
#include <cstdint>

#include "base/cpu.h"
#include "stats/latency_histogram.h"
#include "tether/status.h"

namespace tether {

struct alignas(kCacheLine) CompletionCounters {
  std::atomic<uint64_t> ok{0};
  std::atomic<uint64_t> library{0};
  std::atomic<uint64_t> cancelled{0};
  std::atomic<uint64_t> deadline{0};
  std::atomic<uint64_t> closed{0};
  std::atomic<uint64_t> callback_exceptions{0};
  std::atomic<uint64_t> pushed_to_queues{0};  // completions into a cq
  LatencyHistogram latency;                   // submit to completion

  // Single writer: a plain load and store, no read-modify-write.
  static void bump(std::atomic<uint64_t>& counter, uint64_t by = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + by,
                  std::memory_order_relaxed);
  }
  void count(tether_status status) {
    switch (status) {
      case TETHER_OK:
        bump(ok);
        break;
      case TETHER_E_LIBRARY:
        bump(library);
        break;
      case TETHER_E_CANCELLED:
        bump(cancelled);
        break;
      case TETHER_E_DEADLINE:
        bump(deadline);
        break;
      default:
        bump(closed);
        break;
    }
  }
};

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_COUNTERS_H_
