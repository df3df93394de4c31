package tether

import (
	"fmt"
	"log/slog"
	"sync/atomic"
)

// uncollectedWhat names the count in leak reports and growth warnings.
const uncollectedWhat = "results of calls started with Go never collected (Pending.Result not called)"

// uncollected counts the outcomes of calls started with Go that are known
// (the Pending is done) but that nobody has read with Result: results
// and errors held in Go memory that tether cannot see, since their
// tether buffers were freed as they were copied out. A growth watch warns
// as the count doubles.
//
// Thread safety: any goroutine.
type uncollected struct {
	n     atomic.Int64
	watch *growthWatch
}

func newUncollected(growthThreshold uint64) *uncollected {
	return &uncollected{watch: newGrowthWatch(growthThreshold, func(boundary, value, threshold uint64) {
		// From its own goroutine: the holder of the drain lock observes,
		// and a slog handler that called into the runtime would stall it
		// there.
		go logLine(slog.LevelWarn, fmt.Sprintf(
			"growth watch: %s reached %d (now %d; threshold %d): if this keeps doubling, "+
				"something is not being drained or freed", uncollectedWhat, boundary, value, threshold))
	})}
}

// arrived counts an outcome that is now known and not yet read.
func (u *uncollected) arrived() { u.watch.observe(uint64(u.n.Add(1))) }

// collected counts an outcome read for the first time.
func (u *uncollected) collected() { u.watch.observe(uint64(u.n.Add(-1))) }

// count returns how many outcomes are waiting to be read.
func (u *uncollected) count() uint64 { return uint64(max(u.n.Load(), 0)) }

// addTo adds the count to report as a finding of its own.
func (u *uncollected) addTo(report LeakReport) LeakReport {
	n := u.count()
	if n == 0 {
		return report
	}
	if report.Text == "" {
		report.Text = "leak report for a Go tether.Runtime:\n"
	}
	report.Findings += n
	report.Text += fmt.Sprintf("  %d %s\n", n, uncollectedWhat)
	return report
}
