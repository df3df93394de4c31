// The call a lane is running, so that a buffer allocated meanwhile (a
// result, most often) remembers which call made it: the leak report and
// the growth watch can then name the method and key behind what leaked.
//
// Thread-local and set only by a lane around its handler; elsewhere, and
// in timers or posted work, no call is current.
#ifndef TETHER_RUNTIME_BUFFERS_CALL_ORIGIN_H_
#define TETHER_RUNTIME_BUFFERS_CALL_ORIGIN_H_

#include <cstdint>

namespace tether::buffers {

struct CallOrigin {
  uint64_t ticket = 0;  // 0: made outside any call
  uint64_t key = 0;
  uint32_t method = 0;
};

namespace call_origin_detail {
inline __attribute__((tls_model(
    "initial-exec"))) thread_local const CallOrigin* t_current = nullptr;
}  // namespace call_origin_detail

// Lane thread: `origin` (or nullptr) is the call running from now on; it
// must stay valid until replaced.
inline void set_current_call(const CallOrigin* origin) {
  call_origin_detail::t_current = origin;
}
inline const CallOrigin* current_call() {
  return call_origin_detail::t_current;
}

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_CALL_ORIGIN_H_
