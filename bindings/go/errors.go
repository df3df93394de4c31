package tether

// #include "tether_go.h"
import "C"

import (
	"context"
	"fmt"
)

// Error is a tether status other than TETHER_OK, with what tether said
// about it. Compare with errors.Is against the Err* values below: an Error
// matches the sentinel with the same Code whatever its Message. Errors with
// Code TETHER_E_CANCELLED also match context.Canceled, and those with
// TETHER_E_DEADLINE match context.DeadlineExceeded.
type Error struct {
	// Code is the tether_status value (see tether/status.h).
	Code int32
	// Message is tether's detail, empty for the sentinels.
	Message string
}

// The tether statuses, one sentinel each, for errors.Is. Values pinned by
// tether/status.h.
var (
	// ErrInvalidArgument: a malformed argument; retrying will not help.
	ErrInvalidArgument = &Error{Code: int32(C.TETHER_E_INVALID_ARG)}
	// ErrBusy: over the runtime's credits (calls or bytes in flight).
	// TryCall returns it; Call waits for credit instead.
	ErrBusy = &Error{Code: int32(C.TETHER_E_BUSY)}
	// ErrClosed: the runtime is closed, or it closed before the library
	// replied to the call.
	ErrClosed = &Error{Code: int32(C.TETHER_E_CLOSED)}
	// ErrCancelled: the call was cancelled (its context was cancelled).
	ErrCancelled = &Error{Code: int32(C.TETHER_E_CANCELLED)}
	// ErrDeadline: the call's deadline passed before the library replied.
	ErrDeadline = &Error{Code: int32(C.TETHER_E_DEADLINE)}
	// ErrLibrary: the library reported an error; see *LibraryError.
	ErrLibrary = &Error{Code: int32(C.TETHER_E_LIBRARY)}
	// ErrStaleTicket: the ticket names no live call.
	ErrStaleTicket = &Error{Code: int32(C.TETHER_E_STALE_TICKET)}
	// ErrAlreadyCompleted: the call's outcome was already decided.
	ErrAlreadyCompleted = &Error{Code: int32(C.TETHER_E_ALREADY_COMPLETED)}
	// ErrWouldDeadlock: Close was called from one of the runtime's own
	// threads (a log handler running on a lane), or tether refused to
	// free the runtime as if it had been (Close then says it was not
	// freed).
	ErrWouldDeadlock = &Error{Code: int32(C.TETHER_E_WOULD_DEADLOCK)}
	// ErrForked: the runtime was opened before fork(); open a new one.
	ErrForked = &Error{Code: int32(C.TETHER_E_FORKED)}
	// ErrNoMemory: tether could not allocate memory.
	ErrNoMemory = &Error{Code: int32(C.TETHER_E_NO_MEMORY)}
	// ErrTooLarge: the payload is over Options.MaxPayloadBytes.
	ErrTooLarge = &Error{Code: int32(C.TETHER_E_TOO_LARGE)}
	// ErrLoad: the library could not be loaded or started; the Message
	// names the path or symbol.
	ErrLoad = &Error{Code: int32(C.TETHER_E_LOAD)}
	// ErrVersion: a struct or ABI newer than the loaded libtether.
	ErrVersion = &Error{Code: int32(C.TETHER_E_VERSION)}
	// ErrWrongThread: a lane-only function was called elsewhere.
	ErrWrongThread = &Error{Code: int32(C.TETHER_E_WRONG_THREAD)}
	// ErrForeignBuffer: not a tether buffer.
	ErrForeignBuffer = &Error{Code: int32(C.TETHER_E_FOREIGN_BUFFER)}
	// ErrDoubleFree: the buffer was already freed.
	ErrDoubleFree = &Error{Code: int32(C.TETHER_E_DOUBLE_FREE)}
	// ErrInternal: an unexpected failure inside tether (it is logged).
	ErrInternal = &Error{Code: int32(C.TETHER_E_INTERNAL)}
	// ErrBufferCorrupt: a tether buffer was written past its end, before
	// its start or after it was freed (TETHER_E_BUFFER_CORRUPT, pinned at
	// 19; spelled as a number so older headers still compile).
	ErrBufferCorrupt = &Error{Code: 19}
	// ErrIO: writing to a file descriptor failed (DumpRecording); the
	// Message gives the system's reason.
	ErrIO = &Error{Code: int32(C.TETHER_E_IO)}
)

