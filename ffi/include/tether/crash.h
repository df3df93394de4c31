/* tether/crash.h — the crash handler (opt-in).
 *
 * When a library faults on a lane, the host runtime often loses the
 * first-hand stack: Go, for one, resets the default action and re-raises a
 * fault on a thread it did not create, printing nothing. With the handler
 * installed, a fatal signal on a lane first writes a report to stderr: the
 * signal, the fault address, the lane, the call in flight (method, ticket)
 * and the first-hand frames (module and offset where there is no symbol).
 * What it calls: write(2), sigaction(2) and raise(3), which are
 * async-signal-safe, and glibc's backtrace() and backtrace_symbols_fd(),
 * which POSIX does not list as such: backtrace() loads the unwinder and
 * allocates on its first call, so tether_crash_handler_install() makes that
 * first call; after it, they walk the stack and write without allocating.
 * A fault inside the dynamic loader (the unwinder takes its lock) can
 * still hang the report; one inside malloc cannot. Then it chains to the
 * handler it
 * replaced (Go's, Python's faulthandler) with the same siginfo and context,
 * or, if there was none, restores the default action and re-raises. On any
 * other thread it chains at once, untouched. */
#ifndef TETHER_CRASH_H
#define TETHER_CRASH_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Installs the handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT with
 * SA_ONSTACK | SA_SIGINFO, saving the handlers it replaces, and warms up the
 * stack walker (its first use allocates). It is never uninstalled: a host
 * that installs its own handler later must chain to tether's, as tether
 * chains to what it replaced. Idempotent: later calls change nothing.
 * Lanes always run with an alternate signal stack of at least 64 KiB.
 * Errors: TETHER_E_INTERNAL if sigaction fails (logged).
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_crash_handler_install(void);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_CRASH_H */
