#include "submit.h"

#include <time.h>

#include "outcomes.h"

/* A short pause lets lanes complete calls and return credits. */
#define BUSY_PAUSE_NS 20000

static uint64_t g_busy_retries;
static uint64_t g_stall_limit_ns = OUTCOMES_STALL_NS;

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static tether_status submit_once(const submit_route* route,
                                 const tether_call* call, uint64_t tag,
                                 uint64_t* ticket_out) {
  if (route->cq != NULL) {
    return tether_submit_cq(route->runtime, call, route->cq, tag, ticket_out);
  }
  return tether_submit(route->runtime, call, outcomes_callback, tag,
                       ticket_out);
}

tether_status submit_call(const submit_route* route, const tether_call* call,
                          uint64_t tag, uint64_t* ticket_out) {
  const struct timespec pause = {0, BUSY_PAUSE_NS};
  const uint64_t stall_limit =
      __atomic_load_n(&g_stall_limit_ns, __ATOMIC_RELAXED);
  tether_status status = submit_once(route, call, tag, ticket_out);
  uint64_t completed;
  uint64_t progress_at;
  if (status == TETHER_E_BUSY) {
    /* How long a busy submitter waits is up to the machine: only a call
     * completing returns credits, so only a stretch without any means
     * something is stuck. */
    completed = outcomes_completed();
    progress_at = now_ns();
    while (status == TETHER_E_BUSY) {
      if (outcomes_completed() != completed) {
        completed = outcomes_completed();
        progress_at = now_ns();
      } else if (now_ns() - progress_at >= stall_limit) {
        break;
      }
      __atomic_fetch_add(&g_busy_retries, 1, __ATOMIC_RELAXED);
      nanosleep(&pause, NULL);
      status = submit_once(route, call, tag, ticket_out);
    }
  }
  if (status == TETHER_OK) outcomes_note_accepted();
  return status;
}

void submit_set_stall_limit(uint64_t stall_ns) {
  __atomic_store_n(&g_stall_limit_ns, stall_ns, __ATOMIC_RELAXED);
}

uint64_t submit_busy_retries(void) {
  return __atomic_load_n(&g_busy_retries, __ATOMIC_RELAXED);
}
