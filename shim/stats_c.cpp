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
  // Version 1 is the whole struct (tether/types.h: a smaller one is an
  // error, a larger one gets what this tether knows).
  if (stats->struct_size < sizeof(tether_stats)) {
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

TETHER_API void tether_lane_stats_init(tether_lane_stats* stats) {
  if (stats == nullptr) return;
  std::memset(stats, 0, sizeof *stats);
  stats->struct_size = sizeof *stats;
}

TETHER_API tether_status tether_runtime_lane_stats(
    const tether_runtime* runtime, uint32_t lane, tether_lane_stats* stats) {
  const char* why = nullptr;
  if (runtime == nullptr)
    why = "runtime is NULL";
  else if (stats == nullptr)
    why = "stats is NULL";
  else if (stats->struct_size < sizeof(tether_lane_stats))
    why = "stats->struct_size is too small: call tether_lane_stats_init()";
  else if (lane >= runtime->runtime->lane_count())
    why = "no such lane";
  if (why != nullptr) {
    return tether::shim::reject("tether_runtime_lane_stats",
                                TETHER_E_INVALID_ARG, why);
  }
  return tether::shim::guarded("tether_runtime_lane_stats", [&] {
    tether_lane_stats full;
    runtime->runtime->lane_stats(lane, &full);
    std::size_t size = std::min(stats->struct_size, sizeof full);
    full.struct_size = size;
    std::memcpy(stats, &full, size);
    return tether::Status::kOk;
  });
}

}  // extern "C"
