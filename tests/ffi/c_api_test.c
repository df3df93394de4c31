/* A host and a library written in C99 against the public headers only: the
 * way cgo, ctypes and LuaJIT see tether. Exits non-zero on the first
 * failed check. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether/library.h"
#include "tether/tether.h"

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

/* --- the library: replies with its payload, reversed ------------------ */

static const tether_host_api* g_host;

static tether_status reverse_lane_start(const tether_host_api* host,
                                        tether_lane* lane, uint32_t index,
                                        void* library_data, void** state) {
  (void)lane;
  (void)index;
  (void)library_data;
  g_host = host;
  *state = NULL;
  return TETHER_OK;
}

static void reverse_handle(void* state, const tether_request* request) {
  unsigned char* out = NULL;
  size_t i;
  (void)state;
  if (request->payload_len == 0) {
    g_host->reply_error(request->id, 7, "empty payload");
    return;
  }
  out = (unsigned char*)g_host->buf_alloc(request->payload_len);
  for (i = 0; i < request->payload_len; ++i) {
    out[i] =
        ((const unsigned char*)request->payload)[request->payload_len - 1 - i];
  }
  g_host->reply(request->id, out, request->payload_len);
}

static const tether_library* reverse_library(void) {
  static tether_library table;
  memset(&table, 0, sizeof table);
  table.struct_size = sizeof table;
  table.abi_version = TETHER_LIBRARY_ABI_VERSION;
  table.name = "reverse";
  table.lane_start = reverse_lane_start;
  table.handle = reverse_handle;
  return &table;
}

/* --- the host ------------------------------------------------------------ */

static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static int g_done = 0;
static tether_status g_status = -1;
static char g_result[16];

static void on_complete(tether_completion* completion) {
  pthread_mutex_lock(&g_mutex);
  g_status = completion->status;
  if (completion->result != NULL && completion->result_len < sizeof g_result) {
    memcpy(g_result, completion->result, completion->result_len);
    g_result[completion->result_len] = '\0';
  }
  tether_buf_free(completion->result);
  tether_buf_free(completion->error);
  g_done = 1;
  pthread_cond_signal(&g_cond);
  pthread_mutex_unlock(&g_mutex);
}

static tether_status call_and_wait(tether_runtime* runtime, const char* text) {
  tether_call call;
  tether_call_init(&call);
  call.payload = text;
  call.payload_len = strlen(text);
  pthread_mutex_lock(&g_mutex);
  g_done = 0;
  pthread_mutex_unlock(&g_mutex);
  CHECK(tether_submit(runtime, &call, on_complete, 1, NULL) == TETHER_OK);
  pthread_mutex_lock(&g_mutex);
  while (!g_done) pthread_cond_wait(&g_cond, &g_mutex);
  pthread_mutex_unlock(&g_mutex);
  return g_status;
}

int main(void) {
  tether_runtime_config config;
  tether_runtime* runtime = NULL;
  char* error = NULL;
  tether_cq* cq = NULL;
  tether_call call;
  tether_completion completions[4];
  size_t count = 0;
  uint64_t live = 0;
  tether_stats stats;

  CHECK(tether_version_number() / 1000000 == TETHER_VERSION_NUMBER / 1000000);
  CHECK(strcmp(tether_status_str(TETHER_E_BUSY), "TETHER_E_BUSY") == 0);

  tether_runtime_config_init(&config);
  config.lanes = 2;
  CHECK(tether_runtime_open(reverse_library(), &config, &runtime, &error) ==
        TETHER_OK);
  CHECK(error == NULL);
  CHECK(tether_runtime_lanes(runtime) == 2);

  CHECK(call_and_wait(runtime, "abc") == TETHER_OK);
  CHECK(strcmp(g_result, "cba") == 0);
  CHECK(call_and_wait(runtime, "") == TETHER_E_LIBRARY);

  CHECK(tether_cq_open(runtime, &cq) == TETHER_OK);
  CHECK(tether_cq_fd(cq) >= 0);
  tether_call_init(&call);
  call.payload = "xy";
  call.payload_len = 2;
  CHECK(tether_submit_cq(runtime, &call, cq, 42, NULL) == TETHER_OK);
  while (count == 0) {
    CHECK(tether_cq_poll(cq, completions, sizeof completions[0], 4, 1000000000u,
                         &count) == TETHER_OK);
  }
  CHECK(count == 1);
  CHECK(completions[0].user_data == 42);
  CHECK(completions[0].status == TETHER_OK);
  CHECK(memcmp(completions[0].result, "yx", 2) == 0);
  CHECK(tether_buf_free(completions[0].result) == TETHER_OK);

  CHECK(tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN, 1000000000u) ==
        TETHER_OK);
  CHECK(tether_submit(runtime, &call, on_complete, 0, NULL) == TETHER_E_CLOSED);
  tether_stats_init(&stats);
  CHECK(tether_runtime_stats(runtime, &stats) == TETHER_OK);
  CHECK(stats.in_flight == 0);
  CHECK(stats.completed_ok == 2 && stats.completed_library == 1);
  CHECK(stats.latency_p50_ns > 0);
  CHECK(stats.latency_p999_ns >= stats.latency_p50_ns);
  CHECK(stats.cq_backlog == 0);
  CHECK(stats.queue_depth == 0);
  {
    uint64_t handled = 0;
    uint32_t lane;
    tether_lane_stats lane_stats;
    tether_lane_stats_init(&lane_stats);
    for (lane = 0; lane < 2; ++lane) {
      CHECK(tether_runtime_lane_stats(runtime, lane, &lane_stats) == TETHER_OK);
      CHECK(lane_stats.lane == lane);
      handled += lane_stats.handled;
    }
    CHECK(handled == 3);
    CHECK(tether_runtime_lane_stats(runtime, 2, &lane_stats) ==
          TETHER_E_INVALID_ARG);
  }
  tether_cq_destroy(cq);
  CHECK(tether_runtime_destroy(runtime) == TETHER_OK);
  CHECK(tether_runtime_destroy(NULL) == TETHER_OK);

  tether_buf_live(&live, NULL);
  CHECK(live == 0);
  printf("c_api_test: ok\n");
  return 0;
}
