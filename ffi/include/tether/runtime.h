/* tether/runtime.h — a runtime: a library served on lanes tether owns.
 *
 * Lifecycle in two steps, as gRPC's completion queue and sqlite's close_v2:
 * tether_runtime_shutdown() stops intake and ends every call (idempotent,
 * the handle stays valid, later calls return TETHER_E_CLOSED); then
 * tether_runtime_destroy() frees the handle. destroy alone also shuts down. */
#ifndef TETHER_RUNTIME_H
#define TETHER_RUNTIME_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a library's reply runs the host's callback or enters the completion
 * queue. Cancel, deadline and shutdown completions always run on the
 * delivery thread. */
#define TETHER_DELIVER_ON_LANE ((int32_t)0) /* lowest latency */
#define TETHER_DELIVER_ON_THREAD             \
  ((int32_t)1) /* slow callbacks never stall \
                  the library */

/* Leak check at destroy (tether_runtime_config.leak_check). */
#define TETHER_LEAK_CHECK_OFF ((int32_t)0)
#define TETHER_LEAK_CHECK_LOG ((int32_t)1)
#define TETHER_LEAK_CHECK_FAIL ((int32_t)2)

/* Shutdown modes. */
#define TETHER_SHUTDOWN_DRAIN                    \
  ((int32_t)0) /* wait for in-flight calls up to \
                  the timeout, then end the rest \
                  with TETHER_E_CLOSED */
#define TETHER_SHUTDOWN_CANCEL                \
  ((int32_t)1) /* end every pending call with \
                  TETHER_E_CLOSED at once */

struct tether_runtime_config {
  size_t struct_size;
  /* Number of lanes (threads running the library), 1 to 256. Default 1. */
  uint32_t lanes;
  /* Pin lane N to CPU N % ncpu. Default 0 (off). */
  int32_t pin_lanes;
  /* TETHER_DELIVER_ON_LANE (default) or TETHER_DELIVER_ON_THREAD. */
  int32_t deliver;
  /* Credits: at most this many calls in flight ("in flight" as tether/call.h
   * defines it: until the host has the completion). A callback's credit
   * comes back just before the callback runs (callbacks are called in
   * groups of up to 32, whose credits come back together), even if the
   * library still holds the request (a cancelled call it never replied
   * to); a completion queue's credit comes back when the host takes the
   * completion from the queue, or the queue is destroyed. 1 to 2^20
   * (1048576); default 16384. Each credit costs two request slots, 512
   * bytes in all, allocated and touched at open: the maximum takes 512 MiB
   * and a noticeable time to open. */
  uint32_t max_calls_in_flight;
  /* Credits: at most this many payload bytes in flight; they come back with
   * the call credit. At least max_payload_bytes (else open fails with
   * TETHER_E_INVALID_ARG naming both fields: a largest payload could never
   * be accepted). Default 256 MiB. */
  uint64_t max_bytes_in_flight;
  /* Largest single payload, 0 (only empty payloads) to TETHER_BUF_MAX_SIZE.
   * Default 64 MiB. */
  uint64_t max_payload_bytes;
  /* How long an idle lane spins before it parks, in nanoseconds.
   * Default 20000 (20 us); 0 parks at once. For the first 5 us of a spin
   * the lane only pauses between looks at its queues; after that it calls
   * sched_yield between looks, so a thread waiting for its core (a caller
   * on a machine with few cores) runs. A call that any lane may take
   * (TETHER_KEY_ANY) wakes no parked lane while another lane spins: the
   * spinning lane takes it, or, when it turns to other work first (a call
   * keyed to it, a timer, a callback), wakes a parked lane for it. */
  uint64_t spin_ns;
  /* Opaque value handed to the library's lane_start. */
  void* library_data;
  /* Growth watch over completion-queue backlogs and library gauges. Its
   * boundaries are T, 2T, 4T, ... where T is this value rounded up to a
   * power of two. A value observed at or above a boundary that has not
   * logged writes one WARN line naming that boundary, the value and whose
   * it is (the library, and the lane or the queue); a value past several
   * such boundaries at once writes one line, for the highest, and the
   * lower ones count as logged. A boundary B logs again only after a value
   * at or below B/4 was observed. Calls in flight and lane queue depths,
   * which the call credits bound, use T = max(this, max_calls_in_flight)
   * instead: they log when a runtime sits at its limit. Default 4096;
   * UINT64_MAX turns the watch off. */
  uint64_t growth_threshold;
  /* What tether_runtime_destroy does with a non-empty leak report (see
   * tether_runtime_leak_report): TETHER_LEAK_CHECK_LOG (default) writes it
   * to the log at WARN; TETHER_LEAK_CHECK_FAIL also aborts the process (for
   * test suites); TETHER_LEAK_CHECK_OFF does nothing. The environment
   * variable TETHER_LEAK_CHECK=off|log|fail overrides it. */
  int32_t leak_check;
  /* 1: switch tether buffers to debug mode (guards, fill patterns,
   * quarantine; see tether/buffer.h) as this runtime opens, before its
   * lanes start, process-wide, as tether_buf_set_mode(TETHER_BUF_MODE_DEBUG)
   * does: turns a production binary's checks on from its own configuration. The
   * environment variable TETHER_BUFFERS, when set, wins over it. 0 (default):
   * leave the mode as it is. A runtime never switches buffers back to release
   * mode. */
  int32_t buffer_debug;
  /* END OF VERSION 1 */
  /* The boundary recorder (tether/recorder.h): how many records each lane
   * keeps of the calls it took, the last ones; rounded up to a power of
   * two, at most 65536; 64 bytes each. 0 (default) leaves the recorder
   * off; 256 is a good start (16 KiB a lane). The environment variable
   * TETHER_RECORDER=off|on|capture overrides it (on: this value, or 256
   * when it is 0), so a deployed binary can turn it on without a rebuild. */
  uint32_t recorder_entries;
  /* Payload capture: the largest payload whose bytes a record keeps, so
   * that tether-replay can send the call again. At most capture_bytes.
   * Default 4096. */
  uint32_t capture_max_payload;
  /* Payload capture: bytes of payloads each lane keeps, the latest ones
   * (an older payload is dropped, its record stays); at most 1 GiB. 0
   * (default) captures nothing. TETHER_RECORDER=capture sets it to 1 MiB
   * when it is 0. Needs the recorder on. */
  uint64_t capture_bytes;
  /* Directory into which a crash on a lane writes this runtime's recording
   * (with the captured payloads), as tether-capture-<pid>-<runtime>.jsonl;
   * the crash report names the file. NULL (default): no file. Copied at
   * open. The environment variable TETHER_CAPTURE_DIR overrides it. */
  const char* capture_dir;
  /* END OF VERSION 2 */
};

