// The checks every submit makes of a tether_call before the engine sees it.
#ifndef TETHER_SHIM_CALL_CHECK_H_
#define TETHER_SHIM_CALL_CHECK_H_

#include <cstddef>

#include "tether/call.h"
#include "tether/status.h"

namespace tether::shim {

// nullptr when the call can be read, else why it cannot and, in *status,
// what to return: TETHER_E_INVALID_ARG, or TETHER_E_VERSION for a call
// from a newer tether (the rule of tether/types.h).
inline const char* bad_call(const tether_call* call, tether_status* status) {
  constexpr std::size_t kCallV1Size =
      offsetof(tether_call, payload_len) + sizeof(size_t);
  *status = TETHER_E_INVALID_ARG;
  if (call == nullptr) return "call is NULL";
  if (call->struct_size < kCallV1Size) {
    return "call->struct_size is too small: call tether_call_init()";
  }
  if (call->struct_size > sizeof(tether_call)) {
    *status = TETHER_E_VERSION;
    return "call->struct_size is newer than this tether";
  }
  return nullptr;
}

}  // namespace tether::shim

#endif  // TETHER_SHIM_CALL_CHECK_H_
