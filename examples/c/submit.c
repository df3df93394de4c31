#include "submit.h"

#include <time.h>

#include "outcomes.h"

/* A short pause lets lanes complete calls and return credits; a second
 * without being accepted means something is stuck. */
#define BUSY_PAUSE_NS 20000
#define BUSY_GIVE_UP_NS 1000000000

static uint64_t g_busy_retries;

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
  tether_status status = submit_once(route, call, tag, ticket_out);
  uint64_t give_up_at;
  if (status == TETHER_E_BUSY) {
    give_up_at = now_ns() + BUSY_GIVE_UP_NS;
    while (status == TETHER_E_BUSY && now_ns() < give_up_at) {
      __atomic_fetch_add(&g_busy_retries, 1, __ATOMIC_RELAXED);
      nanosleep(&pause, NULL);
      status = submit_once(route, call, tag, ticket_out);
    }
  }
  if (status == TETHER_OK) outcomes_note_accepted();
  return status;
}

uint64_t submit_busy_retries(void) {
  return __atomic_load_n(&g_busy_retries, __ATOMIC_RELAXED);
}
