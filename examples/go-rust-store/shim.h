/* The Go side of the plain blocking shim: loads libstore_shim.so and makes
 * each call in a single cgo crossing. */
#ifndef GO_RUST_STORE_SHIM_H
#define GO_RUST_STORE_SHIM_H

#include <stddef.h>
#include <stdint.h>

/* Loads the shim at `path` and opens the database at `db`. Returns 0, or a
 * store code (shim codes are negative) with a message in `why`. */
int32_t go_shim_load(const char* path, const char* db, uint32_t busy_timeout_ms,
                     uint32_t flags, char* why, size_t why_len);

typedef struct go_shim_result {
  int32_t code;
  /* The OS thread the call ran on. */
  int32_t tid;
  /* The result's (or error message's) length. */
  size_t len;
  /* NULL when the bytes fit in `out` and were copied there; else the
   * shim's buffer, to copy and free with go_shim_free. */
  uint8_t* heap;
} go_shim_result;

/* One store_shim_call. `payload` and `out` are borrowed for the call. */
go_shim_result go_shim_call(uint32_t method, const void* payload,
                            size_t payload_len, void* out, size_t out_cap);

void go_shim_free(uint8_t* heap, size_t len);
uint64_t go_shim_sessions_created(void);
uint64_t go_shim_busy_answers(void);

#endif /* GO_RUST_STORE_SHIM_H */
