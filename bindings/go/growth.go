package tether

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
)

// defaultGrowthThreshold is tether's default growth_threshold.
const defaultGrowthThreshold = 4096

// growthWatch is tether's growth watch (runtime/watch/growth_watch.h) for
// a count the binding keeps: a value reaching a power-of-two boundary at
// or above the threshold is reported once for that boundary, and a
// boundary B reports again only after the value fell to B/4 or below.
// Boundaries: T, 2T, 4T, ... with T the threshold rounded up to a power
// of two (0: 4096; math.MaxUint64: off). Reaching several at once reports
// the highest.
//
// Thread safety: observe from any goroutine. It is two atomic loads and
// compares unless a boundary is crossed or re-armed (then a lock, rarely).
// As in tether, observers racing on one count may report out of order and
// so log a boundary twice; they never hide one.
type growthWatch struct {
	// report is called, outside the lock, for each boundary reached.
	report     func(boundary, value, threshold uint64)
	threshold  uint64        // a power of two, or math.MaxUint64: off
	next       atomic.Uint64 // the boundary that reports next
	rearmBelow atomic.Uint64 // falling below this re-arms; 0: nothing to
	mu         sync.Mutex
	lastLogged uint64 // guarded by mu: the highest boundary not re-armed
}

func newGrowthWatch(threshold uint64, report func(boundary, value, threshold uint64)) *growthWatch {
	w := &growthWatch{report: report, threshold: effectiveGrowthThreshold(threshold)}
	w.next.Store(w.threshold)
	return w
}

// effectiveGrowthThreshold applies tether's rules to a growth_threshold.
func effectiveGrowthThreshold(threshold uint64) uint64 {
	switch {
	case threshold == math.MaxUint64:
		return math.MaxUint64
	case threshold == 0:
		threshold = defaultGrowthThreshold
	}
	if threshold <= 1 {
		return 1
	}
	if threshold > 1<<63 {
		return math.MaxUint64
	}
	return 1 << (64 - bits.LeadingZeros64(threshold-1))
}

// observe reports value's boundary if it reached one that is armed.
func (w *growthWatch) observe(value uint64) {
	if value >= w.next.Load() || value < w.rearmBelow.Load() {
		w.slowPath(value)
	}
}

func (w *growthWatch) slowPath(value uint64) {
	if w.threshold == math.MaxUint64 {
		return
	}
	highest := func(v uint64) uint64 { return 1 << (63 - bits.LeadingZeros64(v)) }
	var boundary uint64
	w.mu.Lock()
	if w.lastLogged != 0 && value <= w.lastLogged/4 {
		// Fell far enough: boundaries above the value may report again.
		w.lastLogged = 0
		if value >= w.threshold {
			w.lastLogged = highest(value)
		}
	}
	next := w.threshold
	switch {
	case w.lastLogged > math.MaxUint64/2:
		next = math.MaxUint64
	case w.lastLogged != 0:
		next = w.lastLogged * 2
	}
	if value >= next && value >= w.threshold {
		boundary = highest(value)
		w.lastLogged = boundary
		next = math.MaxUint64
		if boundary <= math.MaxUint64/2 {
			next = boundary * 2
		}
	}
	w.next.Store(next)
	rearm := uint64(0)
	if w.lastLogged != 0 {
		rearm = w.lastLogged/4 + 1
	}
	w.rearmBelow.Store(rearm)
	w.mu.Unlock()
	if boundary != 0 {
		w.report(boundary, value, w.threshold)
	}
}
