// The work every contender does for one call, so that a row measures how
// the call travels and nothing else differs between rows: nothing (the
// no-op), or a 1 us busy-spin on the cycle clock. Peers run `work` on their
// worker thread; tether contenders name `method` of the bench library, whose
// handler does the same on the lane.
// Header-only; every function is thread-safe after CycleClock::calibrate().
#ifndef TETHER_BENCH_HANDLER_H
#define TETHER_BENCH_HANDLER_H

#include <cstdint>

#include "cycle_clock.h"

namespace tether_bench {

// Methods of the bench library (bench_library.h).
inline constexpr uint32_t kMethodNoOp = 0;
inline constexpr uint32_t kMethodBusy = 1;
// Blocks the lane until the gate opens (memory measurement only).
inline constexpr uint32_t kMethodGate = 2;

inline constexpr uint64_t kBusyHandlerNs = 1000;

// Spins for `ns` nanoseconds, reading the cycle clock.
inline void spin_for_ns(uint64_t ns) {
  const uint64_t start = CycleClock::ticks();
  const auto ticks = static_cast<uint64_t>(static_cast<double>(ns) /
                                           CycleClock::ns_per_tick());
  while (CycleClock::ticks() - start < ticks) {
  }
}

inline void no_op_work() {}
inline void busy_work() { spin_for_ns(kBusyHandlerNs); }

struct Handler {
  // Printed in table titles: "no-op" or "1 us busy".
  const char* name;
  // Short form for file and column names: "noop" or "busy1us".
  const char* id;
  uint64_t busy_ns;
  uint32_t method;
  // A plain function pointer, so a peer's std::function stays small enough
  // to be stored without a heap allocation.
  void (*work)();
};

inline constexpr Handler kNoOpHandler{"no-op", "noop", 0, kMethodNoOp,
                                      &no_op_work};
inline constexpr Handler kBusyHandler{"1 us busy", "busy1us", kBusyHandlerNs,
                                      kMethodBusy, &busy_work};

}  // namespace tether_bench

#endif  // TETHER_BENCH_HANDLER_H