// statusNames mirrors tether_status_str for the pinned values.
var statusNames = [...]string{
	"TETHER_OK",
	"TETHER_E_INVALID_ARG",
	"TETHER_E_BUSY",
	"TETHER_E_CLOSED",
	"TETHER_E_CANCELLED",
	"TETHER_E_DEADLINE",
	"TETHER_E_LIBRARY",
	"TETHER_E_STALE_TICKET",
	"TETHER_E_ALREADY_COMPLETED",
	"TETHER_E_WOULD_DEADLOCK",
	"TETHER_E_FORKED",
	"TETHER_E_NO_MEMORY",
	"TETHER_E_TOO_LARGE",
	"TETHER_E_LOAD",
	"TETHER_E_VERSION",
	"TETHER_E_WRONG_THREAD",
	"TETHER_E_FOREIGN_BUFFER",
	"TETHER_E_DOUBLE_FREE",
	"TETHER_E_INTERNAL",
	"TETHER_E_BUFFER_CORRUPT",
	"TETHER_E_IO",
}

// StatusName returns the C name of a tether_status ("TETHER_E_BUSY"), or
// "TETHER_E_UNKNOWN".
func StatusName(code int32) string {
	if code >= 0 && int(code) < len(statusNames) {
		return statusNames[code]
	}
	return "TETHER_E_UNKNOWN"
}

// cStatusName asks libtether for the same name.
func cStatusName(code int32) string {
	return C.GoString(C.tether_status_str(C.tether_status(code)))
}

// Error formats as "tether: TETHER_E_NAME: message".
func (e *Error) Error() string {
	if e.Message == "" {
		return "tether: " + StatusName(e.Code)
	}
	return "tether: " + StatusName(e.Code) + ": " + e.Message
}

// Is reports whether target is the sentinel for e's Code, or the context
// error a cancelled or expired call corresponds to.
func (e *Error) Is(target error) bool {
	switch target {
	case context.Canceled:
		return e.Code == int32(C.TETHER_E_CANCELLED)
	case context.DeadlineExceeded:
		return e.Code == int32(C.TETHER_E_DEADLINE)
	}
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// LibraryError is a call's outcome when the library replied with an error
// (TETHER_E_LIBRARY). It matches ErrLibrary under errors.Is; use errors.As
// to read the library's code.
type LibraryError struct {
	// Code is the library-defined error code.
	Code int32
	// Message is the library's message.
	Message string
}

// Error formats as "tether: library error CODE: message".
func (e *LibraryError) Error() string {
	return fmt.Sprintf("tether: library error %d: %s", e.Code, e.Message)
}

// Is reports whether target is ErrLibrary.
func (e *LibraryError) Is(target error) bool { return target == ErrLibrary }

// statusError maps a status returned by a tether function (not a call's
// outcome) to an error; nil for TETHER_OK.
func statusError(status C.tether_status, message string) error {
	if status == C.TETHER_OK {
		return nil
	}
	return &Error{Code: int32(status), Message: message}
}

// contextError is the error of a call whose context ended first.
func contextError(ctx context.Context, when string) error {
	if ctx.Err() == context.DeadlineExceeded {
		return &Error{Code: int32(C.TETHER_E_DEADLINE), Message: "context deadline exceeded " + when}
	}
	return &Error{Code: int32(C.TETHER_E_CANCELLED), Message: "context canceled " + when}
}
