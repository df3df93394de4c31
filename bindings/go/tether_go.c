#include "tether_go.h"

#include <sched.h>
#include <time.h>

/* A spinning caller looks with a pause between looks for this long, then
 * yields its CPU between looks: a lane woken on the caller's CPU would
 * otherwise wait for the spin to end. */
#define TETHER_GO_PAUSE_NS 2000u

static uint64_t tether_go_now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void tether_go_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Takes until something arrives or spin_ns has passed since `start`. */
static void tether_go_take_until(tether_cq* cq, uint64_t tag,
                                 tether_completion* out, size_t max,
                                 uint64_t start, uint64_t spin_ns,
                                 tether_go_spin_result* result) {
  uint64_t now = start;
  unsigned looks = 0;
  size_t i;
  for (;;) {
    result->status = tether_cq_take(cq, out, sizeof *out, max, &result->count);
    if (result->status != TETHER_OK || result->count != 0) break;
    /* The clock costs more than a look at an empty queue: read it on
     * every 8th while pausing, and after every yield. */
    if (now - start < TETHER_GO_PAUSE_NS) {
      if (++looks % 8 == 0) now = tether_go_now_ns();
      tether_go_cpu_relax();
    } else {
      sched_yield();
      now = tether_go_now_ns();
    }
    if (now - start >= spin_ns) break;
  }
  for (i = 0; i < result->count; ++i) {
    if (out[i].user_data == tag) result->found = 1;
  }
  result->spun_ns = (result->count != 0 ? tether_go_now_ns() : now) - start;
}

tether_go_submit_result tether_go_submit_cq(tether_runtime* runtime,
                                            tether_cq* cq, uint32_t method,
                                            uint64_t key, uint64_t timeout_ns,
                                            const void* payload,
                                            size_t payload_len, uint64_t tag) {
  tether_call call;
  tether_go_submit_result result;
  tether_call_init(&call);
  call.method = method;
  call.key = key;
  call.timeout_ns = timeout_ns;
  call.payload = payload;
  call.payload_len = payload_len;
  result.ticket = 0;
  result.status = tether_submit_cq(runtime, &call, cq, tag, &result.ticket);
  return result;
}

tether_go_spin_result tether_go_submit_spin(
    tether_runtime* runtime, tether_cq* cq, uint32_t method, uint64_t key,
    uint64_t timeout_ns, const void* payload, size_t payload_len, uint64_t tag,
    void** release, size_t release_count, tether_completion* out, size_t max,
    uint64_t spin_ns) {
  tether_go_spin_result result = {TETHER_OK, 0, 0, 0, 0};
  tether_go_submit_result submitted;
  uint64_t start;
  tether_go_release(release, release_count);
  start = tether_go_now_ns();
  submitted = tether_go_submit_cq(runtime, cq, method, key, timeout_ns, payload,
                                  payload_len, tag);
  result.status = submitted.status;
  result.ticket = submitted.ticket;
  if (submitted.status == TETHER_OK) {
    tether_go_take_until(cq, tag, out, max, start, spin_ns, &result);
  }
  return result;
}

tether_go_spin_result tether_go_spin(tether_cq* cq, uint64_t tag,
                                     void** release, size_t release_count,
                                     tether_completion* out, size_t max,
                                     uint64_t spin_ns) {
  tether_go_spin_result result = {TETHER_OK, 0, 0, 0, 0};
  tether_go_release(release, release_count);
  tether_go_take_until(cq, tag, out, max, tether_go_now_ns(), spin_ns, &result);
  return result;
}

void tether_go_release(void** release, size_t count) {
  size_t i;
  for (i = 0; i < count; ++i) tether_buf_free(release[i]);
}

tether_go_poll_result tether_go_cq_cycle(tether_cq* cq, void** release,
                                         size_t release_count,
                                         tether_completion* out, size_t max,
                                         uint64_t timeout_ns) {
  tether_go_poll_result result;
  tether_go_release(release, release_count);
  result.count = 0;
  result.status =
      tether_cq_poll(cq, out, sizeof *out, max, timeout_ns, &result.count);
  return result;
}

tether_go_poll_result tether_go_cq_take_cycle(tether_cq* cq, void** release,
                                              size_t release_count,
                                              tether_completion* out,
                                              size_t max) {
  tether_go_poll_result result;
  tether_go_release(release, release_count);
  result.count = 0;
  result.status = tether_cq_take(cq, out, sizeof *out, max, &result.count);
  return result;
}

static void tether_go_log_sink(uint64_t user_data, int32_t level,
                               const char* message) {
  tetherGoLog(user_data, level, (char*)message);
}

tether_status tether_go_log_route(int32_t min_level) {
  return tether_log_set_sink(tether_go_log_sink, 0, min_level);
}
