/* tether/recorder.h — the boundary recorder: the last calls each lane took.
 *
 * Off by default; on with tether_runtime_config's recorder_entries or the
 * environment variable TETHER_RECORDER=on|capture. Each lane then keeps a
 * ring of fixed-size records (64 bytes each, allocated at open), one per
 * call it took
 * off its queue: ticket, method, key, payload length and digest, the
 * submitting thread's id, submit time, time queued, time in the handler,
 * and the outcome with the library's code. With capture on
 * (capture_bytes), a lane also keeps the bytes of payloads up to
 * capture_max_payload, the latest first, so that tether-replay can send
 * the calls again. Recording takes no lock and allocates nothing; the lane
 * writes its own ring.
 *
 * Where records go:
 *   - tether_recorder_dump() writes them on demand;
 *   - a crash on a lane (with tether_crash_handler_install) prints that
 *     lane's last 16 records, the call in flight last, and, when
 *     capture_dir is set, writes the whole recording with its payloads to
 *     a file the report names;
 *   - the leak report names the calls whose results are the oldest live
 *     buffers (method, key, ticket, allocation site).
 *
 * The format (JSON lines, version 1) is specified in docs/recorder.md:
 * a header line, then one line per record, by lane and then record
 * number. tether-replay reads it. */
#ifndef TETHER_RECORDER_H
#define TETHER_RECORDER_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* tether_recorder_dump flags. */
/* Include each captured payload, as hex ("payload"). */
#define TETHER_RECORDER_PAYLOADS ((uint32_t)1)

/* Writes the runtime's recording to `fd`: the header line, then every
 * record the lanes still hold. Records a lane writes while the dump runs
 * may or may not be included; a record is never half written in the dump.
 * Works before and after shutdown; with the recorder off it writes the
 * header alone (with "entries":0).
 * Ownership: `fd` stays the caller's; tether writes and never closes it.
 * Errors: TETHER_E_INVALID_ARG (NULL runtime, negative fd, unknown flag
 *   bits); TETHER_E_IO (a write failed: logged with the system's reason;
 *   part of the recording may have been written); TETHER_E_FORKED in a
 *   forked child.
 * Thread safety: any thread, concurrently with calls on the runtime.
 * Blocks: on write(2) to `fd`; allocates nothing. */
TETHER_API tether_status tether_recorder_dump(const tether_runtime* runtime,
                                              int fd, uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_RECORDER_H */
