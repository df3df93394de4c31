#include "census.h"

#include <stdio.h>
#include <string.h>

#include "kvstore.h"
#include "outcomes.h"
#include "submit.h"
#include "tags.h"

/* STATS calls per lane: with keys spread by any reasonable mapping, the
 * chance that some lane gets none of them is negligible. */
#define KEYS_PER_LANE 32

int census_take(tether_runtime* runtime, tether_cq* cq, census* out) {
  uint32_t lanes = tether_runtime_lanes(runtime);
  uint32_t calls = lanes * KEYS_PER_LANE;
  uint32_t i;
  submit_route route;
  tether_call call;
  lane_report report;
  int ok = 1;
  memset(out, 0, sizeof *out);
  outcomes_clear_lane_reports();
  route.runtime = runtime;
  for (i = 0; i < calls; ++i) {
    tether_call_init(&call);
    call.method = KVSTORE_METHOD_STATS;
    call.key = i;
    route.cq = (i & 1) ? cq : NULL;
    if (submit_call(&route, &call, demo_tag(DEMO_OP_STATS, 0, i), NULL) !=
        TETHER_OK) {
      ok = 0;
    }
  }
  if (!outcomes_wait_all(OUTCOMES_STALL_NS)) ok = 0;
  for (i = 0; i < OUTCOMES_MAX_LANES; ++i) {
    outcomes_lane_report(i, &report);
    if (!report.seen) continue;
    ++out->lanes_answered;
    out->entries += report.entries;
    if (report.sessions_created > out->sessions_created) {
      out->sessions_created = report.sessions_created;
    }
  }
  return ok;
}

void census_print_lanes(uint32_t lanes) {
  lane_report report;
  uint32_t i;
  for (i = 0; i < lanes; ++i) {
    outcomes_lane_report(i, &report);
    if (report.seen) {
      printf("  lane %lu: %llu requests handled by its session, %llu entries\n",
             (unsigned long)i, (unsigned long long)report.requests_handled,
             (unsigned long long)report.entries);
    } else {
      printf("  lane %lu: no STATS answer\n", (unsigned long)i);
    }
  }
}
