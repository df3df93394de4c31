/* A deterministic library for tether-replay's end-to-end tests, loaded by
 * path (replay_test_library) and linked with no tether code.
 *
 *   1 ECHO    replies with the payload.
 *   2 FAIL    replies TETHER_E_LIBRARY with the code the payload's first
 *             four bytes hold (little-endian), -1 without them.
 *   3 STEP    the payload is 8 bytes, the step expected next: a process-
 *             wide counter across all lanes. Equal: the counter moves on
 *             and the reply is OK; else TETHER_E_LIBRARY with the counter
 *             as the code. Only the recorded order of starts replays a run
 *             of steps spread over lanes without an error.
 *   4 SILENT  never replies (the call stays pending until cancelled).
 *   5 CRASH   writes through a null pointer (SIGSEGV on the lane).
 * Anything else: TETHER_E_LIBRARY, code 404. */
#include <stdint.h>
#include <string.h>

#include "tether/library.h"

enum {
  kEcho = 1,
  kFail = 2,
  kStep = 3,
  kSilent = 4,
  kCrash = 5,
};

static uint64_t g_next_step;

/* Not instrumented: UBSan would stop the process before the fault. */
__attribute__((noinline, no_sanitize("address", "undefined"))) static void
write_through_null(void) {
  volatile int* volatile target = NULL;
  *target = 1;
}

static tether_status lane_start(const tether_host_api* host, tether_lane* lane,
                                uint32_t lane_index, void* library_data,
                                void** lane_state) {
  (void)lane;
  (void)lane_index;
  (void)library_data;
  *lane_state = (void*)host;
  return TETHER_OK;
}

static void echo(const tether_host_api* host, const tether_request* request) {
  void* result = NULL;
  if (request->payload_len > 0) {
    result = host->buf_alloc(request->payload_len);
    if (result == NULL) {
      host->reply_error(request->id, -2, "out of memory");
      return;
    }
    memcpy(result, request->payload, request->payload_len);
  }
  host->reply(request->id, result, request->payload_len);
}

static void step(const tether_host_api* host, const tether_request* request) {
  uint64_t expected = 0;
  if (request->payload_len != sizeof expected) {
    host->reply_error(request->id, -1, "a step takes 8 bytes");
    return;
  }
  memcpy(&expected, request->payload, sizeof expected);
  /* Lanes are threads: the counter is shared between them. */
  uint64_t current = __atomic_load_n(&g_next_step, __ATOMIC_ACQUIRE);
  if (current != expected) {
    host->reply_error(request->id, (int32_t)current, "out of step");
    return;
  }
  __atomic_store_n(&g_next_step, current + 1, __ATOMIC_RELEASE);
  host->reply(request->id, NULL, 0);
}

static void handle(void* lane_state, const tether_request* request) {
  const tether_host_api* host = (const tether_host_api*)lane_state;
  switch (request->method) {
    case kEcho:
      echo(host, request);
      return;
    case kFail: {
      int32_t code = -1;
      if (request->payload_len >= sizeof code) {
        memcpy(&code, request->payload, sizeof code);
      }
      host->reply_error(request->id, code, "failed as asked");
      return;
    }
    case kStep:
      step(host, request);
      return;
    case kSilent:
      return;
    case kCrash:
      write_through_null();
      return;
    default:
      host->reply_error(request->id, 404, "unknown method");
  }
}

static const tether_library kLibrary = {
    sizeof(tether_library),
    TETHER_LIBRARY_ABI_VERSION,
    0,
    "replay-test",
    lane_start,
    handle,
    NULL,
};

__attribute__((visibility("default"))) const tether_library*
replay_test_library(void) {
  return &kLibrary;
}
