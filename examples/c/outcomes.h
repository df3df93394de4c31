/* outcomes.h — everything that comes back: each completion is checked
 * against what its tag says to expect, counted by status, and its result and
 * error buffers are freed (the receiver owns them).
 *
 * Thread-safe: completions arrive at once on lanes, on tether's delivery
 * thread and on the completion-queue poller. Counters are atomics; the
 * per-lane STATS reports are read only once every call has completed. */
#ifndef KVSTORE_DEMO_OUTCOMES_H
#define KVSTORE_DEMO_OUTCOMES_H

#include <stddef.h>
#include <stdint.h>

#include "tether/tether.h"

/* Highest lane count the STATS reports can hold (tether's own maximum). */
#define OUTCOMES_MAX_LANES 256
/* How many bad-input probes can have their answers kept. */
#define OUTCOMES_MAX_PROBES 16

/* What one lane's STATS reply said. */
typedef struct lane_report {
  int seen;
  uint64_t sessions_created;
  uint64_t entries;
  uint64_t requests_handled;
} lane_report;

/* Counts a call tether accepted; every accepted call must complete. */
void outcomes_note_accepted(void);

/* The tether_callback_fn for calls submitted with a callback. */
void outcomes_callback(tether_completion* completion);

/* Takes one completion polled from a completion queue. */
void outcomes_take(tether_completion* completion);

/* How long the demo waits for calls while none completes before it calls
 * them stuck. Only a stall is a failure: on a slow, shared machine (or
 * under a sanitizer) calls take as long as they take. */
#define OUTCOMES_STALL_NS ((uint64_t)60 * 1000000000u)

/* Waits until every accepted call has completed, for as long as calls keep
 * completing. Returns 1 when they have, 0 when stall_ns passed without a
 * single completion. */
int outcomes_wait_all(uint64_t stall_ns);

/* From now on a callback counts as late: none may run once shutdown has
 * returned. */
void outcomes_close_callbacks(void);

uint64_t outcomes_accepted(void);
uint64_t outcomes_completed(void);
uint64_t outcomes_with_status(tether_status status);
uint64_t outcomes_mismatched(void);
uint64_t outcomes_late_callbacks(void);
uint64_t outcomes_free_failures(void);

/* The last STATS reply seen from `lane`; clear them before a sweep. */
void outcomes_lane_report(uint32_t lane, lane_report* out);
void outcomes_clear_lane_reports(void);

/* The library code and message that answered probe `index` (message is
 * truncated to cap bytes, NUL included). Returns 0 if none arrived. */
int outcomes_probe_answer(uint32_t index, int32_t* code, char* message,
                          size_t cap);

#endif /* KVSTORE_DEMO_OUTCOMES_H */
