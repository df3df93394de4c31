/* tether/types.h — every public type declared once, the export macro, and
 * the conventions every other header relies on.
 *
 * Ownership (marked TETHER_OWN, an empty macro, as wasm.h does):
 *   - on a parameter: the callee takes the pointer and will free it;
 *   - on a result or out-parameter: the caller gets it and must free it.
 *   Unmarked pointer inputs are borrowed: they need only live through the
 *   call, and tether copies whatever it keeps.
 *   Every byte tether hands out lives in a tether buffer, freed only with
 *   tether_buf_free().
 *
 * Thread safety, one phrase per function:
 *   - "any thread": callable concurrently from any threads;
 *   - "one thread at a time per object": callers must not overlap on the same
 *     object (any thread may be the one);
 *   - "lane only": only from the lane thread that tether is running the
 *     library code on (inside a handler, a posted function or a timer).
 *
 * Errors are values: every fallible function returns a tether_status. A call
 * that returns an error changes no state and never invokes its callback.
 * There is no "last error" anywhere.
 *
 * Failures inside tether: no function lets a C++ exception out. When tether
 * itself fails inside one (memory ran out, an internal error), the function
 * logs a line naming itself ("tether_submit: out of memory ...") and returns
 * TETHER_E_NO_MEMORY (memory) or TETHER_E_INTERNAL (anything else), whether
 * or not its own Errors line lists them; a function without a status
 * returns NULL (tether_buf_alloc*), 0 (tether_handles_live),
 * TETHER_BUF_MODE_RELEASE (tether_buf_mode) or, for void ones, does nothing.
 * As for any error, nothing changed: nothing was accepted, freed, taken or
 * written, and what was passed in is still the caller's. The functions that
 * cannot fail this way: the *_init functions, tether_cq_fd,
 * tether_runtime_lanes, tether_status_str, the version functions,
 * tether_cq_destroy and tether_stream_destroy.
 *
 * Versioned structs: each public struct starts with size_t struct_size and
 * only ever grows at its end; its header marks where version 1 ends ("END
 * OF VERSION 1"). One rule for all of them:
 *   - a struct the caller fills and tether reads (tether_runtime_config,
 *     tether_call, tether_library) is refused with TETHER_E_INVALID_ARG when
 *     struct_size is below its version 1 size, and with TETHER_E_VERSION
 *     when struct_size is above the size this tether knows (the caller was
 *     built against a newer tether whose fields this one would ignore);
 *     fields between version 1 and struct_size are read, later ones take
 *     the defaults of the struct's ..._init function;
 *   - a struct tether fills for the caller (tether_stats,
 *     tether_lane_stats, and each element of tether_cq_poll, sized by
 *     elem_size) is refused with TETHER_E_INVALID_ARG, untouched, below its
 *     version 1 size; a larger one is accepted: tether writes the fields it
 *     knows, leaves the bytes past them alone, and sets struct_size to the
 *     number of bytes it wrote;
 *   - a struct tether fills for a library (tether_request, tether_host_api)
 *     carries the size tether filled in struct_size. */
#ifndef TETHER_TYPES_H
#define TETHER_TYPES_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define TETHER_API __declspec(dllexport)
#else
#define TETHER_API __attribute__((visibility("default")))
#endif

#define TETHER_OWN

#ifdef __cplusplus
extern "C" {
#endif

/* A status code; values are pinned in tether/status.h. */
typedef int32_t tether_status;

/* Opaque host-side objects. */
typedef struct tether_runtime tether_runtime;
typedef struct tether_cq tether_cq;
typedef struct tether_stream tether_stream;

/* Opaque library-side object: one lane (thread) of a runtime. */
typedef struct tether_lane tether_lane;

/* Public structs; each starts with size_t struct_size and grows only at its
 * end. */
typedef struct tether_runtime_config tether_runtime_config;
typedef struct tether_call tether_call;
typedef struct tether_completion tether_completion;
typedef struct tether_stats tether_stats;
typedef struct tether_lane_stats tether_lane_stats;
typedef struct tether_request tether_request;
typedef struct tether_host_api tether_host_api;
typedef struct tether_library tether_library;

/* Host callback for one completed call. Runs once per call, on the thread
 * the runtime's config names (a lane or the delivery thread). The callback
 * owns completion->result and completion->error from then on; the struct
 * itself is borrowed for the duration of the callback. */
typedef void (*tether_callback_fn)(tether_completion* completion);

/* Log sink: level is one of TETHER_LOG_*, message is NUL-terminated and
 * borrowed for the duration of the call. */
typedef void (*tether_log_fn)(uint64_t user_data, int32_t level,
                              const char* message);

/* Work a library runs on its lane (posted work and timers). status is
 * TETHER_OK when it runs normally, TETHER_E_CLOSED when the lane stops
 * before it could run: then the function is called once anyway, so arg can
 * be freed. */
typedef void (*tether_lane_fn)(void* arg, tether_status status);

/* Destroys a library object whose handle lost its last reference (see
 * tether/handle.h). Runs on the thread that released it. */
typedef void (*tether_handle_destroy_fn)(void* object);

/* The entry point a library exports for tether_runtime_open_path(). */
typedef const tether_library* (*tether_library_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_TYPES_H */
