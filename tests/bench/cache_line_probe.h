// How long a cache line takes to travel to another core and back, measured
// right now: a short spin ping-pong before each repetition. On a shared or
// virtual machine the two threads may land on sibling hyperthreads, on
// cores of one die, or far apart, and that changes every figure of the
// repetition; the probe is recorded beside them so the cases can be told
// apart.
#ifndef TETHER_BENCH_CACHE_LINE_PROBE_H
#define TETHER_BENCH_CACHE_LINE_PROBE_H

#include <cstdint>

namespace tether_bench {

// The median of up to `round_trips` spin ping-pong round trips, in
// nanoseconds; stops early after `budget_ns` (a loaded machine can make
// each one last a scheduler tick). REQUIRES: CycleClock::calibrate() ran.
// Throws std::runtime_error when its thread cannot start.
double probe_cache_line_round_trip_ns(uint64_t round_trips, uint64_t budget_ns);

}  // namespace tether_bench

#endif  // TETHER_BENCH_CACHE_LINE_PROBE_H
