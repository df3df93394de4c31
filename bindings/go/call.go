package tether

// #include "tether_go.h"
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// Credit waits fall back to retrying on a timer in case credit comes back
// without a completion this runtime hands out (older libtether builds freed
// a cancelled call's credit only when the library replied).
const (
	creditRetryFirst = time.Millisecond
	creditRetryMax   = 16 * time.Millisecond
)

// callState is one call in flight: filled in by whoever takes its
// completion from the queue (drain.go), who then signals done once.
type callState struct {
	done   chan struct{}
	result []byte
	err    error
	// closes: close done (a Pending, any number of waiters) rather than
	// send on it (a Call, reused once its caller has read the outcome).
	closes bool
	// stop unregisters a Pending's context.AfterFunc.
	stop atomic.Pointer[func() bool]
	// results counts a Pending's outcome from its arrival until it is
	// read; nil for a Call, whose caller always reads it.
	results *uncollected
	// parked: counted in the drainer's parked calls (drain.go). Set by
	// the caller before the call is in flight or while holding the drain
	// lock, cleared by whoever dispatches the completion.
	parked bool
}

func newCallState(closes bool) *callState {
	return &callState{done: make(chan struct{}, 1), closes: closes}
}

// complete records the outcome and wakes the caller. Called once, by the
// holder of the drain lock that took the completion (or by Go for a call
// that was never accepted).
func (c *callState) complete(result []byte, err error) {
	c.result, c.err = result, err
	if !c.closes {
		c.done <- struct{}{}
		return
	}
	if c.results != nil {
		c.results.arrived() // before done: Result's decrement comes after
	}
	close(c.done)
	if stop := c.stop.Load(); stop != nil {
		(*stop)()
	}
}

// Call runs method on the library with payload and returns its result.
// key chooses the lane (the same key always runs on the same lane; AnyLane
// lets any lane take it). payload is copied before Call submits it, so it
// may be reused at once; the result is Go memory owned by the caller.
//
// When tether is over its credits, Call waits for calls in flight to
// complete (while ctx allows) instead of failing. ctx's deadline becomes
// the call's tether deadline (ErrDeadline); cancelling ctx cancels the call
// in tether (ErrCancelled). Errors match ErrClosed, ErrCancelled (and
// context.Canceled), ErrDeadline (and context.DeadlineExceeded),
// ErrTooLarge, or are a *LibraryError.
//
// Thread safety: any goroutine. Blocks until the call completes.
func (r *Runtime) Call(ctx context.Context, method uint32, key uint64, payload []byte) ([]byte, error) {
	return r.call(ctx, method, key, payload, true)
}

// TryCall is Call, except that when tether is over its credits it returns
// ErrBusy at once instead of waiting.
func (r *Runtime) TryCall(ctx context.Context, method uint32, key uint64, payload []byte) ([]byte, error) {
	return r.call(ctx, method, key, payload, false)
}

func (r *Runtime) call(ctx context.Context, method uint32, key uint64, payload []byte, waitForCredit bool) ([]byte, error) {
	e, err := r.open()
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, errNilContext
	}
	if e.drain.callerSpin {
		e.callers.Add(1)
		defer e.callers.Add(-1)
	}
	c := e.calls.Get().(*callState)
	ticket, spun, err := e.trySpin(ctx, c, method, key, payload)
	if err == nil && !spun {
		ticket, err = e.submitParked(ctx, c, method, key, payload, waitForCredit)
	}
	if err != nil {
		e.calls.Put(c)
		return nil, err
	}
	if cancelled := ctx.Done(); cancelled == nil {
		<-c.done // a context that is never done: a receive costs less than a select
	} else {
		select {
		case <-c.done:
		case <-cancelled:
			e.cancel(ticket)
			<-c.done // the outcome (cancelled, or what came first) still arrives
		}
	}
	result, err := c.result, outcome(ctx, c.err)
	c.result, c.err = nil, nil
	e.calls.Put(c)
	runtime.KeepAlive(r)
	return result, err
}

var errNilContext = &Error{Code: ErrInvalidArgument.Code, Message: "nil context.Context"}

// outcome turns a cancellation the binding made because ctx expired into
// the deadline error the caller expects.
func outcome(ctx context.Context, err error) error {
	// A type assertion, not errors.As: dispatch makes the *Error itself,
	// and errors.As would cost every call an allocation.
	if te, ok := err.(*Error); ok && te.Code == ErrCancelled.Code && ctx.Err() == context.DeadlineExceeded {
		return &Error{Code: ErrDeadline.Code, Message: "context deadline exceeded while the call was in flight"}
	}
	return err
}

