package tether

// #include "tether_go.h"
import "C"

import (
	"runtime"
	"time"
)

// drainerFloor is the shortest window the completion goroutine spins for;
// a shorter one is not worth a look, and the goroutine sleeps at once.
const drainerFloor = 5 * time.Microsecond

// drainerWindow is how long the completion goroutine keeps looking for
// completions after the last one it found, learnt as the callers' spin
// budgets are (spin.go): a spin that found completions doubles it, one
// that found none halves it, and below drainerFloor the goroutine sleeps
// at once, except after one wake-up in probeEvery. So a stream of quick
// calls keeps it looking, and calls that come back a millisecond apart
// cost a wake-up each, not a wake-up and a spin.
//
// Thread safety: the completion goroutine only.
type drainerWindow struct {
	max, now time.Duration
	wakes    int // wake-ups while now is 0, to pick probes
}

// length returns how long to look after this wake-up's last completion.
func (w *drainerWindow) length() time.Duration {
	if w.now > 0 || w.max == 0 {
		return w.now
	}
	if w.wakes++; w.wakes%probeEvery == 0 {
		return min(drainerFloor, w.max)
	}
	return 0
}

// found records whether the last spin found any completion.
func (w *drainerWindow) found(any bool) {
	if any {
		w.now = min(max(2*w.now, drainerFloor), w.max)
		return
	}
	if w.now /= 2; w.now < drainerFloor {
		w.now = 0
	}
}

// spinDrain keeps taking completions, yielding the P between looks, until
// none came for `window`; then it takes the drain lock once more as
// holdDrain does. It returns whether it found any completion, and whether
// the queue is finished. While it looks, the queue counts as covered: the
// goroutine will look again.
func (e *engine) spinDrain(q *completionQueue, window time.Duration) (found, closed bool) {
	d := &e.drain
	last := time.Now()
	for {
		runtime.Gosched()
		if d.mu.TryLock() {
			d.covered.Store(true)
			n, status := q.take()
			e.dispatch(q, n)
			if status != C.TETHER_OK {
				reportDrainEnd(status)
				q.flush()
				d.mu.Unlock()
				return found, true
			}
			e.unlockDrain()
			if n > 0 {
				found = true
				last = time.Now()
				continue
			}
		}
		if time.Since(last) >= window {
			break
		}
	}
	d.mu.Lock()
	if _, closed = e.holdDrain(q); closed {
		q.flush()
		d.mu.Unlock()
		return found, true
	}
	e.unlockDrain()
	return found, false
}
