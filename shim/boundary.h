// The exception firewall and the one way the shim rejects an argument.
// Every extern "C" body runs inside guarded(): nothing thrown inside tether
// crosses the ABI, and every rejection is logged once with its function.
#ifndef TETHER_SHIM_BOUNDARY_H_
#define TETHER_SHIM_BOUNDARY_H_

#include <exception>
#include <new>

#include "base/status.h"
#include "log/log.h"

namespace tether::shim {

inline tether_status reject(const char* function, tether_status status,
                            const char* why) {
  TETHER_LOG_WARNING("%s: %s (%s)", function, why, status_name(status));
  return status;
}

// Maps a Status body to tether_status, logging any non-OK status other than
// the everyday ones (busy) the body did not log itself.
template <class Body>
tether_status guarded(const char* function, Body&& body) noexcept {
  try {
    return to_c(body());
  } catch (const std::bad_alloc&) {
    return reject(function, TETHER_E_NO_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    TETHER_LOG_ERR("%s: internal error: %s", function, e.what());
    return TETHER_E_INTERNAL;
  } catch (...) {
    TETHER_LOG_ERR("%s: internal error", function);
    return TETHER_E_INTERNAL;
  }
}

}  // namespace tether::shim

#endif  // TETHER_SHIM_BOUNDARY_H_
