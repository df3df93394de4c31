/* tether/stats.h — a snapshot of a runtime's counters. Counters are kept
 * per thread and summed on read, so they are always on. */
#ifndef TETHER_STATS_H
#define TETHER_STATS_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tether_stats {
  size_t struct_size;
  uint64_t submitted;           /* calls accepted */
  uint64_t rejected_busy;       /* submits refused with TETHER_E_BUSY */
  uint64_t completed_ok;        /* delivered with TETHER_OK */
  uint64_t completed_library;   /* ... TETHER_E_LIBRARY */
  uint64_t completed_cancelled; /* ... TETHER_E_CANCELLED */
  uint64_t completed_deadline;  /* ... TETHER_E_DEADLINE */
  uint64_t completed_closed;    /* ... TETHER_E_CLOSED */
  uint64_t in_flight;           /* calls in flight (tether/call.h): accepted,
                                   completion not yet handed to the host;
                                   includes those counted in cq_backlog */
  uint64_t bytes_in_flight;     /* payload bytes of those calls */
  uint64_t late_replies;        /* replies after the call had ended */
  uint64_t callback_exceptions; /* exceptions thrown by host callbacks */
  uint32_t lanes;
  uint32_t reserved0;
  uint64_t queue_depth;       /* requests waiting in lane and shared queues */
  uint64_t cq_backlog;        /* completions in this runtime's completion
                                 queues, not yet polled */
  uint64_t buffers_live;      /* tether buffers alive, process-wide */
  uint64_t buffer_bytes_live; /* their bytes */
  /* Submit-to-completion latency of delivered calls, in nanoseconds, from a
   * log-bucket histogram (4 equal buckets per power of two: each figure is
   * the upper bound of its bucket, never below the true value and less than
   * 25% above it; the worst case, the lowest value of a bucket, approaches
   * 25% as values grow: 18.75% at 16 ns, 24.9% at 1024 ns). */
  uint64_t latency_p50_ns;
  uint64_t latency_p99_ns;
  uint64_t latency_p999_ns;
  /* END OF VERSION 1 */
};

/* One lane's view, from tether_runtime_lane_stats(). */
struct tether_lane_stats {
  size_t struct_size;
  uint32_t lane;
  uint32_t reserved0;
  uint64_t queue_depth; /* requests waiting in this lane's own queue */
  uint64_t handled;     /* requests whose handler ran on this lane */
  uint64_t parks;       /* times the lane went to sleep when idle */
  /* END OF VERSION 1 */
};

/* Sets struct_size; call before tether_runtime_stats().
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_stats_init(tether_stats* stats);

/* Fills `stats` (up to stats->struct_size bytes). Works after shutdown too.
 * Errors: TETHER_E_INVALID_ARG (NULL, struct_size too small).
 * Thread safety: any thread; the counters are read one by one, not as one
 *   atomic snapshot. Blocks: no. */
TETHER_API tether_status tether_runtime_stats(const tether_runtime* runtime,
                                              tether_stats* stats);

/* Sets struct_size; call before tether_runtime_lane_stats().
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_lane_stats_init(tether_lane_stats* stats);

/* Fills `stats` for lane `lane` (0-based).
 * Errors: TETHER_E_INVALID_ARG (NULL, struct_size too small, lane out of
 *   range).
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_runtime_lane_stats(
    const tether_runtime* runtime, uint32_t lane, tether_lane_stats* stats);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_STATS_H */
