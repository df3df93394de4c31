// The crash handler: a first-hand report for faults on lanes, then the
// handler it replaced. Process-wide; installed once, never uninstalled.
//
// What runs inside the signal handler is async-signal-safe: write(2),
// backtrace() (warmed up at install, so it does not allocate) and
// backtrace_symbols_fd(), sigaction(2), raise(3). A lane is recognised
// through initial-exec thread-local state (crash/lane_marker.h), which a
// signal handler can read without allocating.
#ifndef TETHER_RUNTIME_CRASH_CRASH_HANDLER_H_
#define TETHER_RUNTIME_CRASH_CRASH_HANDLER_H_

#include "base/status.h"

namespace tether::crash {

// Idempotent. Thread-safe.
Status install_handler();

}  // namespace tether::crash

#endif  // TETHER_RUNTIME_CRASH_CRASH_HANDLER_H_
