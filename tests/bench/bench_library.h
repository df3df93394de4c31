// The library every tether contender serves, linked into the benchmark and
// opened with tether_runtime_open(). Its methods (handler.h): kMethodNoOp
// replies at once with an empty result; kMethodBusy spins kBusyHandlerNs,
// then replies; kMethodGate blocks the lane until open_gate(), then replies
// (to hold calls in flight while memory is measured).
#ifndef TETHER_BENCH_BENCH_LIBRARY_H
#define TETHER_BENCH_BENCH_LIBRARY_H

#include "tether/library.h"

namespace tether_bench {

// Static table; valid for the life of the process. Thread-safe.
const tether_library* bench_library();

// The gate kMethodGate waits at. Thread-safe; process-wide.
void close_gate();
void open_gate();

// Closes the gate for its lifetime and opens it when destroyed, so a
// failure never leaves a lane blocked (shutdown would wait for it).
class ClosedGate {
 public:
  ClosedGate() { close_gate(); }
  ClosedGate(const ClosedGate&) = delete;
  ClosedGate& operator=(const ClosedGate&) = delete;
  ~ClosedGate() { open_gate(); }
};

}  // namespace tether_bench

#endif  // TETHER_BENCH_BENCH_LIBRARY_H
