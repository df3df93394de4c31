/* tether/log.h — where tether's log lines go. Every rejected argument,
 * stale ticket, foreign or double free, and exception caught at the boundary
 * is logged once, at WARN or above. */
#ifndef TETHER_LOG_H
#define TETHER_LOG_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TETHER_LOG_DEBUG ((int32_t)0)
#define TETHER_LOG_INFO ((int32_t)1)
#define TETHER_LOG_WARN ((int32_t)2)
#define TETHER_LOG_ERROR ((int32_t)3)
#define TETHER_LOG_OFF ((int32_t)4)

/* Routes log lines at or above min_level to `sink` (process-wide). A NULL
 * sink restores the default, which writes "tether: LEVEL: message" lines to
 * stderr; the default threshold is TETHER_LOG_WARN.
 * The sink may be called from any thread, including lanes and the delivery
 * thread, possibly concurrently; it must not call back into tether's
 * shutdown or destroy functions, nor into tether_log_set_sink. Exceptions
 * thrown by the sink are caught.
 * It runs synchronously, on the thread that logs: a host thread inside a
 * tether call (a refused submit logs there), a lane, or the delivery
 * thread. That thread waits for it, so a slow sink slows that call.
 * Lines a busy host can cause on every call (every request slot held,
 * every producer port held, out of memory growing a queue) are written at
 * most once a second per kind; the next one written ends with
 * "(N more like this held back)".
 * When this returns, the previous sink is not running and will never be
 * called again: its user_data may be freed. Lines that start after it
 * returns go to the new sink.
 * Errors: TETHER_E_INVALID_ARG if min_level is not a TETHER_LOG_* value
 *   (nothing changes).
 * Thread safety: any thread; concurrent calls take effect one after the
 *   other. Blocks: until every line already being written to the previous
 *   sink has returned from it. */
TETHER_API tether_status tether_log_set_sink(tether_log_fn sink,
                                             uint64_t user_data,
                                             int32_t min_level);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_LOG_H */
