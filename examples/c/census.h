/* census.h — asks every lane for its STATS: the thread-local sessions
 * created so far and its shard's entries. Which lane a key reaches is
 * tether's choice, so the census sends STATS with many distinct keys and
 * keeps the lanes that answered. */
#ifndef KVSTORE_DEMO_CENSUS_H
#define KVSTORE_DEMO_CENSUS_H

#include <stdint.h>

#include "tether/tether.h"

typedef struct census {
  uint32_t lanes_answered;
  uint64_t sessions_created; /* the highest count any lane reported */
  uint64_t entries;          /* summed over the lanes that answered */
} census;

/* Runs one census, half the calls by callback and half through `cq`.
 * Returns 1 when every call came back in time. */
int census_take(tether_runtime* runtime, tether_cq* cq, census* out);

/* Prints one line per lane from the last census. */
void census_print_lanes(uint32_t lanes);

#endif /* KVSTORE_DEMO_CENSUS_H */
