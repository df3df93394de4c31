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

/* What tether_go_submit_spin and tether_go_spin return: the status (of
 * the submit when it refused the call, else of the last take), the ticket
 * of an accepted call, how many completions were written to `out`, whether
 * the one tagged `tag` is among them, and how long the spin lasted. */
typedef struct tether_go_spin_result {
  tether_status status;
  int found;
  uint64_t ticket;
  size_t count;
  uint64_t spun_ns;
} tether_go_spin_result;

/* Frees the `release_count` buffers in `release`, submits as
 * tether_go_submit_cq does, then, if the call was accepted, takes
 * completions from `cq` with tether_cq_take (leaving its fd unarmed) until
 * it has taken some or spin_ns has passed, yielding the CPU between looks
 * after the first 2 us: the caller waits for its own call, and hands any
 * other completion it takes to its waiter. One crossing
 * for a call that completes within the spin. REQUIRES: the caller is the
 * queue's only consumer until it returns. */
tether_go_spin_result tether_go_submit_spin(
    tether_runtime* runtime, tether_cq* cq, uint32_t method, uint64_t key,
    uint64_t timeout_ns, const void* payload, size_t payload_len, uint64_t tag,
    void** release, size_t release_count, tether_completion* out, size_t max,
    uint64_t spin_ns);

/* As tether_go_submit_spin, without the submit: the wait goes on. */
tether_go_spin_result tether_go_spin(tether_cq* cq, uint64_t tag,
                                     void** release, size_t release_count,
                                     tether_completion* out, size_t max,
                                     uint64_t spin_ns);

/* As tether_go_cq_cycle, with tether_cq_take: no wait, and the fd is not
 * armed. */
tether_go_poll_result tether_go_cq_take_cycle(tether_cq* cq, void** release,
                                              size_t release_count,
                                              tether_completion* out,
                                              size_t max);

/* Frees `count` tether buffers listed in `release`. */
void tether_go_release(void** release, size_t count);

/* The Go log trampoline (defined by cgo from log.go's //export). */
extern void tetherGoLog(uint64_t user_data, int32_t level, char* message);

/* Installs tetherGoLog as tether's log sink at `min_level`. */
tether_status tether_go_log_route(int32_t min_level);

#endif /* TETHER_GO_H */
