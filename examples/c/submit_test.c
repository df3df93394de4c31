/* submit_test: submit_call's backpressure against the kvstore library, with
 * one call credit. A submitter waits for credit for as long as it takes the
 * call holding it to complete, and gives up only when nothing completes for
 * the stall limit. Both outcomes are fixed by the library's timer: a SLOW
 * call cannot complete before its delay. */
#include "submit.h"

#include <stdio.h>

#include "kv_wire.h"
#include "kvstore.h"
#include "outcomes.h"
#include "tags.h"
#include "tether/tether.h"

#define MS ((uint64_t)1000000)
/* Longer than a second, the bound an earlier submit_call gave up after. */
#define HOLDER_DELAY (1500 * MS)

static int g_failures;

static void expect(int holds, const char* what) {
  printf("%s -- %s\n", what, holds ? "OK" : "FAIL");
  if (!holds) ++g_failures;
}

static tether_status slow(const submit_route* route, uint64_t delay_ns,
                          uint32_t index) {
  uint8_t payload[8];
  tether_call call;
  kv_write_u64(payload, delay_ns);
  tether_call_init(&call);
  call.method = KVSTORE_METHOD_SLOW;
  call.payload = payload;
  call.payload_len = sizeof payload;
  return submit_call(route, &call, demo_tag(DEMO_OP_SLOW, 0, index), NULL);
}

static void waits_while_the_holder_runs(const submit_route* route) {
  uint64_t retries = submit_busy_retries();
  expect(slow(route, HOLDER_DELAY, 0) == TETHER_OK, "holder accepted");
  expect(slow(route, MS, 1) == TETHER_OK,
         "a busy submit waits for the credit the holder returns");
  expect(submit_busy_retries() > retries, "it was busy meanwhile");
  expect(outcomes_wait_all(OUTCOMES_STALL_NS), "both completed");
}

static void gives_up_when_nothing_completes(const submit_route* route) {
  submit_set_stall_limit(100 * MS);
  expect(slow(route, HOLDER_DELAY, 2) == TETHER_OK, "holder accepted");
  expect(slow(route, MS, 3) == TETHER_E_BUSY,
         "a submit gives up once nothing completed for the stall limit");
  submit_set_stall_limit(OUTCOMES_STALL_NS);
  expect(outcomes_wait_all(OUTCOMES_STALL_NS), "the holder completed");
}

int main(int argc, char** argv) {
  const char* library = argc > 1 ? argv[1] : KVSTORE_DEMO_LIBRARY;
  tether_runtime_config config;
  tether_runtime* runtime = NULL;
  char* error = NULL;
  submit_route route;
  tether_status status;
  tether_runtime_config_init(&config);
  config.max_calls_in_flight = 1;
  status = tether_runtime_open_path(library, KVSTORE_ENTRY_SYMBOL, &config,
                                    &runtime, &error);
  if (status != TETHER_OK) {
    fprintf(stderr, "submit_test: cannot open %s: %s: %s\n", library,
            tether_status_str(status), error != NULL ? error : "(no detail)");
    tether_buf_free(error);
    return 1;
  }
  route.runtime = runtime;
  route.cq = NULL;
  waits_while_the_holder_runs(&route);
  gives_up_when_nothing_completes(&route);
  expect(outcomes_mismatched() == 0, "every completion as expected");
  tether_runtime_destroy(runtime);
  printf("submit_test: %s\n", g_failures == 0 ? "OK" : "FAILED");
  return g_failures == 0 ? 0 : 1;
}