/* Fills `config` with defaults and sets struct_size.
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_runtime_config_init(tether_runtime_config* config);

/* Opens a runtime serving a library linked into the process. Starts the
 * lanes and the delivery thread, and runs the library's lane_start on each
 * lane before returning.
 * Ownership: `library` and `config` are borrowed (the library table must
 *   stay valid while the runtime lives; a NULL config means the defaults of
 *   tether_runtime_config_init); *runtime_out is the caller's, free
 *   it with tether_runtime_destroy(); *error_out (may be NULL; set to NULL on
 *   success) is a NUL-terminated tether buffer saying why the open failed,
 *   free it with tether_buf_free().
 * Errors: TETHER_E_INVALID_ARG (NULL library or runtime_out, a config value
 *   out of range, a library table missing a function, a struct below its
 *   version 1 size); TETHER_E_VERSION (the library table's struct_size or
 *   abi_version, or the config's struct_size, is newer than this tether:
 *   see tether/types.h); TETHER_E_LOAD (a lane_start failed);
 *   TETHER_E_NO_MEMORY.
 * Thread safety: any thread. Blocks: yes, until every lane has started; the
 *   first open in a process also calibrates tether's clock (up to about
 *   20 ms), so that no later call does. */
TETHER_API tether_status tether_runtime_open(
    const tether_library* library, const tether_runtime_config* config,
    TETHER_OWN tether_runtime** runtime_out, TETHER_OWN char** error_out);

/* Opens a runtime serving a library loaded with dlopen(path) whose exported
 * function `symbol` (a tether_library_entry_fn) returns its table. The
 * library must not link its own copy of tether: it reaches tether through
 * the host functions it is handed at lane start.
 * Ownership, blocking, thread safety: as tether_runtime_open().
 * Errors: as tether_runtime_open(), plus TETHER_E_LOAD when the file cannot
 *   be loaded, the symbol is missing or returns NULL; *error_out names the
 *   path or symbol and the loader's message. */
