package tether

// #include "tether_go.h"
import "C"

// InstallCrashHandler installs tether's crash handler for SIGSEGV, SIGBUS,
// SIGILL, SIGFPE and SIGABRT (tether_crash_handler_install). When one of
// these signals hits a lane, the handler first writes a report to stderr:
// the signal and fault address, the lane and library, the call in flight
// (method and ticket) and the faulting thread's own stack frames. Without
// it such a crash leaves no trace: the lane is a thread Go did not create,
// so Go's handler prints nothing and the process dies by the signal.
//
// Go's handler is chained: after the report, and at once for a signal on
// any other thread, tether calls the handler it replaced with the same
// signal information and context. So a nil dereference in Go code still
// panics (and may be recovered), and a fault inside a cgo call on a Go
// thread still gets Go's own crash output.
//
// Call it after the Go runtime has installed its own handlers: in a Go
// program, at any time from main (Go installs them before any package is
// initialized). The handler is never uninstalled, and later calls change
// nothing. It returns an error (matching ErrInternal) only if sigaction
// fails.
// Thread safety: any goroutine.
func InstallCrashHandler() error {
	return statusError(C.tether_crash_handler_install(), "installing the crash handler")
}
