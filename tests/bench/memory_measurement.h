// What tether's calls cost in memory, measured from outside through the
// process's resident set and malloc heap:
//  - reserved per credit: a runtime reserves its request slots when it
//    opens, so two runtimes are opened, one with few and one with many
//    calls-in-flight credits, and the difference in what each added is
//    divided by the difference in credits;
//  - grown per in-flight call: one lane is blocked in a handler (the bench
//    library's gate) while calls pile up behind it; the growth is divided by
//    the number of calls held;
//  - flat over a soak: after a warm-up that takes every queue once to the
//    depth the credits allow (queues keep the blocks they grew, so a
//    deeper backlog during the soak would otherwise look like a leak),
//    millions of calls go through three ways of calling (callback on the
//    lane, callback on the delivery thread, batched submit into a
//    completion queue); resident and heap bytes are compared before, half
//    way and after.
#ifndef TETHER_BENCH_MEMORY_MEASUREMENT_H
#define TETHER_BENCH_MEMORY_MEASUREMENT_H

#include <cstdint>

#include "options.h"

namespace tether_bench {

struct MemoryResults {
  bool measured = false;
  // Whether the heap figures mean anything (see heap_bytes_in_use()).
  bool heap_known = false;

  uint32_t credits_small = 0;
  uint32_t credits_large = 0;
  double reserved_rss_bytes_per_credit = 0;
  double reserved_heap_bytes_per_credit = 0;

  uint64_t in_flight_calls = 0;
  // tether's own count of calls in flight while the lane was blocked.
  uint64_t in_flight_reported = 0;
  double grown_rss_bytes_per_call = 0;
  double grown_heap_bytes_per_call = 0;

  uint64_t soak_calls_asked = 0;
  uint64_t soak_calls_done = 0;
  double soak_seconds = 0;
  int64_t rss_after_warm_up = 0;
  int64_t rss_at_half_soak = 0;
  int64_t rss_after_soak = 0;
  int64_t heap_after_warm_up = 0;
  int64_t heap_at_half_soak = 0;
  int64_t heap_after_soak = 0;
};

// Runs the three measurements with the sizes in `options`. Progress goes to
// stderr. Throws std::runtime_error when a call fails.
// REQUIRES: no other contender is alive (they would move the figures).
MemoryResults measure_memory(const Options& options);

}  // namespace tether_bench

#endif  // TETHER_BENCH_MEMORY_MEASUREMENT_H
