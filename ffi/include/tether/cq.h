/* tether/cq.h — completion queues: completions waiting to be polled in
 * batches, with an eventfd to sleep on.
 *
 * Consumer contract. The fd is a hint, not a count: wake-ups are coalesced
 * and tether writes it only when the consumer may be asleep (after a poll
 * found the queue empty). So, when the fd is readable:
 *   1. reset it with tether_cq_reset_fd() (or read 8 bytes from it);
 *   2. call tether_cq_poll() until it returns fewer than `max` completions.
 * Stopping earlier may leave completions that no further wake-up announces.
 *
 * A new queue's fd starts armed: the first completion pushed writes it.
 *
 * A completion queue has no capacity to overflow: bounds are enforced at
 * submit (TETHER_E_BUSY). A completion waiting here keeps its call's credits
 * (one of max_calls_in_flight and its payload's bytes) until tether_cq_poll()
 * or tether_cq_take() hands it to the host, so a host that stops polling gets
 * TETHER_E_BUSY from submit once the runtime's credits are used up, and the
 * queue holds at most max_calls_in_flight completions. (Only if memory runs
 * out while a completion is queued is it lost: logged at ERROR, its buffers
 * freed and its credits given back.) It is independent of any runtime's
 * lifetime. */
#ifndef TETHER_CQ_H
#define TETHER_CQ_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates a completion queue that calls of `runtime` may complete into.
 * Log lines (the growth watch over its backlog) and the leak report name it
 * "completion queue N of library 'NAME'": N counts this runtime's queues
 * from 1 in the order tether_cq_open created them, NAME is the library's
 * tether_library.name ("unnamed" if NULL).
 * Ownership: *cq_out is the caller's; free with tether_cq_destroy().
 * Errors: TETHER_E_INVALID_ARG (NULL argument); TETHER_E_CLOSED;
 *   TETHER_E_FORKED; TETHER_E_NO_MEMORY (or the eventfd could not be made).
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_cq_open(tether_runtime* runtime,
                                        TETHER_OWN tether_cq** cq_out);

/* The queue's eventfd (non-blocking). tether owns it and closes it in
 * tether_cq_destroy(); a host that wraps it in its own file object (Go's
 * os.NewFile) must dup() it first. Returns -1 for NULL.
 * Thread safety: any thread. Blocks: no. */
TETHER_API int tether_cq_fd(const tether_cq* cq);

/* Resets the eventfd (reads it if readable).
 * Errors: TETHER_E_INVALID_ARG for NULL.
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_cq_reset_fd(tether_cq* cq);

/* Moves up to `max` completions into `out`, an array of `max` elements of
 * `elem_size` bytes each. Each element gets min(elem_size,
 * sizeof(tether_completion)) bytes and its struct_size says how many; so a
 * caller compiled against an older, smaller tether_completion keeps working.
 * When none is ready it waits up to timeout_ns (0: returns at once;
 * UINT64_MAX, or any value too large to add to the clock, waits until a
 * completion arrives or the queue is finished).
 * Ownership: each element's result and error become the caller's; the
 *   calls taken give their credits back to their runtime.
 * Errors: TETHER_E_INVALID_ARG (NULL cq, out or count_out; max 0; elem_size
 *   below TETHER_COMPLETION_MIN_SIZE); TETHER_E_BUSY (another thread is
 *   polling this queue); TETHER_E_CLOSED when the queue is shut down, empty,
 *   and no call will complete into it anymore (*count_out is 0).
 *   Returning TETHER_OK with *count_out 0 means the timeout passed.
 * Thread safety: one thread at a time per queue (concurrent polls get
 *   TETHER_E_BUSY). Blocks: up to timeout_ns, only when the queue is empty. */
TETHER_API tether_status tether_cq_poll(tether_cq* cq, void* out,
                                        size_t elem_size, size_t max,
                                        uint64_t timeout_ns, size_t* count_out);

/* As tether_cq_poll() with timeout 0, but for a consumer that spins (polls
 * again soon) instead of sleeping on the fd: takes what is ready now and
 * leaves the fd unarmed, so the lanes' next pushes do not write it. The fd
 * is written only after a tether_cq_poll() found the queue empty; a consumer
 * about to sleep on the fd must call tether_cq_poll() last.
 * Ownership, errors: as tether_cq_poll() (TETHER_OK with *count_out 0: none
 *   was ready).
 * Thread safety: as tether_cq_poll() (one poller at a time, take or poll).
 * Blocks: no. */
TETHER_API tether_status tether_cq_take(tether_cq* cq, void* out,
                                        size_t elem_size, size_t max,
                                        size_t* count_out);

/* Stops intake: later tether_submit_cq() to this queue returns
 * TETHER_E_CLOSED. Calls already submitted still complete into it; once
 * they have and the queue is drained, tether_cq_poll() returns
 * TETHER_E_CLOSED and the fd is signalled. Idempotent.
 * Errors: TETHER_E_INVALID_ARG for NULL.
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_cq_shutdown(tether_cq* cq);

/* Shuts the queue down and frees it. Completions still queued, and those of
 * calls still in flight when they arrive, are freed by tether. NULL is
 * accepted. Safe from a finalizer.
 * Their calls' credits go back to their runtime.
 * Ownership: takes `cq`. Thread safety: any thread, once per queue, and not
 *   concurrently with any other call naming this queue (a poll, take, fd
 *   reset, or a tether_submit_cq* or tether_stream_submit_cq to it): those
 *   read the queue's handle, which this frees. Blocks: no. */
TETHER_API void tether_cq_destroy(TETHER_OWN tether_cq* cq);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_CQ_H */
