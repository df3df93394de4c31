/* tether/stream.h — streams: an explicit producer whose calls with one key
 * run in submission order. TETHER_KEY_ANY is no key: such calls go to
 * whichever lane is free and keep no order, through a stream or not. One stream
 * belongs to one thread at a time (a Go goroutine's worth of work, a Python
 * task); use one per ordered sequence. */
#ifndef TETHER_STREAM_H
#define TETHER_STREAM_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opens a stream on `runtime`.
 * Ownership: *stream_out is the caller's; free with tether_stream_destroy().
 *   A stream keeps the runtime's memory alive (not its threads) until it is
 *   destroyed, so destroying the runtime first is safe.
 * Errors: TETHER_E_INVALID_ARG; TETHER_E_CLOSED; TETHER_E_FORKED;
 *   TETHER_E_NO_MEMORY.
 * Thread safety: any thread. Blocks: briefly, on a lock shared with
 *   shutdown. */
TETHER_API tether_status tether_stream_open(
    tether_runtime* runtime, TETHER_OWN tether_stream** stream_out);

/* As tether_submit(), through the stream: calls with the same key (other
 * than TETHER_KEY_ANY) run in the order they were submitted through this
 * stream.
 * Thread safety: one thread at a time per stream. Blocks: no. */
TETHER_API tether_status tether_stream_submit(tether_stream* stream,
                                              const tether_call* call,
                                              tether_callback_fn callback,
                                              uint64_t user_data,
                                              uint64_t* ticket_out);

/* As tether_submit_cq(), through the stream.
 * Thread safety: one thread at a time per stream. Blocks: no. */
TETHER_API tether_status tether_stream_submit_cq(tether_stream* stream,
                                                 const tether_call* call,
                                                 tether_cq* cq, uint64_t tag,
                                                 uint64_t* ticket_out);

/* Frees the stream. Calls already submitted through it still complete.
 * NULL is accepted.
 * Ownership: takes `stream`. Thread safety: one thread at a time per stream.
 * Blocks: briefly, on a lock shared with shutdown. */
TETHER_API void tether_stream_destroy(TETHER_OWN tether_stream* stream);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_STREAM_H */