// trySpin starts c by spinCall when the runtime's callers spin and the
// method's budget allows. spun is false when it did not start the call.
func (e *engine) trySpin(ctx context.Context, c *callState, method uint32, key uint64, payload []byte) (ticket uint64, spun bool, err error) {
	// Only a caller alone spins. With others in Call, the goroutines its
	// spin would keep off its P are the ones about to submit, and 64 of
	// them made a third fewer calls a second when they spun by turns.
	if !e.drain.callerSpin || e.callers.Load() > 1 || e.drain.parked.Load() > 0 {
		return 0, false, nil // the completion goroutine serves them all
	}
	budget := e.spin.budget(method)
	if budget == 0 {
		return 0, false, nil
	}
	timeoutNs, err := callTimeout(ctx)
	if err != nil {
		return 0, false, err
	}
	return e.spinCall(c, method, key, timeoutNs, payload, budget)
}

// submitParked starts a call whose caller will not spin for it: it is
// counted as parked before it is submitted, and covered after (drain.go).
func (e *engine) submitParked(ctx context.Context, c *callState, method uint32, key uint64, payload []byte, waitForCredit bool) (uint64, error) {
	e.park(c)
	ticket, err := e.submit(ctx, c, method, key, payload, waitForCredit)
	if err != nil {
		e.unpark(c)
		return 0, err
	}
	e.cover()
	return ticket, nil
}

// submit starts a call completing into c and returns its ticket. When
// tether is busy it waits for credit if waitForCredit (woken as completions
// free credit, while ctx allows), else it fails with ErrBusy.
func (e *engine) submit(ctx context.Context, c *callState, method uint32, key uint64, payload []byte, waitForCredit bool) (uint64, error) {
	var waiter *creditWaiter
	var retry *time.Timer
	backoff := creditRetryFirst
	defer func() {
		if waiter != nil {
			e.gate.leave(waiter)
			retry.Stop()
		}
	}()
	for {
		timeoutNs, err := callTimeout(ctx)
		if err != nil {
			return 0, err
		}
		if waiter != nil {
			e.gate.requeue(waiter) // before the attempt: a wake-up cannot be missed
		}
		ticket, status := e.attempt(c, method, key, timeoutNs, payload)
		switch {
		case status == C.TETHER_OK:
			return ticket, nil
		case status != C.TETHER_E_BUSY || !waitForCredit:
			return 0, submitError(status, payload)
		case waiter == nil:
			waiter = newCreditWaiter()
			retry = time.NewTimer(backoff)
			continue // queue up, then try once more before sleeping
		}
		select {
		case <-waiter.wake:
		case <-retry.C:
			backoff = min(2*backoff, creditRetryMax)
			retry.Reset(backoff)
		case <-ctx.Done():
			return 0, contextError(ctx, "while waiting for credit")
		}
	}
}

// callTimeout turns ctx's deadline into a tether timeout (0: none).
func callTimeout(ctx context.Context) (uint64, error) {
	if ctx.Err() != nil {
		return 0, contextError(ctx, "before the call was submitted")
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return 0, nil
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0, &Error{Code: ErrDeadline.Code, Message: "context deadline exceeded before the call was submitted"}
	}
	return uint64(left), nil
}

// attempt makes one submit: one slab slot, one cgo crossing.
func (e *engine) attempt(c *callState, method uint32, key, timeoutNs uint64, payload []byte) (uint64, C.tether_status) {
	tag, ok := e.slab.put(c)
	if !ok {
		return 0, C.TETHER_E_BUSY // every slot names a call whose completion is not yet taken
	}
	if !e.enter() {
		e.slab.take(tag)
		return 0, C.TETHER_E_CLOSED
	}
	r := C.tether_go_submit_cq(e.ptr(), e.q.ptr(), C.uint32_t(method), C.uint64_t(key), C.uint64_t(timeoutNs),
		unsafe.Pointer(unsafe.SliceData(payload)), C.size_t(len(payload)), C.uint64_t(tag))
	e.leave()
	runtime.KeepAlive(payload)
	if r.status != C.TETHER_OK {
		e.slab.take(tag) // not accepted: no completion will come
	}
	return uint64(r.ticket), r.status
}

// submitError explains a refused submit.
func submitError(status C.tether_status, payload []byte) error {
	switch status {
	case C.TETHER_E_BUSY:
		return &Error{Code: int32(status), Message: "over the runtime's credits (calls or bytes in flight)"}
	case C.TETHER_E_CLOSED:
		return errClosed
	case C.TETHER_E_TOO_LARGE:
		return &Error{Code: int32(status), Message: fmt.Sprintf("payload of %d bytes is over the runtime's MaxPayloadBytes", len(payload))}
	}
	return statusError(status, "submit refused the call")
}

// cancel asks tether to end a call; its completion still arrives.
func (e *engine) cancel(ticket uint64) {
	if !e.enter() {
		return // closing: the call ends with ErrClosed anyway
	}
	C.tether_cancel(e.ptr(), C.uint64_t(ticket))
	e.leave()
}
