/* tether/buffer.h — the buffers that cross the boundary.
 *
 * One allocator serves the whole process, so a buffer outlives the runtime
 * that produced it. Only tether_buf_free() frees a tether buffer, and it
 * frees nothing else: before reading any header it checks that tether
 * allocated the pointer, so a foreign pointer (from malloc, a Go slice, a
 * Python bytes object) is reported, never touched. */
#ifndef TETHER_BUFFER_H
#define TETHER_BUFFER_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest single buffer tether_buf_alloc() hands out (1 GiB). */
#define TETHER_BUF_MAX_SIZE ((size_t)1 << 30)

/* Allocates a buffer of `size` bytes (0 is allowed and gives a distinct,
 * freeable pointer), aligned to 16 bytes. Contents are unspecified.
 * Ownership: the caller owns the result; free it with tether_buf_free(), or
 *   move it into tether (a moved payload, a library's reply).
 * Errors: NULL when size > TETHER_BUF_MAX_SIZE or memory is exhausted
 *   (logged).
 * Thread safety: any thread. Blocks: no (takes a short internal lock). */
TETHER_API TETHER_OWN void* tether_buf_alloc(size_t size);

/* Frees a buffer from tether_buf_alloc(). NULL is accepted and ignored.
 * Ownership: takes `data`.
 * Errors: TETHER_E_FOREIGN_BUFFER if tether did not allocate `data`;
 *   TETHER_E_DOUBLE_FREE if it was already freed. Both are logged with the
 *   pointer, and nothing is freed or read.
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_buf_free(TETHER_OWN void* data);

/* The size `data` was allocated with.
 * Errors: TETHER_E_INVALID_ARG if size_out is NULL; TETHER_E_FOREIGN_BUFFER
 *   if `data` is NULL or not a live tether buffer.
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_buf_size(const void* data, size_t* size_out);

/* Number of live tether buffers and their total bytes, process-wide. Either
 * out-parameter may be NULL.
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_buf_live(uint64_t* count_out, uint64_t* bytes_out);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_BUFFER_H */
