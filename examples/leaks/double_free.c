/* Before the fix: a host frees a result twice (the refcount released twice
 * across a GIL release). tether reports it at the second free, with the
 * pointer, and the program goes on: the heap is untouched.
 *
 * The one-line fix: clear the pointer when ownership is given up. */
#include <pthread.h>
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

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t completed = PTHREAD_COND_INITIALIZER;
static int done = 0;
static void* result = NULL;

static void on_complete(tether_completion* completion) {
  tether_buf_free(completion->error);
  pthread_mutex_lock(&mutex);
  result = completion->result; /* the host now owns it */
  done = 1;
  pthread_cond_signal(&completed);
  pthread_mutex_unlock(&mutex);
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
  pthread_mutex_lock(&mutex);
  while (!done) pthread_cond_wait(&completed, &mutex);
  pthread_mutex_unlock(&mutex);
  first = tether_buf_free(result);  /* the owner's free */
  second = tether_buf_free(result); /* the bug: someone frees it again */
  printf("first free: %s, second free: %s\n", tether_status_str(first),
         tether_status_str(second));
  if (first != TETHER_OK || second != TETHER_E_DOUBLE_FREE) return 1;
  printf("tether reported the double free and the program goes on\n");
  return tether_runtime_destroy(runtime) == TETHER_OK ? 0 : 1;
}
