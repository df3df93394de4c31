package tether

// #include "tether_go.h"
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync/atomic"
)

// logger receives tether's log lines once SetLogger installed it.
var logger atomic.Pointer[slog.Logger]

// SetLogger routes tether's log lines, process-wide, to l: DEBUG, INFO,
// WARN and ERROR map to the slog levels of the same names, and only the
// levels l is enabled for (checked now, at install time) are sent. A nil l
// restores tether's default, WARN and above to stderr.
//
// Threading: l is called from any thread, tether's lanes and delivery
// thread included, possibly concurrently; it must not call Close. A panic
// in l is recovered (it never unwinds through C) and reported on stderr,
// and the line is dropped.
func SetLogger(l *slog.Logger) error {
	if l == nil {
		logger.Store(nil)
		return statusError(C.tether_log_set_sink(nil, 0, C.TETHER_LOG_WARN), "restoring the default log sink")
	}
	min := C.int32_t(C.TETHER_LOG_OFF)
	for level := C.int32_t(C.TETHER_LOG_ERROR); level >= C.TETHER_LOG_DEBUG; level-- {
		if l.Enabled(context.Background(), slogLevel(level)) {
			min = level
		}
	}
	logger.Store(l)
	return statusError(C.tether_go_log_route(min), "installing the log sink")
}

// slogLevel maps a TETHER_LOG_* level to slog's.
func slogLevel(level C.int32_t) slog.Level {
	switch level {
	case C.TETHER_LOG_DEBUG:
		return slog.LevelDebug
	case C.TETHER_LOG_INFO:
		return slog.LevelInfo
	case C.TETHER_LOG_WARN:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}

// logLine writes one of the binding's own lines (a finalizer that failed,
// a growth warning): to the logger SetLogger installed, if it is enabled
// for level, or else, as tether's default sink does, to stderr as
// "tether: LEVEL: message" when level is WARN or above. A panic in the
// handler is recovered and reported on stderr, and the line dropped.
// Thread safety: any goroutine.
func logLine(level slog.Level, message string) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "tether: the slog handler panicked on a log line (dropped): %v\n%s", v, debug.Stack())
		}
	}()
	if l := logger.Load(); l != nil {
		l.Log(context.Background(), level, message)
		return
	}
	if level >= slog.LevelWarn {
		fmt.Fprintf(os.Stderr, "tether: %s: %s\n", level, message)
	}
}

//export tetherGoLog
func tetherGoLog(_ C.uint64_t, level C.int32_t, message *C.char) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "tether: the slog handler panicked on a log line (dropped): %v\n%s", v, debug.Stack())
		}
	}()
	if l := logger.Load(); l != nil {
		l.Log(context.Background(), slogLevel(level), C.GoString(message))
	}
}
