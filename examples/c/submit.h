/* submit.h — submitting a call through either completion path, with
 * backpressure: TETHER_E_BUSY means tether's credits are used up, so the
 * call is retried after a short pause until it is accepted or a bound
 * passes. Any thread. */
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

/* Submits `call`, retrying while tether answers TETHER_E_BUSY, for at most
 * about a second. A moved payload stays the caller's unless the result is
 * TETHER_OK. ticket_out may be NULL.
 * Returns the last status: TETHER_OK once accepted. */
tether_status submit_call(const submit_route* route, const tether_call* call,
                          uint64_t tag, uint64_t* ticket_out);

/* How many TETHER_E_BUSY answers submit_call has retried, process-wide. */
uint64_t submit_busy_retries(void);

#endif /* KVSTORE_DEMO_SUBMIT_H */
