#include "workload.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kv_wire.h"
#include "kvstore.h"
#include "outcomes.h"
#include "submit.h"
#include "tags.h"

/* Per thread and round. */
#define USER_KEYS 128
#define USER_GETS 640
#define TEMP_KEYS 32
#define TEMP_EVERY (USER_GETS / TEMP_KEYS)
#define ABSENT_GETS 4
#define SLOW_CALLS 4

#define MS ((uint64_t)1000000)
/* A SLOW call that should end by its deadline, or by a cancel, runs as
 * long as SLOW allows, so that the outcome holds however long an
 * overloaded machine delays tether's deadline timer or the cancelling
 * thread (short of 10 s). Its reply then comes late (and is refused), or
 * never if shutdown comes first (the lane stops its timer). */
#define DOOMED_SLOW_DELAY KVSTORE_SLOW_MAX_NS
#define DOOMED_SLOW_DEADLINE (2 * MS)

typedef struct worker {
  const workload_config* config;
  uint32_t thread;
  uint32_t round;
  uint64_t sequence;
  uint64_t accepted;
  uint64_t submit_failures;
  uint64_t cancel_failures;
} worker;

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* Alternates the completion path call by call. */
static tether_status submit(worker* w, const tether_call* call, uint64_t tag,
                            uint64_t* ticket_out) {
  submit_route route;
  tether_status status;
  route.runtime = w->config->runtime;
  route.cq = (w->sequence++ & 1) ? w->config->cq : NULL;
  status = submit_call(&route, call, tag, ticket_out);
  if (status == TETHER_OK) {
    ++w->accepted;
  } else {
    if (w->submit_failures++ == 0) {
      fprintf(stderr, "kvstore_demo: submit (thread %lu, round %lu): %s\n",
              (unsigned long)w->thread, (unsigned long)w->round,
              tether_status_str(status));
    }
  }
  return status;
}

static void keyed_call(tether_call* call, uint32_t method, const char* key,
                       const void* payload, size_t payload_len) {
  tether_call_init(call);
  call->method = method;
  call->key = kv_affinity_key(key, strlen(key));
  call->payload = payload;
  call->payload_len = payload_len;
}

/* The payload goes in a tether buffer whose ownership moves with the call. */
static void put_moved(worker* w, const char* key, const char* value,
                      uint64_t tag) {
  size_t size = kv_put_payload_size(strlen(key), strlen(value));
  uint8_t* payload = (uint8_t*)tether_buf_alloc(size);
  tether_call call;
  if (payload == NULL) {
    ++w->submit_failures;
    return;
  }
  kv_write_put_payload(payload, key, strlen(key), value, strlen(value));
  keyed_call(&call, KVSTORE_METHOD_PUT, key, payload, size);
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  if (submit(w, &call, tag, NULL) != TETHER_OK) tether_buf_free(payload);
}

/* GET and DELETE: the payload is copied by tether before submit returns. */
static void keyed_only(worker* w, uint32_t method, const char* key,
                       uint64_t tag) {
  uint8_t payload[80];
  size_t size = kv_key_payload_size(strlen(key));
  tether_call call;
  kv_write_key_payload(payload, key, strlen(key));
  keyed_call(&call, method, key, payload, size);
  submit(w, &call, tag, NULL);
}

static void slow(worker* w, uint64_t delay_ns, uint64_t deadline_ns,
                 uint64_t tag, uint64_t* ticket_out) {
  uint8_t payload[8];
  tether_call call;
  kv_write_u64(payload, delay_ns);
  tether_call_init(&call);
  call.method = KVSTORE_METHOD_SLOW;
  call.timeout_ns = deadline_ns;
  call.payload = payload;
  call.payload_len = sizeof payload;
  submit(w, &call, tag, ticket_out);
}

static void temp_key(char* out, size_t cap, uint32_t round, uint32_t thread,
                     uint32_t index) {
  snprintf(out, cap, "temp:%lu:%lu:%lu", (unsigned long)round,
           (unsigned long)thread, (unsigned long)index);
}

static void user_and_temp_calls(worker* w) {
  char key[64];
  char value[64];
  uint32_t i;
  uint32_t j;
  for (i = 0; i < USER_GETS; ++i) {
    if (i < USER_KEYS) {
      demo_user_key(key, sizeof key, w->thread, i);
      demo_user_value(value, sizeof value, w->thread, i);
      put_moved(w, key, value, demo_tag(DEMO_OP_PUT, w->thread, i));
    }
    if (w->round > 0) {
      /* 7 is coprime with USER_KEYS, so the GETs visit every key. */
      j = (i * 7) % USER_KEYS;
      demo_user_key(key, sizeof key, w->thread, j);
      keyed_only(w, KVSTORE_METHOD_GET, key,
                 demo_tag(DEMO_OP_GET_HIT, w->thread, j));
    }
    if (i % TEMP_EVERY == 0) {
      j = i / TEMP_EVERY;
      temp_key(key, sizeof key, w->round, w->thread, j);
      put_moved(w, key, "temporary", demo_tag(DEMO_OP_PUT, w->thread, i));
      if (w->round > 0) {
        temp_key(key, sizeof key, w->round - 1, w->thread, j);
        keyed_only(w, KVSTORE_METHOD_DELETE, key,
                   demo_tag(DEMO_OP_DELETE_HIT, w->thread, j));
      }
    }
  }
}

