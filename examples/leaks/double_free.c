/* Before the fix: a host frees a result twice (the refcount released twice
 * across a GIL release). tether reports it at the second free, with the
 * pointer, and the program goes on: the heap is untouched.
 *
 * The one-line fix: clear the pointer when ownership is given up. */
#include <stdio.h>
#include <string.h>

#include "kvstore.h"
#include "tether/tether.h"

/* The host's own logger: tether's lines arrive here, in order with ours. */
static void host_log(uint64_t user_data, int32_t level, const char* message) {
  (void)user_data;
  (void)level;
  printf("host log: %s\n", message);
}

static volatile int done = 0;
static void* result = NULL;

static void on_complete(tether_completion* completion) {
  result = completion->result; /* the host now owns it */
  tether_buf_free(completion->error);
  done = 1;
}

int main(void) {
  tether_runtime* runtime = NULL;
  tether_call call;
  tether_status first, second;

  tether_log_set_sink(host_log, 0, TETHER_LOG_WARN);
  if (tether_runtime_open_path(KVSTORE_LIBRARY_PATH, KVSTORE_ENTRY_SYMBOL, NULL,
                               &runtime, NULL) != TETHER_OK) {
    return 1;
  }
  tether_call_init(&call);
  call.method = KVSTORE_METHOD_STATS;
  if (tether_submit(runtime, &call, on_complete, 0, NULL) != TETHER_OK)
    return 1;
  while (!done) {
  }
  first = tether_buf_free(result);  /* the owner's free */
  second = tether_buf_free(result); /* the bug: someone frees it again */
  printf("first free: %s, second free: %s\n", tether_status_str(first),
         tether_status_str(second));
  if (first != TETHER_OK || second != TETHER_E_DOUBLE_FREE) return 1;
  printf("tether reported the double free and the program goes on\n");
  return tether_runtime_destroy(runtime) == TETHER_OK ? 0 : 1;
}
