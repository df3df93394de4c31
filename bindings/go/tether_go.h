/* tether_go.h — the few C functions the Go package calls instead of the
 * public API directly, each to keep one cgo crossing where the plain API
 * would need a Go pointer inside a C struct or several crossings.
 *
 * Thread safety: as the tether functions each one wraps. */
#ifndef TETHER_GO_H
#define TETHER_GO_H

#include <tether/tether.h>

/* What tether_go_submit_cq returns: the submit status and, on TETHER_OK,
 * the call's ticket. Returned by value so Go passes no out-pointer. */
typedef struct tether_go_submit_result {
  tether_status status;
  uint64_t ticket;
} tether_go_submit_result;

/* Builds a tether_call on the C stack and submits it into `cq` with `tag`.
 * `payload` is borrowed for this call only (tether copies it), so a Go
 * slice may be passed directly. */
tether_go_submit_result tether_go_submit_cq(tether_runtime* runtime,
                                            tether_cq* cq, uint32_t method,
                                            uint64_t key, uint64_t timeout_ns,
                                            const void* payload,
                                            size_t payload_len, uint64_t tag);

/* What tether_go_cq_cycle returns: the poll status and the number of
 * completions written to `out`. */
typedef struct tether_go_poll_result {
  tether_status status;
  size_t count;
} tether_go_poll_result;

/* Frees `release_count` tether buffers listed in `release` (the previous
 * batch's results and errors, already copied into Go memory), then polls up
 * to `max` completions into `out`, waiting up to timeout_ns. One crossing
 * per batch. */
tether_go_poll_result tether_go_cq_cycle(tether_cq* cq, void** release,
                                         size_t release_count,
                                         tether_completion* out, size_t max,
                                         uint64_t timeout_ns);

/* Frees `count` tether buffers listed in `release`. */
void tether_go_release(void** release, size_t count);

/* The Go log trampoline (defined by cgo from log.go's //export). */
extern void tetherGoLog(uint64_t user_data, int32_t level, char* message);

/* Installs tetherGoLog as tether's log sink at `min_level`. */
tether_status tether_go_log_route(int32_t min_level);

#endif /* TETHER_GO_H */