static void absent_and_slow_calls(worker* w) {
  char key[64];
  uint32_t i;
  uint64_t ticket = 0;
  tether_status status;
  for (i = 0; i < ABSENT_GETS; ++i) {
    snprintf(key, sizeof key, "absent:%lu:%lu:%lu", (unsigned long)w->round,
             (unsigned long)w->thread, (unsigned long)i);
    keyed_only(w, KVSTORE_METHOD_GET, key,
               demo_tag(DEMO_OP_GET_MISS, w->thread, i));
  }
  for (i = 0; i < SLOW_CALLS; ++i) {
    slow(w, (1 + i) * MS, 0, demo_tag(DEMO_OP_SLOW, w->thread, i), NULL);
  }
  slow(w, DOOMED_SLOW_DELAY, DOOMED_SLOW_DEADLINE,
       demo_tag(DEMO_OP_SLOW_DEADLINE, w->thread, 0), NULL);
  slow(w, DOOMED_SLOW_DELAY, 0, demo_tag(DEMO_OP_SLOW_CANCELLED, w->thread, 0),
       &ticket);
  if (ticket != 0) {
    status = tether_cancel(w->config->runtime, ticket);
    if (status != TETHER_OK && w->cancel_failures++ == 0) {
      fprintf(stderr, "kvstore_demo: tether_cancel: %s\n",
              tether_status_str(status));
    }
  }
}

static void* worker_main(void* arg) {
  worker* w = (worker*)arg;
  user_and_temp_calls(w);
  absent_and_slow_calls(w);
  return NULL;
}

/* Starts the round's threads, joins them, then waits for their calls. */
static int run_round(const workload_config* config, uint32_t round,
                     worker* workers, pthread_t* threads,
                     workload_result* result) {
  uint32_t t;
  uint32_t started = 0;
  int ok = 1;
  for (t = 0; t < config->threads_per_round; ++t) {
    memset(&workers[t], 0, sizeof workers[t]);
    workers[t].config = config;
    workers[t].thread = t;
    workers[t].round = round;
    workers[t].sequence = t;
    if (pthread_create(&threads[t], NULL, worker_main, &workers[t]) != 0) {
      fprintf(stderr, "kvstore_demo: could not start a submitter thread\n");
      ok = 0;
      break;
    }
    ++started;
  }
  for (t = 0; t < started; ++t) {
    pthread_join(threads[t], NULL);
    result->calls_accepted += workers[t].accepted;
    result->submit_failures += workers[t].submit_failures;
    result->cancel_failures += workers[t].cancel_failures;
  }
  result->threads_started += started;
  if (!outcomes_wait_all(OUTCOMES_STALL_NS)) {
    fprintf(stderr,
            "kvstore_demo: round %lu: %llu calls pending and none completed "
            "for %llu s\n",
            (unsigned long)round,
            (unsigned long long)(outcomes_accepted() - outcomes_completed()),
            (unsigned long long)(OUTCOMES_STALL_NS / 1000000000u));
    result->drained = 0;
    ok = 0;
  }
  return ok;
}

int workload_run(const workload_config* config, workload_result* result) {
  worker workers[WORKLOAD_MAX_THREADS];
  pthread_t threads[WORKLOAD_MAX_THREADS];
  uint64_t start = now_ns();
  uint32_t round;
  memset(result, 0, sizeof *result);
  result->drained = 1;
  if (config->threads_per_round > WORKLOAD_MAX_THREADS) return 0;
  for (round = 0; round < config->rounds; ++round) {
    if (!run_round(config, round, workers, threads, result)) break;
  }
  result->elapsed_ns = now_ns() - start;
  return round == config->rounds && result->drained &&
         result->submit_failures == 0 && result->cancel_failures == 0;
}

uint64_t workload_expected_entries(const workload_config* config) {
  /* Every thread slot's user keys, and the last round's temporary keys
   * (each earlier round's were deleted by the round after it). */
  uint64_t per_thread = USER_KEYS + (config->rounds > 0 ? TEMP_KEYS : 0);
  return (uint64_t)config->threads_per_round * per_thread;
}
