/* tether/call.h — submitting calls, cancelling them, and what comes back.
 *
 * Every accepted call completes exactly once, with one of: TETHER_OK,
 * TETHER_E_LIBRARY, TETHER_E_CANCELLED, TETHER_E_DEADLINE, TETHER_E_CLOSED.
 * A submit that returns an error accepted nothing: no callback will run and
 * a moved payload still belongs to the caller.
 *
 * In flight: a call is in flight from the submit that accepted it until the
 * host has its completion: just before its callback is called, or when
 * tether_cq_poll() or tether_cq_take() hands it over (or tether_cq_destroy()
 * frees it unpolled). The runtime's credits (tether_runtime_config
 * max_calls_in_flight and max_bytes_in_flight) count exactly the calls in
 * flight and their payload bytes, and come back at that moment, whatever
 * the library still holds. So a completion waiting in a queue nobody polls
 * keeps its credits, and such a host meets TETHER_E_BUSY at the limit.
 *
 * Ordering: calls with the same key (not TETHER_KEY_ANY) submitted through
 * one tether_stream run in submission order. Calls with TETHER_KEY_ANY are
 * taken by whichever lane is free, in no promised order, even through a
 * stream. Otherwise no order is promised. With several lanes, each lane
 * takes TETHER_KEY_ANY calls one at a time, and a lane that takes one
 * while more are queued wakes another: a TETHER_KEY_ANY call waits for a
 * lane only while every lane is running the library's code (a handler, a
 * timer, posted work) or a completion callback.
 *
 * Tickets name one call of one runtime for tether_cancel(): 64 bits, never
 * 0, opaque. A ticket of another runtime names no call here
 * (TETHER_E_STALE_TICKET), unless 65535 other runtimes were opened between
 * the two (the runtime's part of a ticket then repeats). A finished call's
 * ticket stays stale until its request slot has been reused 2^24 times.
 * Hosts whose numbers are doubles (JavaScript, LuaJIT) must carry them as
 * BigInt or 64-bit cdata.
 *
 * What submit and cancel may wait for. They never sleep, and never wait
 * for a lane, the delivery thread, a callback or another submitter's
 * progress: a submitter borrows one of a few pooled producer ports (two per
 * CPU, 4 to 16; each is held for one enqueue), and when every one stays
 * held for 64 scans over them (microseconds) the call returns
 * TETHER_E_BUSY instead of waiting on. What they may still wait for:
 *   - a moved payload is checked in the buffer registry under one shard's
 *     lock (see "What the buffer functions may wait for" in
 *     tether/buffer.h);
 *   - a copied payload over 64 bytes is copied into memory from malloc, with
 *     whatever waiting the C library's allocator does;
 *   - a submit that fails or is refused may write a log line, and the
 *     host's log sink runs on the submitting thread (tether/log.h); lines a
 *     refusal can repeat on every call are written at most once a second.
 * Time is read from a clock the first tether_runtime_open() calibrated, so
 * no call here pays for that. */
#ifndef TETHER_CALL_H
#define TETHER_CALL_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Key meaning "any lane": the call goes to a queue every lane drains. */
#define TETHER_KEY_ANY UINT64_MAX

/* tether_call.flags: the payload is a tether buffer whose ownership moves to
 * tether when the submit returns TETHER_OK (it is never copied). Without
 * this flag the payload bytes are copied before submit returns. */
#define TETHER_CALL_MOVE_PAYLOAD ((uint32_t)1)

struct tether_call {
  size_t struct_size;
  /* Library-defined method id. */
  uint32_t method;
  /* TETHER_CALL_* flags. */
  uint32_t flags;
  /* Affinity: calls with the same key always run on the same lane;
   * TETHER_KEY_ANY lets any lane take it. */
  uint64_t key;
  /* Deadline relative to submit, in nanoseconds; 0 means none. When it
   * passes before the library replies, the call completes with
   * TETHER_E_DEADLINE (and the library sees it as cancelled). A call whose
   * deadline tether could not arm for want of memory completes at once
   * with TETHER_E_NO_MEMORY instead (submit still returned TETHER_OK). */
  uint64_t timeout_ns;
  /* Payload: copied, or moved with TETHER_CALL_MOVE_PAYLOAD. May be NULL
   * only when payload_len is 0. */
  const void* payload;
  size_t payload_len;
  /* END OF VERSION 1 */
};

/* Fills `call` with zeros, key TETHER_KEY_ANY and sets struct_size.
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_call_init(tether_call* call);

struct tether_completion {
  /* Bytes of this struct that tether filled (tether_cq_poll writes
   * min(elem_size, sizeof) bytes per element). */
  size_t struct_size;
  /* The user_data or tag given at submit. */
  uint64_t user_data;
  /* The ticket submit returned. */
  uint64_t ticket;
  /* The call's outcome. */
  tether_status status;
  /* Library-defined code: 0 with TETHER_OK, the library's error code with
   * TETHER_E_LIBRARY. */
  int32_t library_code;
  /* The library's result (TETHER_OK only; may be NULL when empty). The
   * receiver owns it: free with tether_buf_free(). */
  TETHER_OWN void* result;
  size_t result_len;
  /* A NUL-terminated message for every status but TETHER_OK, or NULL. The
   * receiver owns it: free with tether_buf_free(). error_len excludes the
   * NUL. */
  TETHER_OWN char* error;
  size_t error_len;
  /* END OF VERSION 1: the fields above are always filled. */
  /* The lane that ran the call, or UINT32_MAX if none did. */
  uint32_t lane;
  uint32_t reserved0;
  /* Nanoseconds from submit to completion. */
  uint64_t latency_ns;
};

