/* Before the fix: a host submits into a completion queue and never drains
 * it ("results pushed and never popped"). tether's growth watch names the
 * queue at 4096 and 8192 completions, long before memory is a problem; and
 * since a queued completion keeps its call's credit until it is polled,
 * the next submit past the credit limit is refused with TETHER_E_BUSY
 * instead of the queue growing without bound.
 *
 * The one-line fix: poll the queue when its fd is readable, until empty. */
#include <stdio.h>
#include <stdlib.h>

#include "kvstore.h"
#include "tether/tether.h"

static void fail(const char* what, tether_status status) {
  fprintf(stderr, "undrained_queue: %s: %s\n", what, tether_status_str(status));
  exit(1);
}

int main(void) {
  tether_runtime_config config;
  tether_runtime* runtime = NULL;
  tether_cq* cq = NULL;
  tether_call call;
  tether_stats stats;
  tether_completion batch[256];
  size_t count = 0;
  size_t drained = 0;
  int i;
  tether_status status;

  tether_runtime_config_init(&config);
  config.max_calls_in_flight = 9000;
  status = tether_runtime_open_path(KVSTORE_LIBRARY_PATH, KVSTORE_ENTRY_SYMBOL,
                                    &config, &runtime, NULL);
  if (status != TETHER_OK) fail("open", status);
  status = tether_cq_open(runtime, &cq);
  if (status != TETHER_OK) fail("cq_open", status);

  tether_call_init(&call);
  call.method = KVSTORE_METHOD_STATS;
  for (i = 0; i < 9000; ++i) {
    status = tether_submit_cq(runtime, &call, cq, (uint64_t)i, NULL);
    if (status != TETHER_OK) fail("submit", status);
  }
  tether_stats_init(&stats);
  do {
    tether_runtime_stats(runtime, &stats);
  } while (stats.completed_ok < 9000);
  printf(
      "9000 completions pushed, backlog %llu: the log above named the "
      "queue at each boundary\n",
      (unsigned long long)stats.cq_backlog);
  status = tether_submit_cq(runtime, &call, cq, 9000, NULL);
  printf("submit 9001 while nobody polls: %s\n", tether_status_str(status));
  if (status != TETHER_E_BUSY) return 1;

  /* The fix, applied late: drain until a poll comes back short. */
  do {
    status = tether_cq_poll(cq, batch, sizeof batch[0], 256, 0, &count);
    if (status != TETHER_OK) fail("poll", status);
    for (i = 0; i < (int)count; ++i) tether_buf_free(batch[i].result);
    drained += count;
  } while (count == 256);
  printf("drained %zu completions\n", drained);
  status = tether_submit_cq(runtime, &call, cq, 9001, NULL);
  printf("submit after draining: %s\n", tether_status_str(status));
  if (status != TETHER_OK) return 1;
  tether_cq_destroy(cq);
  tether_runtime_destroy(runtime);
  /* The last call's completion is freed with the queue, unpolled. */
  return drained == 9000 ? 0 : 1;
}
