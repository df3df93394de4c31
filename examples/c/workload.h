/* workload.h — the traffic: rounds of short-lived submitter threads, as a
 * host whose threads come and go would produce (Go moving goroutines between
 * OS threads, a churning thread pool).
 *
 * In every round each thread PUTs its user keys (moved tether buffers),
 * GETs them back from round 1 on, PUTs temporary keys and DELETEs the
 * previous round's, asks for a few absent keys, and sends SLOW calls: some
 * that finish, one that misses its deadline and one it cancels. Calls
 * alternate between a callback and the completion queue. A round's calls all
 * complete before the next round starts, so every outcome is predictable. */
#ifndef KVSTORE_DEMO_WORKLOAD_H
#define KVSTORE_DEMO_WORKLOAD_H

#include <stdint.h>

#include "tether/tether.h"

/* Most submitter threads one round may run. */
#define WORKLOAD_MAX_THREADS 64

typedef struct workload_config {
  tether_runtime* runtime;
  tether_cq* cq;
  uint32_t rounds;
  uint32_t threads_per_round; /* at most WORKLOAD_MAX_THREADS */
} workload_config;

typedef struct workload_result {
  uint64_t threads_started;
  uint64_t calls_accepted;
  uint64_t submit_failures; /* submits that ended in anything but TETHER_OK */
  uint64_t cancel_failures; /* tether_cancel answers other than TETHER_OK */
  int drained;              /* every round's calls completed (none stalled) */
  uint64_t elapsed_ns;
} workload_result;

/* Runs every round, waiting for each round's completions. Returns 1 when
 * every thread started, every call was accepted and every round drained. */
int workload_run(const workload_config* config, workload_result* result);

/* Entries the store holds after workload_run, summed over the shards. */
uint64_t workload_expected_entries(const workload_config* config);

#endif /* KVSTORE_DEMO_WORKLOAD_H */
