// The growth watch over live tether buffers, process-wide (the allocator is
// process-wide, so its watch cannot belong to a runtime): the live count and
// the live bytes, each logged once per power-of-two boundary from its
// threshold up (watch/growth_watch.h), naming the allocation site holding
// the most bytes at that moment.
//
// Thread safety: thread-safe. observe_live() is two relaxed loads and
// compares unless a boundary is crossed.
#ifndef TETHER_RUNTIME_BUFFERS_BUFFER_WATCH_H_
#define TETHER_RUNTIME_BUFFERS_BUFFER_WATCH_H_

#include <cstdint>

#include "base/status.h"
#include "buffers/block_registry.h"

namespace tether::buffers {

inline constexpr uint64_t kDefaultLiveCountThreshold = 4096;
inline constexpr uint64_t kDefaultLiveBytesThreshold = uint64_t{64} << 20;

// After an allocation: `totals` includes it. Must not be called under a
// registry lock (a crossing reads the registry to say where).
void observe_live(const LiveTotals& totals);

// Starts both watches over with new thresholds: 0 means the default,
// UINT64_MAX turns that watch off.
void set_live_thresholds(uint64_t count_threshold, uint64_t bytes_threshold);

// Taken by the allocator's fork hooks, so a child never inherits a watch
// lock held by a thread it does not have.
void lock_watch_for_fork();
void unlock_watch_after_fork();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BUFFER_WATCH_H_
