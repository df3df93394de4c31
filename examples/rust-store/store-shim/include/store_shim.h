/* store_shim.h — the store (examples/rust-store/store) as plain blocking C
 * functions, called directly on the caller's thread.
 *
 * This is the design tether replaces: each OS thread that calls gets its
 * own SQLite connection and its own thread-local session, built on its
 * first call, so a host whose calls land on ever-new threads (cgo) builds
 * them again and again. store_shim_sessions_created() counts them.
 *
 * Methods, payloads and results are the store's wire format
 * (store/src/wire.rs): little-endian integers, fields as a u32 length then
 * the bytes.
 *
 * Thread safety: every function, any thread. Blocks: store_shim_open and
 * store_shim_call run SQLite on the calling thread (a call waits up to the
 * busy timeout for another connection's write lock). */
#ifndef STORE_SHIM_H
#define STORE_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Store codes (the wire format's): */
#define STORE_OK 0
#define STORE_NOT_FOUND 1
#define STORE_BAD_PAYLOAD 2
#define STORE_UNKNOWN_METHOD 3
#define STORE_BUSY 4
#define STORE_SQLITE 5
#define STORE_OUT_OF_RANGE 6
/* and the shim's own: */
#define STORE_SHIM_NOT_OPEN (-1)    /* store_shim_call before store_shim_open */
#define STORE_SHIM_INVALID_ARG (-2) /* a NULL pointer where one is needed */
#define STORE_SHIM_ALREADY_OPEN (-3) /* store_shim_open called twice */
#define STORE_SHIM_PANIC (-4)        /* the store panicked (a bug) */

/* Flag for store_shim_open: log each session built (to stderr). */
#define STORE_SHIM_LOG_SESSIONS ((uint32_t)1)

/* Opens (creating it if needed) the database at `path` (NUL-terminated,
 * copied) for the whole process. `busy_timeout_ms`: how long a call waits
 * for another connection's write lock before answering STORE_BUSY.
 * Errors: STORE_SHIM_ALREADY_OPEN, STORE_SHIM_INVALID_ARG, STORE_SQLITE. */
int32_t store_shim_open(const char* path, uint32_t busy_timeout_ms,
                        uint32_t flags);

/* Runs one request. `payload` (NULL allowed when payload_len is 0) is
 * borrowed for the call. On STORE_OK *result holds the result; on a store
 * code it holds the message (not NUL-terminated); either way the caller
 * owns it and frees it with store_shim_free(*result, *result_len) (NULL with
 * length 0 needs no free). On a shim code, *result is NULL. */
int32_t store_shim_call(uint32_t method, const uint8_t* payload,
                        size_t payload_len, uint8_t** result,
                        size_t* result_len);

/* Frees what store_shim_call returned. Accepts NULL. */
void store_shim_free(uint8_t* result, size_t result_len);

/* Sessions built in this process: one per OS thread that ever called. */
uint64_t store_shim_sessions_created(void);

/* SQLITE_BUSY (and SQLITE_LOCKED) answers in this process. */
uint64_t store_shim_busy_answers(void);

#ifdef __cplusplus
}
#endif

#endif /* STORE_SHIM_H */
