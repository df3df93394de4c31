package tether

import (
	"context"
	"runtime"
	"sync/atomic"
)

// Pending is a call started by Go: its outcome arrives later, for callers
// that keep many calls in flight from one goroutine (pipelining).
//
// Its outcome is held in Go memory until Result reads it, and counted as
// not collected until then: in Runtime.LeakReport, Stats.Uncollected and
// a growth warning logged as the count doubles (Options.GrowthThreshold).
// A Pending dropped without a Result call stays counted: its outcome,
// perhaps an error, was never looked at. Waiting on Done alone does not
// collect it.
//
// Thread safety: Done and Result may be used from any goroutines, any
// number of times.
type Pending struct {
	c   *callState
	ctx context.Context
	r   *Runtime // a call in flight keeps its Runtime open
	// read is set by the first Result, which uncounts the outcome.
	read atomic.Bool
}

// Go starts a call like Call does, but returns once tether accepted it
// (waiting for credit first, if tether is busy and ctx allows). A call
// that could not be started returns a Pending that is already done, with
// the error. Cancelling ctx cancels the call in tether.
func (r *Runtime) Go(ctx context.Context, method uint32, key uint64, payload []byte) *Pending {
	c := newCallState(true)
	p := &Pending{c: c, ctx: ctx, r: r}
	e, err := r.open()
	if err == nil {
		c.results = e.results
	}
	if err == nil && ctx == nil {
		err = errNilContext
	}
	var ticket uint64
	if err == nil {
		ticket, err = e.submitParked(ctx, c, method, key, payload, true)
	}
	if err != nil {
		p.ctx = context.Background()
		c.complete(nil, err)
		return p
	}
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { e.cancel(ticket) })
		c.stop.Store(&stop)
		select {
		case <-c.done: // completed before stop was stored: unregister here
			stop()
		default:
		}
	}
	return p
}

// Done is closed when the call's outcome is known.
func (p *Pending) Done() <-chan struct{} { return p.c.done }

// Result waits for the call to complete and returns what Call would have.
// The result slice is shared by every Result call on p. The first call
// collects the outcome (see Pending).
func (p *Pending) Result() ([]byte, error) {
	<-p.c.done
	if p.c.results != nil && p.read.CompareAndSwap(false, true) {
		p.c.results.collected()
	}
	runtime.KeepAlive(p.r)
	return p.c.result, outcome(p.ctx, p.c.err)
}
