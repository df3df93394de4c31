#include <algorithm>
#include <cstddef>
#include <cstring>

#include "boundary.h"
#include "core/handles.h"
#include "tether/stats.h"

extern "C" {

TETHER_API void tether_stats_init(tether_stats* stats) {
  if (stats == nullptr) return;
  std::memset(stats, 0, sizeof *stats);
  stats->struct_size = sizeof *stats;
}

TETHER_API tether_status tether_runtime_stats(const tether_runtime* runtime,
                                              tether_stats* stats) {
  if (runtime == nullptr || stats == nullptr) {
    return tether::shim::reject(
        "tether_runtime_stats", TETHER_E_INVALID_ARG,
        runtime == nullptr ? "runtime is NULL" : "stats is NULL");
  }
  if (stats->struct_size <
      offsetof(tether_stats, submitted) + sizeof(uint64_t)) {
    return tether::shim::reject("tether_runtime_stats", TETHER_E_INVALID_ARG,
                                "stats->struct_size is too small: call "
                                "tether_stats_init()");
  }
  return tether::shim::guarded("tether_runtime_stats", [&] {
    tether_stats full;
    runtime->runtime->stats(&full);
    std::size_t size = std::min(stats->struct_size, sizeof full);
    full.struct_size = size;
    std::memcpy(stats, &full, size);
    return tether::Status::kOk;
  });
}

}  // extern "C"
