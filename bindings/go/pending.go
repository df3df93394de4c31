package tether

import (
	"context"
	"runtime"
)

// Pending is a call started by Go: its outcome arrives later, for callers
// that keep many calls in flight from one goroutine (pipelining).
//
// Thread safety: Done and Result may be used from any goroutines, any
// number of times.
type Pending struct {
	c   *callState
	ctx context.Context
	r   *Runtime // a call in flight keeps its Runtime open
}

// Go starts a call like Call does, but returns once tether accepted it
// (waiting for credit first, if tether is busy and ctx allows). A call
// that could not be started returns a Pending that is already done, with
// the error. Cancelling ctx cancels the call in tether.
func (r *Runtime) Go(ctx context.Context, method uint32, key uint64, payload []byte) *Pending {
	c := newCallState(true)
	p := &Pending{c: c, ctx: ctx, r: r}
	e, err := r.open()
	if err == nil && ctx == nil {
		err = errNilContext
	}
	var ticket uint64
	if err == nil {
		ticket, err = e.submit(ctx, c, method, key, payload, true)
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
// The result slice is shared by every Result call on p.
func (p *Pending) Result() ([]byte, error) {
	<-p.c.done
	runtime.KeepAlive(p.r)
	return p.c.result, outcome(p.ctx, p.c.err)
}
