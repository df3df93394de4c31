package tether

// #include "tether_go.h"
import "C"

import "runtime"

// Stats is a snapshot of a runtime's counters (tether_stats). Counters are
// read one by one, not as one atomic snapshot.
type Stats struct {
	Submitted          uint64 // calls accepted
	RejectedBusy       uint64 // submits refused as busy (including retries)
	CompletedOK        uint64 // delivered with a result
	CompletedLibrary   uint64 // delivered with a library error
	CompletedCancelled uint64 // delivered as cancelled
	CompletedDeadline  uint64 // delivered past their deadline
	CompletedClosed    uint64 // delivered as closed by shutdown
	InFlight           uint64 // accepted calls whose slot is not yet released
	BytesInFlight      uint64 // payload bytes of those calls
	LateReplies        uint64 // library replies after the call had ended
	CallbackExceptions uint64 // exceptions thrown by host callbacks
	Lanes              uint32 // lanes the runtime runs
}

// Stats returns the runtime's counters. It returns ErrClosed after Close.
// Thread safety: any goroutine.
func (r *Runtime) Stats() (Stats, error) {
	e, err := r.open()
	if err != nil {
		return Stats{}, err
	}
	defer runtime.KeepAlive(r)
	if !e.enter() {
		return Stats{}, errClosed
	}
	var s C.tether_stats
	C.tether_stats_init(&s)
	status := C.tether_runtime_stats(e.ptr(), &s)
	e.leave()
	if err := statusError(status, "reading stats"); err != nil {
		return Stats{}, err
	}
	return Stats{
		Submitted:          uint64(s.submitted),
		RejectedBusy:       uint64(s.rejected_busy),
		CompletedOK:        uint64(s.completed_ok),
		CompletedLibrary:   uint64(s.completed_library),
		CompletedCancelled: uint64(s.completed_cancelled),
		CompletedDeadline:  uint64(s.completed_deadline),
		CompletedClosed:    uint64(s.completed_closed),
		InFlight:           uint64(s.in_flight),
		BytesInFlight:      uint64(s.bytes_in_flight),
		LateReplies:        uint64(s.late_replies),
		CallbackExceptions: uint64(s.callback_exceptions),
		Lanes:              uint32(s.lanes),
	}, nil
}
