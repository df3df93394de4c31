// The library every tether contender serves: one method that replies at
// once with an empty result. Linked into the benchmark, opened with
// tether_runtime_open().
#ifndef TETHER_BENCH_NOOP_LIBRARY_H
#define TETHER_BENCH_NOOP_LIBRARY_H

#include "tether/library.h"

namespace tether_bench {

// Static table; valid for the life of the process. Thread-safe.
const tether_library* noop_library();

}  // namespace tether_bench

#endif  // TETHER_BENCH_NOOP_LIBRARY_H
