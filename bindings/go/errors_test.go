package tether

import (
	"context"
	"errors"
	"testing"
)

// Every status the loaded libtether names must have the same name here (a
// libtether older than this package may not know the newest codes yet).
func TestErrorsNamesMatchLibtether(t *testing.T) {
	for code := int32(-1); code <= int32(len(statusNames))+8; code++ {
		want := cStatusName(code)
		if want == "TETHER_E_UNKNOWN" && code >= 0 && int(code) < len(statusNames) && code > ErrInternal.Code {
			continue
		}
		if got := StatusName(code); got != want {
			t.Errorf("StatusName(%d) = %q, libtether says %q", code, got, want)
		}
	}
}

func TestErrorsEverySentinelHasItsOwnCode(t *testing.T) {
	sentinels := []*Error{ErrInvalidArgument, ErrBusy, ErrClosed, ErrCancelled,
		ErrDeadline, ErrLibrary, ErrStaleTicket, ErrAlreadyCompleted,
		ErrWouldDeadlock, ErrForked, ErrNoMemory, ErrTooLarge, ErrLoad,
		ErrVersion, ErrWrongThread, ErrForeignBuffer, ErrDoubleFree, ErrInternal,
		ErrBufferCorrupt, ErrIO}
	if len(sentinels) != len(statusNames)-1 {
		t.Fatalf("%d sentinels for %d error statuses", len(sentinels), len(statusNames)-1)
	}
	for i, s := range sentinels {
		if s.Code != int32(i+1) {
			t.Errorf("sentinel %v has code %d, want %d", s, s.Code, i+1)
		}
	}
}

func TestErrorsDetailedErrorMatchesSentinel(t *testing.T) {
	err := statusError(2, "over credits")
	if !errors.Is(err, ErrBusy) || errors.Is(err, ErrClosed) {
		t.Fatalf("errors.Is(%v, ErrBusy) should hold and ErrClosed should not", err)
	}
	if got := err.Error(); got != "tether: TETHER_E_BUSY: over credits" {
		t.Fatalf("Error() = %q", got)
	}
	if statusError(0, "") != nil {
		t.Fatal("statusError(TETHER_OK) is not nil")
	}
}

func TestErrorsCancelAndDeadlineMatchContextErrors(t *testing.T) {
	cancelled := &Error{Code: ErrCancelled.Code, Message: "x"}
	deadline := &Error{Code: ErrDeadline.Code, Message: "x"}
	if !errors.Is(cancelled, context.Canceled) || errors.Is(cancelled, context.DeadlineExceeded) {
		t.Error("a cancelled call should match context.Canceled only")
	}
	if !errors.Is(deadline, context.DeadlineExceeded) || errors.Is(deadline, context.Canceled) {
		t.Error("an expired call should match context.DeadlineExceeded only")
	}
}

func TestErrorsLibraryErrorMatchesErrLibrary(t *testing.T) {
	var err error = &LibraryError{Code: 3, Message: "unknown method 99"}
	var lib *LibraryError
	if !errors.Is(err, ErrLibrary) || !errors.As(err, &lib) || lib.Code != 3 {
		t.Fatalf("LibraryError should match ErrLibrary and unwrap with errors.As: %v", err)
	}
	if got := err.Error(); got != "tether: library error 3: unknown method 99" {
		t.Fatalf("Error() = %q", got)
	}
}
