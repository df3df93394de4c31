#include "cbaseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct cbaseline {
  tether_runtime* runtime;
  tether_cq* cq;
};

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

cbaseline* cbaseline_open(const tether_library* library, uint32_t lanes,
                          int64_t spin_ns) {
  tether_runtime_config config;
  char* why = NULL;
  tether_status status;
  cbaseline* b = (cbaseline*)calloc(1, sizeof *b);
  if (b == NULL) return NULL;
  tether_runtime_config_init(&config);
  config.lanes = lanes;
  if (spin_ns >= 0) config.spin_ns = (uint64_t)spin_ns;
  status = tether_runtime_open(library, &config, &b->runtime, &why);
  if (status != TETHER_OK) {
    fprintf(stderr, "cbaseline: tether_runtime_open: %s: %s\n",
            tether_status_str(status), why != NULL ? why : "");
    tether_buf_free(why);
    free(b);
    return NULL;
  }
  status = tether_cq_open(b->runtime, &b->cq);
  if (status != TETHER_OK) {
    fprintf(stderr, "cbaseline: tether_cq_open: %s\n",
            tether_status_str(status));
    tether_runtime_destroy(b->runtime);
    free(b);
    return NULL;
  }
  return b;
}

tether_status cbaseline_round_trips(cbaseline* b, uint32_t method, size_t count,
                                    uint64_t* latencies) {
  tether_call call;
  tether_completion completion;
  size_t i;
  tether_call_init(&call);
  call.method = method;
  for (i = 0; i < count; ++i) {
    size_t taken = 0;
    uint64_t start = now_ns();
    tether_status status = tether_submit_cq(b->runtime, &call, b->cq, i, NULL);
    if (status != TETHER_OK) return status;
    do {
      status = tether_cq_take(b->cq, &completion, sizeof completion, 1, &taken);
      if (status != TETHER_OK) return status;
    } while (taken == 0);
    latencies[i] = now_ns() - start;
    tether_buf_free(completion.result);
    tether_buf_free(completion.error);
    if (completion.status != TETHER_OK) return completion.status;
  }
  return TETHER_OK;
}

void cbaseline_close(cbaseline* b) {
  if (b == NULL) return;
  tether_cq_destroy(b->cq);
  tether_runtime_destroy(b->runtime);
  free(b);
}
