/* nooplib — a tether library that does (almost) nothing, for the binding's
 * tests and benchmarks, plus plain C functions to compare against. It
 * reaches tether only through the tether_host_api it is handed at lane
 * start, as a library loaded by path must.
 *
 *   method 0  NOOP   replies with an empty result
 *   method 1  ECHO   replies with a copy of the payload
 *   method 2  SLEEP  payload u64 delay_ns (little-endian); replies empty
 *                    after a lane timer of that delay (the lane stays free)
 *   method 3  FAIL   replies with library error 42, "asked to fail"
 *   method 4  HOLD   keeps its lane busy until nooplib_holds_open();
 *                    replies empty
 *   method 5  FAULT  stores through a null pointer: a SIGSEGV on the lane
 *   method 6  LANE   replies with the lane index as a u32 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tether/library.h>
#include <tether/status.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

static atomic_int holds_open = 1;
static atomic_int holding = 0;

typedef struct {
  const tether_host_api* host;
  tether_lane* lane;
  uint32_t index;
} lane_state;

typedef struct {
  const tether_host_api* host;
  uint64_t request;
} sleeper;

static tether_status start(const tether_host_api* host, tether_lane* lane,
                           uint32_t lane_index, void* library_data,
                           void** state_out) {
  lane_state* state = (lane_state*)malloc(sizeof *state);
  (void)library_data;
  if (state == NULL) return TETHER_E_NO_MEMORY;
  state->host = host;
  state->lane = lane;
  state->index = lane_index;
  *state_out = state;
  return TETHER_OK;
}

static void wake(void* arg, tether_status status) {
  sleeper* s = (sleeper*)arg;
  if (status == TETHER_OK) s->host->reply(s->request, NULL, 0);
  free(s);
}

static void reply_copy(const tether_host_api* host, uint64_t id,
                       const void* bytes, size_t len) {
  void* copy;
  if (len == 0) {
    host->reply(id, NULL, 0);
    return;
  }
  copy = host->buf_alloc(len);
  if (copy == NULL) {
    host->reply_error(id, 2, "out of memory");
    return;
  }
  memcpy(copy, bytes, len);
  host->reply(id, copy, len);
}

__attribute__((noinline)) EXPORT void nooplib_store_through_null(void) {
  volatile int* volatile target = NULL;
  *target = 42;
}

static void handle(void* state_ptr, const tether_request* request) {
  lane_state* state = (lane_state*)state_ptr;
  const tether_host_api* host = state->host;
  switch (request->method) {
    case 0:
      host->reply(request->id, NULL, 0);
      return;
    case 1:
      reply_copy(host, request->id, request->payload, request->payload_len);
      return;
    case 2: {
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
      if (host->timer_start(state->lane, delay, wake, s) != TETHER_OK) {
        free(s);
        host->reply_error(request->id, 3, "timer refused");
      }
      return;
    }
    case 3:
      host->reply_error(request->id, 42, "asked to fail");
      return;
    case 4: {
      struct timespec nap = {0, 100000};
      atomic_fetch_add(&holding, 1);
      while (!atomic_load(&holds_open)) nanosleep(&nap, NULL);
      atomic_fetch_sub(&holding, 1);
      host->reply(request->id, NULL, 0);
      return;
    }
    case 5:
      nooplib_store_through_null();
      host->reply_error(request->id, 5, "the store through null returned");
      return;
    case 6: {
      unsigned char index[4];
      uint32_t lane = state->index;
      index[0] = (unsigned char)lane;
      index[1] = (unsigned char)(lane >> 8);
      index[2] = (unsigned char)(lane >> 16);
      index[3] = (unsigned char)(lane >> 24);
      reply_copy(host, request->id, index, 4);
      return;
    }
    default:
      host->reply_error(request->id, 4, "unknown method");
  }
}

static void stop(void* state) { free(state); }

static const tether_library library = {sizeof(tether_library),
                                       TETHER_LIBRARY_ABI_VERSION,
                                       0,
                                       "nooplib",
                                       start,
                                       handle,
                                       stop};

EXPORT const tether_library* nooplib_library(void) { return &library; }

EXPORT void nooplib_holds_close(void) { atomic_store(&holds_open, 0); }

EXPORT void nooplib_holds_open(void) { atomic_store(&holds_open, 1); }

EXPORT int nooplib_holding(void) { return atomic_load(&holding); }

/* A C function that does nothing: the cost of a bare foreign call. */
EXPORT void nooplib_direct_noop(void) {}
