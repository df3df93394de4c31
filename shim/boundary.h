// The exception firewall and the one way the shim rejects an argument.
// Every extern "C" body that reaches the engine runs inside guarded() (or
// tether::firewall() for results that are not a status): nothing thrown
// inside tether crosses the ABI, and every rejection is logged once with its
// function. The entry points left outside cannot throw: the *_init
// functions, tether_cq_fd, tether_runtime_lanes, tether_status_str and the
// version functions only fill or read plain fields, and tether_cq_destroy
// and tether_stream_destroy run only noexcept steps (a destroy that failed
// half-way would leak what it had not freed yet).
#ifndef TETHER_SHIM_BOUNDARY_H_
#define TETHER_SHIM_BOUNDARY_H_

#include "base/firewall.h"
#include "base/status.h"
#include "log/log.h"

namespace tether::shim {

inline tether_status reject(const char* function, tether_status status,
                            const char* why) {
  TETHER_LOG_WARNING("%s: %s (%s)", function, why, status_name(status));
  return status;
}

// Maps a Status body to tether_status. It logs only what it catches (an
// exception); a non-OK status the body returns is the body's to log, and
// each body logs its rejections where it finds them.
template <class Body>
tether_status guarded(const char* function, Body&& body) noexcept {
  return firewall_status(function, [&] { return to_c(body()); });
}

// A body without a result.
template <class Body>
void guarded_void(const char* function, Body&& body) noexcept {
  firewall_void(function, body);
}

}  // namespace tether::shim

#endif  // TETHER_SHIM_BOUNDARY_H_
