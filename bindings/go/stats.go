package tether

// #include "tether_go.h"
import "C"

import (
	"runtime"
	"time"
)

// Stats is a snapshot of a runtime's counters (tether_stats), and the
// binding's count of results never collected. Counters are read one by
// one, not as one atomic snapshot.
type Stats struct {
	Submitted          uint64 // calls accepted
	RejectedBusy       uint64 // submits refused as busy (including retries)
	CompletedOK        uint64 // delivered with a result
	CompletedLibrary   uint64 // delivered with a library error
	CompletedCancelled uint64 // delivered as cancelled
	CompletedDeadline  uint64 // delivered past their deadline
	CompletedClosed    uint64 // delivered as closed by shutdown
	InFlight           uint64 // accepted calls whose completion the binding has not yet taken from tether
	BytesInFlight      uint64 // payload bytes of those calls
	LateReplies        uint64 // library replies after the call had ended
	CallbackExceptions uint64 // exceptions thrown by host callbacks
	Lanes              uint32 // lanes the runtime runs
	QueueDepth         uint64 // requests waiting in lane and shared queues
	CQBacklog          uint64 // completions in the runtime's completion queue, not yet polled
	BuffersLive        uint64 // tether buffers alive, process-wide
	BufferBytesLive    uint64 // their bytes
	// Submit-to-completion latency of delivered calls, from tether's
	// log-bucket histogram (4 buckets per power of two): each figure is
	// the upper bound of its bucket, at most 19% above the true value.
	LatencyP50  time.Duration
	LatencyP99  time.Duration
	LatencyP999 time.Duration
	// Uncollected is kept by the binding, not tether: outcomes of calls
	// started with Go that are known but that no Pending.Result call has
	// read (see Pending).
	Uncollected uint64
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
		QueueDepth:         uint64(s.queue_depth),
		CQBacklog:          uint64(s.cq_backlog),
		BuffersLive:        uint64(s.buffers_live),
		BufferBytesLive:    uint64(s.buffer_bytes_live),
		LatencyP50:         time.Duration(s.latency_p50_ns),
		LatencyP99:         time.Duration(s.latency_p99_ns),
		LatencyP999:        time.Duration(s.latency_p999_ns),
		Uncollected:        e.results.count(),
	}, nil
}
