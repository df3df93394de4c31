// Process-wide log: one sink (default stderr), one level threshold.
//
// Thread safety: every function is thread-safe. The sink is copied out under
// a lock and called outside it, so a sink may itself call into tether.
#ifndef TETHER_RUNTIME_LOG_LOG_H_
#define TETHER_RUNTIME_LOG_LOG_H_

#include <cstdint>

#include "base/status.h"
#include "tether/log.h"

namespace tether::log {

// True when a line at `level` would be written. Cheap: one relaxed load.
bool enabled(int32_t level);

// Formats and writes one line (or several, as a leak report does, in one
// message), whole: a message over 1 KiB is formatted on the heap, and cut
// to 1023 bytes only if that allocation fails.
void write(int32_t level, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

// As write(), adding how many like lines were held back (log/rate_limit.h)
// when that is not 0.
void write_suppressed(int32_t level, uint64_t suppressed, const char* format,
                      ...) __attribute__((format(printf, 3, 4)));

// REQUIRES: level is a TETHER_LOG_* value.
Status set_sink(tether_log_fn sink, uint64_t user_data, int32_t min_level);

}  // namespace tether::log

#define TETHER_LOG(level, ...)                  \
  do {                                          \
    if (::tether::log::enabled(level)) {        \
      ::tether::log::write(level, __VA_ARGS__); \
    }                                           \
  } while (0)
#define TETHER_LOG_WARNING(...) TETHER_LOG(TETHER_LOG_WARN, __VA_ARGS__)
#define TETHER_LOG_ERR(...) TETHER_LOG(TETHER_LOG_ERROR, __VA_ARGS__)
#define TETHER_LOG_NOTE(...) TETHER_LOG(TETHER_LOG_INFO, __VA_ARGS__)
#define TETHER_LOG_DBG(...) TETHER_LOG(TETHER_LOG_DEBUG, __VA_ARGS__)

#endif  // TETHER_RUNTIME_LOG_LOG_H_