/* The smallest elem_size tether_cq_poll() accepts: version 1 of the
 * completion struct. */
#define TETHER_COMPLETION_MIN_SIZE \
  (offsetof(tether_completion, error_len) + sizeof(size_t))

/* Submits one call whose completion runs `callback(completion)` once.
 * Ownership: `call` is borrowed; its payload is copied, or moved on
 *   TETHER_OK when call->flags has TETHER_CALL_MOVE_PAYLOAD. ticket_out may
 *   be NULL.
 * Errors: TETHER_E_INVALID_ARG (NULL runtime, call or callback; struct_size
 *   too small; NULL payload with a length; a moved payload that is not a
 *   live tether buffer); TETHER_E_VERSION (struct_size larger than this
 *   tether knows); TETHER_E_TOO_LARGE (payload over max_payload_bytes);
 *   TETHER_E_BUSY (over the calls or bytes in flight credits, every request
 *   slot held, or every producer port held by other submitters: nothing is
 *   queued, retry later); TETHER_E_CLOSED (shut down); TETHER_E_NO_MEMORY
 *   (nothing is queued); TETHER_E_FORKED.
 * Thread safety: any thread. The callback runs on a lane or the delivery
 *   thread (see tether_runtime_config.deliver), never inside submit.
 * Blocks: no: never sleeps; may wait only as "What submit and cancel may
 *   wait for" above says. */
TETHER_API tether_status tether_submit(tether_runtime* runtime,
                                       const tether_call* call,
                                       tether_callback_fn callback,
                                       uint64_t user_data,
                                       uint64_t* ticket_out);

/* Submits one call whose completion is pushed to `cq`, carrying `tag`; the
 * host takes it with tether_cq_poll() or tether_cq_take() on a thread of
 * its choosing.
 * Ownership: as tether_submit(); `cq` is borrowed and may be destroyed while
 *   the call is in flight (its completion is then freed by tether).
 * Errors: as tether_submit(), plus TETHER_E_CLOSED when cq is shut down and
 *   TETHER_E_INVALID_ARG when cq is NULL or belongs to another runtime.
 * Thread safety: any thread. Blocks: no: as tether_submit(). */
TETHER_API tether_status tether_submit_cq(tether_runtime* runtime,
                                          const tether_call* call,
                                          tether_cq* cq, uint64_t tag,
                                          uint64_t* ticket_out);

/* Submits `count` calls, stored contiguously with stride calls[0].struct_size
 * (every call's struct_size must be that same value, within the limits of
 * tether/types.h), each completing through `callback` with user_data[i].
 * Every call is checked before any is accepted: a malformed one
 * (TETHER_E_INVALID_ARG, TETHER_E_VERSION, TETHER_E_TOO_LARGE) fails the
 * whole batch with *submitted_out 0. Then calls are accepted in order until
 * one is refused for want of credits or memory. Whatever the status, the
 * first *submitted_out calls were accepted and will complete, and the rest
 * were not (their moved payloads stay the caller's); TETHER_OK means all
 * were. tickets_out (may be NULL) receives one ticket per accepted call.
 * Errors: as tether_submit(), for the first call refused; user_data and
 *   submitted_out must not be NULL.
 * Thread safety: any thread. Blocks: no: as tether_submit(). */
TETHER_API tether_status tether_submit_batch(
    tether_runtime* runtime, const tether_call* calls, size_t count,
    tether_callback_fn callback, const uint64_t* user_data,
    uint64_t* tickets_out, size_t* submitted_out);

/* As tether_submit_batch(), completing into `cq` with tags[i] (`tags` must
 * not be NULL), as tether_submit_cq() does.
 * Thread safety: any thread. Blocks: no: as tether_submit(). */
TETHER_API tether_status tether_submit_batch_cq(tether_runtime* runtime,
                                                const tether_call* calls,
                                                size_t count, tether_cq* cq,
                                                const uint64_t* tags,
                                                uint64_t* tickets_out,
                                                size_t* submitted_out);

/* Asks for a call to end with TETHER_E_CANCELLED. When this returns
 * TETHER_OK the call's outcome is decided: its completion (status
 * TETHER_E_CANCELLED) is delivered later on the delivery thread, never
 * inside tether_cancel. The library sees the call as cancelled and may stop
 * early; its later reply is discarded.
 * Errors: TETHER_E_INVALID_ARG (NULL runtime); TETHER_E_STALE_TICKET (no
 *   such call: never issued, 0, another runtime's, or its completion already
 *   handed over and its request released, even if its callback has not run
 *   yet or it still waits in its queue); TETHER_E_ALREADY_COMPLETED (its
 *   outcome was already decided, and its request not yet released);
 *   TETHER_E_BUSY (every producer port stayed held by submitters: nothing
 *   was decided, retry); TETHER_E_CLOSED; TETHER_E_FORKED.
 * Thread safety: any thread. Blocks: no: never sleeps; may wait only for
 *   a producer port, as "What submit and cancel may wait for" above says. */
TETHER_API tether_status tether_cancel(tether_runtime* runtime,
                                       uint64_t ticket);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_CALL_H */
