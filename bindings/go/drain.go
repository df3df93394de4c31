package tether

// #include "tether_go.h"
import "C"

import (
	"sync"
	"sync/atomic"
	"time"
)

// drainer decides who takes completions from the runtime's queue: a call
// that spins waiting for its own completion (spin.go), the completion
// goroutine woken by the queue's eventfd (wait.go), or, now and then, a
// caller that just submitted. One of them at a time holds mu, and only the
// holder polls the queue or touches its batch and release arrays.
//
// The eventfd is written only when the queue is armed: after a
// tether_cq_poll found it empty (tether_cq_take leaves it as it was), and
// only by the first push after that. A spinning caller takes its own
// completion, so for it the queue needs no arming, and a wake-up of the
// completion goroutine per call is what spinning exists to avoid. Calls
// whose caller is not spinning (parked on their channel, or a Pending)
// need one. So the holders keep this invariant:
//
//	parked > 0 and nobody holds mu  =>  covered
//
// where covered means the queue is armed, or armed and written since (the
// completion goroutine will wake). It becomes false only when the
// completion goroutine, having reset the eventfd, drains the queue without
// arming it, which it does only while parked is 0.
//
// The order of operations is what makes it hold without a lock shared by
// every call: a caller about to park counts itself in parked before it
// submits and looks at covered after (cover); a holder leaving unlocks
// first and looks at parked and covered after (unlock). Either the caller
// sees covered, or the holder sees the caller (Go atomics are
// sequentially consistent).
//
// Thread safety: any goroutine.
type drainer struct {
	mu sync.Mutex
	// parked counts accepted calls whose completion nobody is spinning for.
	parked atomic.Int64
	// covered: see above. Written by a holder of mu.
	covered atomic.Bool
	// callerSpin: callers may spin (WaitSpinThenPark). Without it the
	// completion goroutine always arms the queue as it leaves.
	callerSpin bool
	// drainerSpin is how long the completion goroutine keeps looking
	// after the last completion it found before it sleeps on the eventfd;
	// 0 sleeps at once.
	drainerSpin time.Duration
	// owned: the blocking-poll goroutine holds mu all its life and polls
	// with a timeout, so covered stays true.
	owned bool
}

// park counts c as a call nobody spins for. REQUIRES: c is not in flight,
// or the caller holds mu (nobody else may dispatch c meanwhile).
func (e *engine) park(c *callState) {
	c.parked = true
	e.drain.parked.Add(1)
}

// unpark undoes park for a call that was not accepted.
func (e *engine) unpark(c *callState) {
	c.parked = false
	e.drain.parked.Add(-1)
}

// cover makes sure a parked call just accepted gets its completion taken:
// it arms the queue if no holder will. REQUIRES: the call was counted by
// park before it was submitted.
func (e *engine) cover() {
	d := &e.drain
	if d.covered.Load() || !d.mu.TryLock() {
		return // covered, or the holder sees our call as it leaves
	}
	if !e.enter() {
		// Closing: Close drains the queue once every call has completed.
		d.mu.Unlock()
		return
	}
	e.unlockDrain()
	e.leave()
}

// unlockDrain releases mu, arming the queue first if a parked call needs
// it. REQUIRES: mu held; the queue not destroyed until this returns (the
// caller holds an enter, is the completion goroutine, or is Close).
func (e *engine) unlockDrain() {
	d := &e.drain
	for {
		if !d.covered.Load() && d.parked.Load() > 0 {
			e.armQueue()
		}
		e.q.flush()
		d.mu.Unlock()
		if d.covered.Load() || d.parked.Load() == 0 || !d.mu.TryLock() {
			return
		}
	}
}

// armQueue polls until the queue is found empty, which arms it, handing
// out what it takes. REQUIRES: mu held.
func (e *engine) armQueue() {
	q := e.q
	for {
		n, status := q.poll(0)
		e.dispatch(q, n)
		if status != C.TETHER_OK || n < batchSize {
			break
		}
	}
	e.drain.covered.Store(true)
}
