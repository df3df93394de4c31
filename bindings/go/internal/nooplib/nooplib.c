/* A tether library that does (almost) nothing, for measuring tether's own
 * cost. It reaches tether only through the tether_host_api it is handed at
 * lane start, as a library loaded by path must.
 *
 *   method 0  NOOP   replies with an empty result
 *   method 1  ECHO   replies with a copy of the payload
 *   method 2  SLEEP  payload u64 delay_ns (little-endian); replies empty
 *                    after a lane timer of that delay (the lane stays free)
 *   method 3  FAULT  writes "nooplib: request ID faults" to stderr, then
 *                    stores through a null pointer: a SIGSEGV on the lane
 *   method 4  HOLD   keeps its lane busy (the lane thread waits) until
 *                    nooplib_holds_open() has been called; replies empty
 *   method 5  BLOCK  payload u64 delay_ns; runs nooplib_blocking_op on the
 *                    lane (its thread blocks), then replies empty */
#include "nooplib.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* HOLD requests return once holds_open is nonzero; holding counts those
 * waiting now. */
static atomic_int holds_open = 1;
static atomic_int holding = 0;

/* Threads that have run nooplib_blocking_op since the count was last
 * reset: each holds a "session". A thread's session belongs to the count
 * epoch it was made in. */
static atomic_int sessions = 0;
static atomic_int session_epoch = 1;
static _Thread_local int thread_epoch = 0;

typedef struct lane_state {
  const tether_host_api* host;
  tether_lane* lane;
} lane_state;

typedef struct sleeper {
  const tether_host_api* host;
  uint64_t request;
} sleeper;

static tether_status noop_lane_start(const tether_host_api* host,
                                     tether_lane* lane, uint32_t lane_index,
                                     void* library_data, void** state_out) {
  lane_state* state = (lane_state*)malloc(sizeof *state);
  (void)lane_index;
  (void)library_data;
  if (state == NULL) return TETHER_E_NO_MEMORY;
  state->host = host;
  state->lane = lane;
  *state_out = state;
  return TETHER_OK;
}

static void noop_wake(void* arg, tether_status status) {
  sleeper* s = (sleeper*)arg;
  if (status == TETHER_OK) s->host->reply(s->request, NULL, 0);
  free(s);
}

static void noop_handle(void* state_ptr, const tether_request* request) {
  lane_state* state = (lane_state*)state_ptr;
  const tether_host_api* host = state->host;
  switch (request->method) {
    case NOOPLIB_METHOD_NOOP:
      host->reply(request->id, NULL, 0);
      return;
    case NOOPLIB_METHOD_ECHO: {
      void* copy;
      if (request->payload_len == 0) {
        host->reply(request->id, NULL, 0);
        return;
      }
      copy = host->buf_alloc(request->payload_len);
      if (copy == NULL) {
        host->reply_error(request->id, 2, "out of memory");
        return;
      }
      memcpy(copy, request->payload, request->payload_len);
      host->reply(request->id, copy, request->payload_len);
      return;
    }
    case NOOPLIB_METHOD_SLEEP: {
      uint64_t delay = 0;
      sleeper* s;
      size_t i;
      if (request->payload_len != 8) {
        host->reply_error(request->id, 1, "SLEEP wants an 8-byte delay");
        return;
      }
      for (i = 0; i < 8; ++i) {
        delay |= (uint64_t)((const unsigned char*)request->payload)[i]
                 << (8 * i);
      }
      s = (sleeper*)malloc(sizeof *s);
      if (s == NULL) {
        host->reply_error(request->id, 2, "out of memory");
        return;
      }
      s->host = host;
      s->request = request->id;
      if (host->timer_start(state->lane, delay, noop_wake, s) != TETHER_OK) {
        free(s);
        host->reply_error(request->id, 3, "timer refused");
      }
      return;
    }
    case NOOPLIB_METHOD_BLOCK: {
      uint64_t delay = 0;
      size_t i;
      if (request->payload_len != 8) {
        host->reply_error(request->id, 1, "BLOCK wants an 8-byte delay");
        return;
      }
      for (i = 0; i < 8; ++i) {
        delay |= (uint64_t)((const unsigned char*)request->payload)[i]
                 << (8 * i);
      }
      nooplib_blocking_op(delay);
      host->reply(request->id, NULL, 0);
      return;
    }
    case NOOPLIB_METHOD_FAULT:
      fprintf(stderr, "nooplib: request %" PRIu64 " faults\n", request->id);
      nooplib_store_through_null();
      host->reply_error(request->id, 5, "the store through null returned");
      return;
    case NOOPLIB_METHOD_HOLD: {
      struct timespec nap = {0, 100000};
      atomic_fetch_add(&holding, 1);
      while (!atomic_load(&holds_open)) nanosleep(&nap, NULL);
      atomic_fetch_sub(&holding, 1);
      host->reply(request->id, NULL, 0);
      return;
    }
    default:
      host->reply_error(request->id, 4, "unknown method");
  }
}

static void noop_lane_stop(void* state) { free(state); }

static const tether_library noop_library = {sizeof(tether_library),
                                            TETHER_LIBRARY_ABI_VERSION,
                                            0,
                                            "nooplib",
                                            noop_lane_start,
                                            noop_handle,
                                            noop_lane_stop};

const tether_library* nooplib_library(void) { return &noop_library; }

void nooplib_holds_close(void) { atomic_store(&holds_open, 0); }

void nooplib_holds_open(void) { atomic_store(&holds_open, 1); }

int nooplib_holding(void) { return atomic_load(&holding); }

void nooplib_direct_noop(void) {}

void nooplib_direct_sleep(uint64_t delay_ns) {
  struct timespec wait;
  wait.tv_sec = (time_t)(delay_ns / 1000000000u);
  wait.tv_nsec = (long)(delay_ns % 1000000000u);
  while (nanosleep(&wait, &wait) != 0) {
  }
}

void nooplib_blocking_op(uint64_t delay_ns) {
  int epoch = atomic_load(&session_epoch);
  if (thread_epoch != epoch) {
    thread_epoch = epoch;
    atomic_fetch_add(&sessions, 1);
  }
  nooplib_direct_sleep(delay_ns);
}

void nooplib_sessions_reset(void) {
  atomic_store(&sessions, 0);
  atomic_fetch_add(&session_epoch, 1);
}

int nooplib_sessions(void) { return atomic_load(&sessions); }

/* The store goes through a volatile pointer to volatile data: a compiler
 * may delete a plain store through a constant null. */
__attribute__((noinline)) void nooplib_store_through_null(void) {
  volatile int* volatile target = NULL;
  *target = 42;
}
