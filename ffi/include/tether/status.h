/* tether/status.h — pinned status codes. Values never change once
 * released; new codes are only ever added. */
#ifndef TETHER_STATUS_H
#define TETHER_STATUS_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Success. */
#define TETHER_OK ((tether_status)0)
/* A required pointer was NULL, a struct_size was too small, or a value was
 * out of range. Fix the caller; retrying will not help. */
#define TETHER_E_INVALID_ARG ((tether_status)1)
/* Over the runtime's credits (calls or bytes in flight), or a completion
 * queue is being polled by another thread. Retry later. */
#define TETHER_E_BUSY ((tether_status)2)
/* The runtime or completion queue is shut down. As a call's outcome: the
 * runtime shut down before the library replied. */
#define TETHER_E_CLOSED ((tether_status)3)
/* The call was cancelled by tether_cancel(). */
#define TETHER_E_CANCELLED ((tether_status)4)
/* The call's deadline passed before the library replied. */
#define TETHER_E_DEADLINE ((tether_status)5)
/* The library reported an error; completion->error says what. */
#define TETHER_E_LIBRARY ((tether_status)6)
/* The ticket or request id names no live call (finished long ago, never
 * existed, or from another runtime). */
#define TETHER_E_STALE_TICKET ((tether_status)7)
/* The call already has its outcome (another reply, a cancel, a deadline or
 * shutdown won); anything handed over with this call was freed. */
#define TETHER_E_ALREADY_COMPLETED ((tether_status)8)
/* The function would wait for the thread it is called from (shutdown from a
 * lane, the delivery thread or a callback). */
#define TETHER_E_WOULD_DEADLOCK ((tether_status)9)
/* The runtime was created before fork(); in this child its threads do not
 * exist. Create a new runtime in the child. */
#define TETHER_E_FORKED ((tether_status)10)
/* Memory could not be allocated. As a call's outcome: tether could not arm
 * the deadline of a call it had already queued, and ended the call at once
 * rather than let it run without one (a lane skips it; a library already
 * running it sees it as cancelled). */
#define TETHER_E_NO_MEMORY ((tether_status)11)
/* A payload or buffer is larger than the configured maximum. */
#define TETHER_E_TOO_LARGE ((tether_status)12)
/* Loading a library failed (bad path, missing symbol, wrong version, a lane
 * failed to start); the error out-parameter says which. */
#define TETHER_E_LOAD ((tether_status)13)
/* A struct_size or ABI version newer than this build of tether knows. */
#define TETHER_E_VERSION ((tether_status)14)
/* A lane-only function was called from another thread. */
#define TETHER_E_WRONG_THREAD ((tether_status)15)
/* The pointer was not allocated by tether_buf_alloc (nothing was read
 * through it). */
#define TETHER_E_FOREIGN_BUFFER ((tether_status)16)
/* The buffer was already freed. */
#define TETHER_E_DOUBLE_FREE ((tether_status)17)
/* An unexpected internal failure (an exception inside tether). Logged. */
#define TETHER_E_INTERNAL ((tether_status)18)
/* A tether buffer's bytes were written where they must not be: past its end
 * or before its start (a guard or header overwritten), or after it was freed.
 * The log names where it was allocated and freed. Fix the writer. */
#define TETHER_E_BUFFER_CORRUPT ((tether_status)19)
/* Writing to a file descriptor the host passed failed; the log line gives
 * the system's reason. */
#define TETHER_E_IO ((tether_status)20)

/* A static, NUL-terminated name for a status ("TETHER_E_BUSY"); unknown
 * values give "TETHER_E_UNKNOWN".
 * Ownership: static storage, never freed. Thread safety: any thread.
 * Blocks: no. */
TETHER_API const char* tether_status_str(tether_status status);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_STATUS_H */
