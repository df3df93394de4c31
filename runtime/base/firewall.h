// The exception firewall: what an exception on its way out to C code
// becomes. The shim's entry points (shim/boundary.h) and the host functions
// a library calls (core/host_api.cpp) run their bodies inside it, so no C++
// exception reaches a C caller: std::bad_alloc becomes the caller's
// out-of-memory value, anything else its internal-error value, each with a
// log line naming the function.
#ifndef TETHER_RUNTIME_BASE_FIREWALL_H_
#define TETHER_RUNTIME_BASE_FIREWALL_H_

#include <exception>
#include <new>

#include "base/alloc_fault.h"
#include "base/fault_injection.h"
#include "base/status.h"
#include "log/log.h"

namespace tether {
namespace firewall_detail {

// Logging may fail too (a sink that throws is caught inside the log, but
// taking its lock may not succeed): a line lost here beats an exception.
inline void note(int32_t level, const char* function, const char* what,
                 const char* detail) noexcept {
  try {
    TETHER_LOG(level, "%s: %s%s%s", function, what, detail[0] ? ": " : "",
               detail);
  } catch (...) {
  }
}

}  // namespace firewall_detail

// Runs body() and returns its value, or `on_no_memory` / `on_internal` when
// it throws std::bad_alloc / anything else (logged, naming `function`).
template <class T, class Body>
T firewall(const char* function, T on_no_memory, T on_internal,
           Body&& body) noexcept {
  const alloc_fault::Inside inside;
  try {
    fault::throw_if_fires(fault::Point::kBoundaryThrows);
    return body();
  } catch (const std::bad_alloc&) {
    firewall_detail::note(TETHER_LOG_WARN, function,
                          "out of memory (TETHER_E_NO_MEMORY)", "");
    return on_no_memory;
  } catch (const std::exception& e) {
    firewall_detail::note(TETHER_LOG_ERROR, function, "internal error",
                          e.what());
    return on_internal;
  } catch (...) {
    firewall_detail::note(TETHER_LOG_ERROR, function, "internal error", "");
    return on_internal;
  }
}

// A tether_status body: TETHER_E_NO_MEMORY or TETHER_E_INTERNAL.
template <class Body>
tether_status firewall_status(const char* function, Body&& body) noexcept {
  return firewall<tether_status>(function, TETHER_E_NO_MEMORY,
                                 TETHER_E_INTERNAL, body);
}

// A body without a result: what it throws is logged and dropped.
template <class Body>
void firewall_void(const char* function, Body&& body) noexcept {
  firewall<int>(function, 0, 0, [&] {
    body();
    return 0;
  });
}

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_FIREWALL_H_
