#include "tether_go.h"

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

static void tether_go_log_sink(uint64_t user_data, int32_t level,
                               const char* message) {
  tetherGoLog(user_data, level, (char*)message);
}

tether_status tether_go_log_route(int32_t min_level) {
  return tether_log_set_sink(tether_go_log_sink, 0, min_level);
}
