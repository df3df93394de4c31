/* tether/library.h — the library side: what a library gives tether, and
 * what tether gives the library.
 *
 * A library is a table of three functions (tether_library). tether calls
 * lane_start once on each lane, handle on the lane for each request, and
 * lane_stop once on each lane at shutdown; so the library's thread-local
 * state is created once per lane, whatever thread the host submits from.
 *
 * At lane start the library receives a table of host functions
 * (tether_host_api, like N-API's env or JNI's JNIEnv). A library reaches
 * tether only through it, so a library loaded by path never links its own
 * copy of tether (a second copy would mean a second allocator, and every
 * free would look foreign).
 *
 * The reply rule: each request gets exactly one reply (reply or
 * reply_error), before handle returns or later from the same lane (a posted
 * function or a timer). A reply after the call has already ended
 * (cancelled, past its deadline, shut down, replied before) returns
 * TETHER_E_ALREADY_COMPLETED and tether frees the result it was handed.
 *
 * Failures inside tether: no host function lets a C++ exception out. When
 * tether itself fails inside one (out of memory, an internal error), the
 * function logs a line naming it and returns TETHER_E_NO_MEMORY (memory
 * ran out) or TETHER_E_INTERNAL; buf_alloc returns NULL, is_cancelled
 * returns 1 and log drops the line. Such a failure changes nothing: a reply
 * or reply_error that failed so decided nothing (reply still frees its
 * result; the request still needs its one reply), and a handle function
 * took or dropped no reference. */
#ifndef TETHER_LIBRARY_H
#define TETHER_LIBRARY_H

#include "tether/handle.h"
#include "tether/status.h"
#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version of tether_library and tether_host_api described here. */
#define TETHER_LIBRARY_ABI_VERSION ((uint32_t)1)

/* One request, as the library's handle function sees it. Borrowed: the
 * struct for the duration of handle; the payload until the library replies
 * (it stays valid for an asynchronous reply). */
struct tether_request {
  size_t struct_size;
  /* Identifies the request in reply, reply_error and is_cancelled. Equal to
   * the host's ticket. */
  uint64_t id;
  uint32_t method;
  /* The lane running the request (0-based). */
  uint32_t lane_index;
  uint64_t key;
  const void* payload;
  size_t payload_len;
  /* END OF VERSION 1 */
};

struct tether_host_api {
  size_t struct_size;
  uint32_t abi_version;
  uint32_t reserved0;

  /* Completes the request with TETHER_OK and `result` (a tether buffer from
   * buf_alloc, or NULL when result_len is 0).
   * Ownership: takes `result` when it is a live tether buffer, whatever the
   *   status (a failed reply frees it). A pointer tether did not allocate
   *   is never read or freed, whatever the status: it stays the library's.
   * Errors: TETHER_E_ALREADY_COMPLETED (the call had ended; result freed);
   *   TETHER_E_STALE_TICKET (no request of this runtime ever had this id,
   *   such as an id another runtime issued; result freed);
   *   TETHER_E_WRONG_THREAD (not on the lane running the request; result
   *   freed); TETHER_E_INVALID_ARG (result not a live tether buffer, or NULL
   *   with a length: the call completes with TETHER_E_LIBRARY instead).
   * Thread safety: lane only. Blocks: no. The host's callback does not run
   *   inside reply: it runs after the handler returns. */
  tether_status (*reply)(uint64_t request, TETHER_OWN void* result,
                         size_t result_len);

  /* Completes the request with TETHER_E_LIBRARY, `code` and a copy of the
   * NUL-terminated `message` (NULL allowed).
   * Errors and thread safety: as reply. */
  tether_status (*reply_error)(uint64_t request, int32_t code,
                               const char* message);

  /* tether_buf_alloc / tether_buf_free, reached without linking tether,
   * with their ownership and errors (tether/buffer.h): buf_alloc returns
   * NULL (logged) over TETHER_BUF_MAX_SIZE or out of memory; buf_free
   * returns TETHER_E_FOREIGN_BUFFER, TETHER_E_DOUBLE_FREE or
   * TETHER_E_BUFFER_CORRUPT as tether_buf_free does.
   * Thread safety: any thread. Blocks: no. */
  void* (*buf_alloc)(size_t size);
  tether_status (*buf_free)(void* data);

  /* 1 once the request has ended (cancelled, deadline, shutdown, or an id
   * that names no live request), else 0: the library may stop work early; it
   * must still reply. Called off the request's lane it returns 1 and logs.
   * Thread safety: lane only. Blocks: no. */
  int32_t (*is_cancelled)(uint64_t request);

  /* Runs fn(arg, TETHER_OK) on `lane`'s event loop soon. A lane keeps
   * running posted work while a shutdown drains, so work posted then
   * usually runs with TETHER_OK; work still queued when the lane stops
   * (after its last request, before lane_stop) runs once with
   * TETHER_E_CLOSED on the lane, so arg can be freed. Exactly one of the
   * two happens for every post that returned TETHER_OK.
   * Errors: TETHER_E_INVALID_ARG (NULL lane or fn); TETHER_E_CLOSED (the
   *   lane has stopped: fn will not run).
   * Thread safety: any thread (a library's own threads may post back to
   *   their lane). Blocks: no. */
  tether_status (*post)(tether_lane* lane, tether_lane_fn fn, void* arg);