TETHER_API tether_status tether_runtime_open_path(
    const char* path, const char* symbol, const tether_runtime_config* config,
    TETHER_OWN tether_runtime** runtime_out, TETHER_OWN char** error_out);

/* Stops intake and ends every call. DRAIN waits up to timeout_ns for calls
 * in flight to finish, then ends what is left with TETHER_E_CLOSED; CANCEL
 * does so at once. Then runs the library's lane_stop on every lane and
 * joins tether's threads. When it returns, every call has completed exactly
 * once and no callback of this runtime will ever run again; completions
 * meant for completion queues are in those queues. Idempotent: a concurrent
 * call waits for the first and returns TETHER_OK; a call after one has
 * returned returns TETHER_OK at once, from any thread (this check comes
 * before the one for TETHER_E_WOULD_DEADLOCK).
 * Afterwards the handle stays valid; submit, cancel and stream calls on it
 * return TETHER_E_CLOSED.
 * Errors: TETHER_E_INVALID_ARG (NULL runtime, unknown mode);
 *   TETHER_E_WOULD_DEADLOCK when called on one of this runtime's lanes, its
 *   delivery thread or inside one of its callbacks (nothing changes);
 *   TETHER_E_FORKED in a forked child.
 * Thread safety: any thread.
 * Blocks: yes, up to timeout_ns for DRAIN, then until running handlers
 *   return (a handler that never returns stalls shutdown). */
TETHER_API tether_status tether_runtime_shutdown(tether_runtime* runtime,
                                                 int32_t mode,
                                                 uint64_t timeout_ns);

/* Shuts down (CANCEL mode) if needed, then frees the handle. NULL is
 * accepted. Safe from a garbage collector's finalizer thread, including
 * after an earlier tether_runtime_shutdown(). Streams still open keep the
 * runtime's memory until they are destroyed; completion queues are
 * independent of it.
 * Ownership: takes `runtime`, unless the status is TETHER_E_WOULD_DEADLOCK,
 *   TETHER_E_NO_MEMORY or TETHER_E_INTERNAL (nothing was freed: the handle is
 *   still the caller's, to destroy again; see "Failures inside tether" in
 *   tether/types.h).
 * Errors: TETHER_E_WOULD_DEADLOCK as for shutdown, only when the runtime was
 *   not shut down yet (nothing is freed); TETHER_E_FORKED in a forked child
 *   (the handle is abandoned: its threads and locks belong to the parent).
 * Thread safety: any thread, once per handle, and not concurrently with any
 *   other call naming this runtime (a submit, cancel, stats or leak report
 *   racing it would read freed memory); the caller must know that every
 *   such call has returned and none will start. Blocks: as shutdown. */
TETHER_API tether_status
tether_runtime_destroy(TETHER_OWN tether_runtime* runtime);

/* Writes what is still alive that someone should have let go of, in two
 * scopes under two headings. This runtime's: calls in flight (not counting
 * those whose completion waits in a queue), and completions pushed to its
 * completion queues and never polled, each with the result or error buffer
 * it holds (below them, one line per queue still open that holds some,
 * named as in tether_cq_open). Process-wide (any runtime's or the host's):
 * live tether buffers, less one per unpolled completion above, with all
 * live buffers by allocation site; live handles, by type. Each finding
 * is a line of two spaces and a count; lines indented further break the one
 * above down. *findings_out is the sum of those counts over both scopes:
 * each call, completion, buffer and handle is counted once (a completion
 * with an empty result holds no buffer, so while completions are unpolled
 * the buffer count can be low by as many). *report_out is "" and
 * *findings_out 0 when nothing is alive. TETHER_LEAK_CHECK_FAIL judges only
 * this runtime's scope: destroy logs the whole report, and aborts only when
 * this runtime's scope is not empty. Works before and after shutdown.
 * Ownership: *report_out is a NUL-terminated tether buffer the caller frees
 *   with tether_buf_free() (it is not itself counted).
 * Errors: TETHER_E_INVALID_ARG (NULL argument); TETHER_E_NO_MEMORY.
 * Thread safety: any thread; the counts are read one by one.
 * Blocks: no. */
TETHER_API tether_status tether_runtime_leak_report(
    const tether_runtime* runtime, TETHER_OWN char** report_out,
    uint64_t* findings_out);

/* Number of lanes the runtime runs (0 when runtime is NULL).
 * Thread safety: any thread. Blocks: no. */
TETHER_API uint32_t tether_runtime_lanes(const tether_runtime* runtime);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_RUNTIME_H */
