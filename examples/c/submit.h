/* submit.h — submitting a call through either completion path, with
 * backpressure: TETHER_E_BUSY means tether's credits are used up, so the
 * call is retried after a short pause until it is accepted, for as long as
 * calls keep completing (each completion returns credits). However slow
 * the machine, that is not a failure; a stretch with no completion at all
 * is. Any thread. */
#ifndef KVSTORE_DEMO_SUBMIT_H
#define KVSTORE_DEMO_SUBMIT_H

#include <stdint.h>

#include "tether/tether.h"

/* Where a call's completion goes. */
typedef struct submit_route {
  tether_runtime* runtime;
  /* NULL: complete through outcomes_callback; otherwise into this queue. */
  tether_cq* cq;
} submit_route;

/* Submits `call`, retrying while tether answers TETHER_E_BUSY; gives up
 * (returning TETHER_E_BUSY) only once no call has completed (by
 * outcomes_completed()) for the stall limit. A moved payload stays the
 * caller's unless the result is TETHER_OK. ticket_out may be NULL.
 * Returns the last status: TETHER_OK once accepted. */
tether_status submit_call(const submit_route* route, const tether_call* call,
                          uint64_t tag, uint64_t* ticket_out);

/* Sets the stall limit of every submit_call from now on (default
 * OUTCOMES_STALL_NS). */
void submit_set_stall_limit(uint64_t stall_ns);

/* How many TETHER_E_BUSY answers submit_call has retried, process-wide. */
uint64_t submit_busy_retries(void);

#endif /* KVSTORE_DEMO_SUBMIT_H */
