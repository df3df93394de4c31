/* cbaseline.h — tether's own round trip from C, to measure the Go binding
 * against in the same process: what a C host pays, with no cgo and no Go
 * scheduler. */
#ifndef CBASELINE_H
#define CBASELINE_H

#include <stddef.h>
#include <stdint.h>
#include <tether/tether.h>

/* A runtime and its completion queue. */
typedef struct cbaseline cbaseline;

/* Opens a runtime over `library` with `lanes` lanes and, unless spin_ns is
 * negative (tether's default), lanes that spin spin_ns when idle; NULL on
 * failure (the reason is written to stderr). */
cbaseline* cbaseline_open(const tether_library* library, uint32_t lanes,
                          int64_t spin_ns);

/* Makes `count` round trips of `method` with an empty payload and
 * TETHER_KEY_ANY: each submits with tether_submit_cq and spins on
 * tether_cq_take until its completion is back, as tests/bench's
 * completion-queue round trip does. Writes each round trip's nanoseconds to
 * latencies[i]. Returns TETHER_OK or the first failure. */
tether_status cbaseline_round_trips(cbaseline* b, uint32_t method, size_t count,
                                    uint64_t* latencies);

/* Shuts the runtime down and frees everything. Accepts NULL. */
void cbaseline_close(cbaseline* b);

#endif /* CBASELINE_H */
