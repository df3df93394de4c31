package tether

// #include "tether_go.h"
import "C"

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// Spin budgets: how long a caller waits for its own completion by taking
// from the queue itself before it parks (WaitSpinThenPark). Each method
// (hashed into spinBuckets) learns its own, as TCP's window does: a call
// that came back within the budget doubles it (to at least spinSlack times
// what it took, at most the runtime's maximum), a call that did not halves
// it. Below spinFloor the method's callers park at once, except one call in
// probeEvery, which spins the maximum to notice if the method got quick
// again. So a quick method spins, at worst, its maximum on its rare slow
// calls, and a slow one costs a few wasted spins, then the maximum per
// probeEvery calls.
const (
	spinFloor   = 4 * time.Microsecond
	spinSlack   = 4
	spinBuckets = 64
	probeEvery  = 16
)

// DefaultSpin is the longest a call spins waiting for its own completion
// under WaitSpinThenPark when Options.CallerSpin is zero: long enough to
// see a parked lane wake up (measured at 15 to 30 µs on a loaded 2-core
// machine), which costs no more CPU than parking would. While a caller
// spins, its P runs nothing else; Go's sysmon hands the P to another
// thread after 20 µs or more if other goroutines are waiting for it.
const DefaultSpin = 50 * time.Microsecond

// spinBudgets is the per-method budget table. Updates race benignly: each
// is one atomic store of a heuristic.
//
// Thread safety: any goroutine.
type spinBudgets struct {
	max     int64 // nanoseconds; 0 turns spinning off
	buckets [spinBuckets]spinBucket
}

type spinBucket struct {
	ns    atomic.Int64  // the budget; 0: park at once, probing now and then
	calls atomic.Uint32 // calls parked at once, counted to pick probes
	_     [64 - 12]byte // one cache line per bucket
}

func newSpinBudgets(max time.Duration) *spinBudgets {
	s := &spinBudgets{max: int64(max)}
	for i := range s.buckets {
		s.buckets[i].ns.Store(s.max)
	}
	return s
}

// budget returns how long a call of method may spin (0: park at once).
func (s *spinBudgets) budget(method uint32) int64 {
	if s.max == 0 {
		return 0
	}
	b := &s.buckets[method%spinBuckets]
	if ns := b.ns.Load(); ns > 0 {
		return ns
	}
	if b.calls.Add(1)%probeEvery == 0 {
		// A full spin: a shorter one would miss a lane that parked
		// between two calls, which takes microseconds to wake.
		return s.max
	}
	return 0
}

// came records a call of method whose completion arrived after waited ns
// of spinning.
func (s *spinBudgets) came(method uint32, waited int64) {
	b := &s.buckets[method%spinBuckets]
	b.ns.Store(min(max(2*b.ns.Load(), spinSlack*waited, int64(spinFloor)), s.max))
}

// missed records a call of method that spun its whole budget in vain.
func (s *spinBudgets) missed(method uint32) {
	b := &s.buckets[method%spinBuckets]
	ns := b.ns.Load() / 2
	if ns < int64(spinFloor) {
		ns = 0
	}
	b.ns.Store(ns)
}

// spinCall submits c and waits for its completion by taking from the
// queue itself, for up to budget ns: one cgo crossing for a call that
// completes in time, none of the completion goroutine's wake-ups, and any
// other call's completion it takes on the way is handed out at once. A call
// that is not back in time is counted as parked, and its caller waits on
// c.done like any other. started is false when nothing was submitted and
// the caller should take the ordinary way (another consumer holds the
// queue, every slot is taken, or tether is busy); err is a refusal that
// waiting would not cure.
func (e *engine) spinCall(c *callState, method uint32, key, timeoutNs uint64, payload []byte, budget int64) (ticket uint64, started bool, err error) {
	d := &e.drain
	if !d.mu.TryLock() {
		return 0, false, nil
	}
	if !e.enter() {
		d.mu.Unlock() // closing: Close drains what is left
		return 0, true, errClosed
	}
	defer e.leave()
	tag, ok := e.slab.put(c)
	if !ok {
		e.unlockDrain()
		return 0, false, nil
	}
	q := e.q
	r := C.tether_go_submit_spin(e.ptr(), q.ptr(), C.uint32_t(method), C.uint64_t(key), C.uint64_t(timeoutNs),
		unsafe.Pointer(unsafe.SliceData(payload)), C.size_t(len(payload)), C.uint64_t(tag),
		q.release, C.size_t(q.pending), q.batch, batchSize, C.uint64_t(budget))
	q.pending = 0
	runtime.KeepAlive(payload)
	if r.ticket == 0 { // refused: nothing was taken either
		e.slab.take(tag)
		e.unlockDrain()
		if r.status == C.TETHER_E_BUSY {
			return 0, false, nil
		}
		return 0, true, submitError(r.status, payload)
	}
	ticket = uint64(r.ticket)
	spun := int64(r.spun_ns)
	for {
		e.dispatch(q, int(r.count))
		if r.found != 0 {
			e.spin.came(method, spun)
			break
		}
		// Given up when the time is spent, and as soon as others wait too:
		// the callers just handed their completions are queued on this
		// goroutine's P, and would wait out another spin in C.
		if r.status != C.TETHER_OK || spun >= budget || r.count != 0 {
			e.spin.missed(method)
			e.park(c) // unlockDrain arms the queue for it
			break
		}
		r = C.tether_go_spin(q.ptr(), C.uint64_t(tag), q.release, C.size_t(q.pending), q.batch, batchSize, C.uint64_t(budget-spun))
		q.pending = 0
		spun += int64(r.spun_ns)
	}
	e.unlockDrain()
	return ticket, true, nil
}
