package tether

import (
	"sync"
	"sync/atomic"
)

// creditGate is where callers that tether refused as busy wait for credit.
// The drain goroutine frees credit as it hands out completions, and wakes
// as many waiters (first come, first served) as the batch had completions;
// a woken waiter that gives up passes its wake-up on, so none is lost.
//
// Thread safety: every method from any goroutine.
type creditGate struct {
	waiting atomic.Int64
	mu      sync.Mutex
	head    *creditWaiter
	tail    *creditWaiter
}

// creditWaiter is one caller waiting for credit. wake receives one value
// when the waiter is released; it is empty whenever the waiter is queued.
// The fields below it are guarded by the gate.
type creditWaiter struct {
	wake       chan struct{}
	prev, next *creditWaiter
	queued     bool
}

func newCreditWaiter() *creditWaiter {
	return &creditWaiter{wake: make(chan struct{}, 1)}
}

// enqueue puts w at the back of the queue.
func (g *creditGate) enqueue(w *creditWaiter) {
	g.mu.Lock()
	g.link(w)
	g.mu.Unlock()
}

// link appends w. REQUIRES: g.mu held, !w.queued.
func (g *creditGate) link(w *creditWaiter) {
	w.queued = true
	w.prev, w.next = g.tail, nil
	if g.tail == nil {
		g.head = w
	} else {
		g.tail.next = w
	}
	g.tail = w
	g.waiting.Add(1)
}

// unlink removes w from the queue. REQUIRES: g.mu held, w.queued.
func (g *creditGate) unlink(w *creditWaiter) {
	if w.prev == nil {
		g.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		g.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	g.waiting.Add(-1)
}

// requeue puts w back at the end of the queue unless it is still queued.
// The caller is about to retry, which uses up any wake-up w still holds:
// a queued waiter's wake channel is always empty.
func (g *creditGate) requeue(w *creditWaiter) {
	g.mu.Lock()
	if !w.queued {
		select {
		case <-w.wake:
		default:
		}
		g.link(w)
	}
	g.mu.Unlock()
}

// leave takes w out of the queue for good; a wake-up it received but will
// not use goes to the next waiter.
func (g *creditGate) leave(w *creditWaiter) {
	g.mu.Lock()
	if w.queued {
		g.unlink(w)
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	select {
	case <-w.wake:
		g.release(1)
	default:
	}
}

// release wakes up to n waiters, oldest first. Cheap when none waits.
func (g *creditGate) release(n int) {
	if n <= 0 || g.waiting.Load() == 0 {
		return
	}
	g.mu.Lock()
	for ; n > 0 && g.head != nil; n-- {
		w := g.head
		g.unlink(w)
		w.wake <- struct{}{}
	}
	g.mu.Unlock()
}

// releaseAll wakes every waiter (the runtime is closing).
func (g *creditGate) releaseAll() {
	g.mu.Lock()
	for g.head != nil {
		w := g.head
		g.unlink(w)
		w.wake <- struct{}{}
	}
	g.mu.Unlock()
}