  /* Runs fn(arg, TETHER_OK) on `lane` after delay_ns; like post, fn runs
   * with TETHER_E_CLOSED if the lane stops first. Any delay_ns up to
   * UINT64_MAX is accepted; one the clock cannot reach (above INT64_MAX ns,
   * about 292 years, or ending past the clock's range) means never: fn runs
   * only as the lane stops, with TETHER_E_CLOSED.
   * Errors: TETHER_E_INVALID_ARG; TETHER_E_WRONG_THREAD (not on `lane`).
   * Thread safety: lane only. Blocks: no. */
  tether_status (*timer_start)(tether_lane* lane, uint64_t delay_ns,
                               tether_lane_fn fn, void* arg);

  /* Writes a line to the host's log sink (see tether/log.h) at `level`
   * (clamped to TETHER_LOG_DEBUG..TETHER_LOG_ERROR): "library 'NAME' on
   * lane N: message" on a lane, NAME being tether_library.name ("unnamed"
   * if NULL); "library, off tether's lanes: message" on any other thread,
   * where tether cannot tell which library is calling. A NULL message is
   * written as "(null)".
   * Thread safety: any thread. Blocks: no. */
  void (*log)(int32_t level, const char* message);

  /* Registers a gauge on `lane`: a value the library owns that must not grow
   * without bound (a VM's stack top, a cache's entry count). tether's growth
   * watch logs it by the rule of tether_runtime_config.growth_threshold: a
   * value set at or above a power-of-two boundary (T, 2T, 4T, ..., T being
   * growth_threshold rounded up to a power of two) that has not logged
   * writes one WARN line, naming the gauge, the library and the lane; a
   * value past several boundaries at once writes one line, for the highest;
   * boundary B logs again only after a value at or below B/4 was set. `name`
   * is copied. *gauge_out is the id to pass to gauge_set on the same lane.
   * Errors: TETHER_E_INVALID_ARG (NULL argument); TETHER_E_WRONG_THREAD.
   * Thread safety: lane only. Blocks: no. */
  tether_status (*gauge_register)(tether_lane* lane, const char* name,
                                  uint32_t* gauge_out);

  /* Reports a gauge's current value. Cheap: a compare unless a boundary is
   * crossed. Errors: TETHER_E_INVALID_ARG (unknown gauge or NULL lane);
   * TETHER_E_WRONG_THREAD. Thread safety: lane only. Blocks: no. */
  tether_status (*gauge_set)(tether_lane* lane, uint32_t gauge, uint64_t value);

  /* Generational handles (tether/handle.h): hand `object` to hosts as
   * *handle_out, holding one reference. `type` names the kind of object in
   * leak reports (copied: its first 127 bytes; past 1024 distinct names, new
   * ones are reported as "(too many handle types)", logged once; NULL:
   * "object"). `destroy` (may be NULL) runs when the last reference goes, on
   * the releasing thread, perhaps after this library's runtime was
   * destroyed: the handle keeps the library's module loaded until then.
   * Called on a lane, the module kept is the one the runtime loaded; on
   * another thread, the one holding `destroy`'s code.
   * Errors: TETHER_E_INVALID_ARG (NULL handle_out); TETHER_E_NO_MEMORY
   *   (table full or memory exhausted; no handle is made, logged).
   * Thread safety: any thread. Blocks: no; off a lane it takes the dynamic
   *   loader's lock (dladdr, dlopen) to find destroy's module. */
  tether_status (*handle_new)(void* object, tether_handle_destroy_fn destroy,
                              const char* type, uint64_t* handle_out);

  /* Looks a handle up and takes a reference: the object cannot be destroyed
   * until the matching handle_release. A handle whose last reference is
   * being released concurrently gives TETHER_E_STALE_TICKET, never a freed
   * object.
   * Errors: TETHER_E_INVALID_ARG (NULL object_out); TETHER_E_STALE_TICKET.
   * Thread safety: any thread. Blocks: no. */
  tether_status (*handle_get)(uint64_t handle, void** object_out);

  /* tether_handle_retain and tether_handle_release, reached without linking
   * tether, with their errors (tether/handle.h).
   * Thread safety: any thread. Blocks: retain no; release only as long as
   *   the destroy function of a handle whose last reference it drops. */
  tether_status (*handle_retain)(uint64_t handle);
  tether_status (*handle_release)(uint64_t handle);
  /* END OF VERSION 1 */
};

struct tether_library {
  size_t struct_size;
  /* TETHER_LIBRARY_ABI_VERSION the library was built against. */
  uint32_t abi_version;
  uint32_t reserved0;
  /* A short name used in log lines. May be NULL. */
  const char* name;

  /* Runs once on each lane, on that lane, before any request. Stores the
   * lane's state (anything; NULL is fine) in *lane_state. `host` and `lane`
   * stay valid until lane_stop returns. A status other than TETHER_OK fails
   * tether_runtime_open() with TETHER_E_LOAD. */
  tether_status (*lane_start)(const tether_host_api* host, tether_lane* lane,
                              uint32_t lane_index, void* library_data,
                              void** lane_state);

  /* Runs on the lane for each request; must arrange exactly one reply (see
   * the reply rule above). Must not throw: an exception escaping it is
   * caught, logged, and completes the request with TETHER_E_LIBRARY. */
  void (*handle)(void* lane_state, const tether_request* request);

  /* Runs once on each lane at shutdown, after the last request was handed
   * to it. Requests it never replied to have already completed with
   * TETHER_E_CLOSED. May be NULL. */
  void (*lane_stop)(void* lane_state);
  /* END OF VERSION 1 */
};

#ifdef __cplusplus
}
#endif

#endif /* TETHER_LIBRARY_H */
