package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// defaultWait is the strategy WaitDefault picks (wait.go); netpoller was
// the default before it, the one "no regression" is measured against.
const (
	defaultWait  = "tether-spin-then-park"
	previousWait = "tether-netpoller"
)

// oneProcWait is the default wait run with GOMAXPROCS 1 (bench_test.go).
const oneProcWait = "tether-default-gomaxprocs-1"

var waits = []string{"tether-spin-then-park", "tether-drainer-spins", "tether-netpoller", "tether-blocking-poll"}

// environment is what the tables say about how they were made.
type environment struct {
	runs                  int
	loadBefore, loadAfter string
	took                  time.Duration
}

func render(r results, env environment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Made by `go run ./internal/benchreport` (%d runs, each a process of its own running every contender of a group once, in an order rotated run by run; GOMAXPROCS %d; load average %s before, %s after; %s in all). Figures are medians over the runs; ratios are taken within each run, then their median.\n\n",
		env.runs, runtime.GOMAXPROCS(0), env.loadBefore, env.loadAfter, env.took.Round(time.Second))
	serial(&b, r)
	concurrent(&b, r)
	slow(&b, r)
	blocking(&b, r)
	idle(&b, r)
	goals(&b, r)
	noise(&b, r)
	return b.String()
}

// serialConfigs are BenchmarkSerialCall's runtimes, and how to say them.
var serialConfigs = []struct{ name, says string }{
	{"lanes=1", "1 lane"},
	{"lanes=2", "2 lanes"},
	{"lanes=1,lane-spin=0", "1 lane that parks as soon as it is idle (`Spin: -1`)"},
}

func serial(b *strings.Builder, r results) {
	for _, config := range serialConfigs {
		base := "SerialCall/" + config.name + "/"
		fmt.Fprintf(b, "**One goroutine, no-op calls one after another, %s.** p50 per run lists each process's p50; × C and × cgo are the p50 over the C round trip's and the direct cgo call's in the same run.\n\n", config.says)
		b.WriteString("| contender | p50 | p50 per run | × C | × cgo | p99 | p99.9 | CPU per call | allocs/op |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, c := range append(slicesOf(waits), "c-round-trip", "locked-thread", "direct-cgo") {
			name := base + c
			if len(r[name]) == 0 {
				continue
			}
			var perRun []string
			for _, v := range r.series(name, "p50-ns") {
				perRun = append(perRun, ns(v))
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label(c),
				ns(median(r.series(name, "p50-ns"))), strings.Join(perRun, ", "),
				times(median(r.ratios(name, base+"c-round-trip", "p50-ns"))),
				times(median(r.ratios(name, base+"direct-cgo", "p50-ns"))),
				ns(median(r.series(name, "p99-ns"))), ns(median(r.series(name, "p99.9-ns"))),
				ns(median(r.series(name, "cpu-ns/call"))), number(median(r.series(name, "allocs/op"))))
		}
		b.WriteString("\n")
	}
}

func concurrent(b *strings.Builder, r results) {
	base := "ConcurrentCall/goroutines=64/"
	b.WriteString("**64 goroutines, no-op calls, 2 lanes.** Cores is the process's CPU time over wall time.\n\n")
	b.WriteString("| contender | calls/s | p50 | p99 | p99.9 | CPU per call | cores | allocs/op |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range append(slicesOf(waits), oneProcWait, "locked-thread", "direct-cgo") {
		name := base + c
		if len(r[name]) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label(c),
			rate(median(r.series(name, "calls/s"))), ns(median(r.series(name, "p50-ns"))),
			ns(median(r.series(name, "p99-ns"))), ns(median(r.series(name, "p99.9-ns"))),
			ns(median(r.series(name, "cpu-ns/call"))), number(median(r.series(name, "cores"))),
			number(median(r.series(name, "allocs/op"))))
	}
	b.WriteString("\n")
}

func slow(b *strings.Builder, r results) {
	base := "SlowCall/"
	b.WriteString("**1,000 goroutines, 10 ms per call, 2 lanes.** Through tether the library waits on a lane timer, so the lane stays free; the cgo call blocks its OS thread in `nanosleep`.\n\n")
	b.WriteString("| contender | calls/s | p50 | p99 | peak OS threads | CPU per call |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range append(slicesOf(waits), "blocking-cgo") {
		name := base + c
		if len(r[name]) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", label(c),
			rate(median(r.series(name, "calls/s"))), ns(median(r.series(name, "p50-ns"))),
			ns(median(r.series(name, "p99-ns"))), number(median(r.series(name, "peak-threads"))),
			ns(median(r.series(name, "cpu-ns/call"))))
	}
	b.WriteString("\n")
}

func blocking(b *strings.Builder, r results) {
	base := "BlockingHandler/"
	b.WriteString("**A handler that blocks its thread for 1 ms** (a synchronous read, an fsync), 64 goroutines: the same C function through tether's lanes and through cgo; and, for contrast, a handler that waits on a lane timer instead. Sessions counts the threads that made the library's thread-local state.\n\n")
	b.WriteString("| contender | calls/s | p50 | p99 | peak OS threads | sessions | CPU per call |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range []string{"tether-blocking/lanes=1", "tether-blocking/lanes=4", "tether-blocking/lanes=16", "tether-timer/lanes=1", "cgo-blocking"} {
		name := base + c
		if len(r[name]) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(c, "tether-"),
			rate(median(r.series(name, "calls/s"))), ns(median(r.series(name, "p50-ns"))),
			ns(median(r.series(name, "p99-ns"))), number(median(r.series(name, "peak-threads"))),
			number(median(r.series(name, "sessions"))), ns(median(r.series(name, "cpu-ns/call"))))
	}
	b.WriteString("\n")
}

func idle(b *strings.Builder, r results) {
	b.WriteString("**An idle runtime** (2 lanes, after a burst of calls): CPU the process uses while nobody calls, in cores; no-runtime is the same process with no runtime open.\n\n")
	b.WriteString("| contender | cores while idle |\n| --- | --- |\n")
	for _, c := range append(slicesOf(waits), "no-runtime") {
		name := "IdleRuntime/" + c
		if len(r[name]) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | %s |\n", label(c), number(median(r.series(name, "cores"))))
	}
	b.WriteString("\n")
}

func goals(b *strings.Builder, r results) {
	b.WriteString("**Goals**, for the default wait (measured, not asserted):\n\n")
	b.WriteString("| goal | measured | met |\n| --- | --- | --- |\n")
	row := func(goal, measured string, met bool) {
		mark := "no"
		if met {
			mark = "yes"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", goal, measured, mark)
	}
	for _, config := range serialConfigs {
		base := "SerialCall/" + config.name + "/"
		name := base + defaultWait
		x := median(r.ratios(name, base+"c-round-trip", "p50-ns"))
		row("1 goroutine, "+config.name+": p50 ≤ 4× the C round trip", times(x), x <= 4)
		p99 := median(r.series(name, "p99-ns"))
		row("1 goroutine, "+config.name+": p99 ≤ 20 µs", ns(p99), p99 <= 20e3)
		s := spread(r.series(name, "p50-ns"))
		c := spread(r.series(base+"c-round-trip", "p50-ns"))
		row("1 goroutine, "+config.name+": one mode, every run's p50 within 2× of the others", "largest / smallest "+times(s)+" (the C round trip's: "+times(c)+")", s <= 2)
	}
	base := "ConcurrentCall/goroutines=64/"
	rateV := median(r.series(base+defaultWait, "calls/s"))
	row("64 goroutines: ≥ 2 M calls/s", rate(rateV), rateV >= 2e6)
	tail := median(r.series(base+defaultWait, "p99.9-ns"))
	row("64 goroutines: p99.9 ≤ 1 ms", ns(tail), tail <= 1e6)
	if len(r[base+oneProcWait]) != 0 {
		rateV := median(r.series(base+oneProcWait, "calls/s"))
		row("64 goroutines, GOMAXPROCS 1: ≥ 2 M calls/s", rate(rateV), rateV >= 2e6)
		tail := median(r.series(base+oneProcWait, "p99.9-ns"))
		row("64 goroutines, GOMAXPROCS 1: p99.9 ≤ 1 ms", ns(tail), tail <= 1e6)
	}
	x := median(r.ratios("SlowCall/"+defaultWait, "SlowCall/blocking-cgo", "calls/s"))
	row("1,000 goroutines × 10 ms: ≈ 2× the calls/s of blocking cgo", times(x), x >= 1.8)
	threads := median(r.series("SlowCall/"+defaultWait, "peak-threads"))
	limit := float64(2 + runtime.GOMAXPROCS(0) + 16)
	row(fmt.Sprintf("1,000 goroutines × 10 ms: OS threads ≤ lanes + GOMAXPROCS + 16 = %.0f", limit), number(threads), threads <= limit)
	for _, c := range []struct{ what, name, metric, says string }{
		{"1 goroutine, lanes=1", "SerialCall/lanes=1/", "p50-ns", "p50"},
		{"1 goroutine, lanes=2", "SerialCall/lanes=2/", "p50-ns", "p50"},
		{"1 goroutine, lanes=1,lane-spin=0", "SerialCall/lanes=1,lane-spin=0/", "p50-ns", "p50"},
		{"64 goroutines", base, "ns/op", "time per call (1 / calls/s)"},
		{"1,000 goroutines × 10 ms", "SlowCall/", "ns/op", "time per call (1 / calls/s)"},
	} {
		x := median(r.ratios(c.name+defaultWait, c.name+previousWait, c.metric))
		row("no regression, "+c.what+": "+c.says+" over the netpoller wait's", times(x), x <= 1.1)
	}
	idle := median(r.series("IdleRuntime/"+defaultWait, "cores")) - median(r.series("IdleRuntime/no-runtime", "cores"))
	row("an idle runtime costs ~0 CPU: ≤ 0.01 cores over the process with no runtime", number(idle)+" cores", idle <= 0.01)
	b.WriteString("\n")
}

// noise says how much the floor itself moved from run to run.
func noise(b *strings.Builder, r results) {
	c := spread(r.series("SerialCall/lanes=1/c-round-trip", "p50-ns"))
	g := spread(r.series("SerialCall/lanes=1/direct-cgo", "ns/op"))
	fmt.Fprintf(b, "Noise: over the runs, the C round trip's p50 (lanes = 1) moved by %s (largest over smallest) and the direct cgo call's mean by %s.\n", times(c), times(g))
}

func label(c string) string {
	switch c {
	case defaultWait:
		return "**" + strings.TrimPrefix(c, "tether-") + "** (default)"
	case oneProcWait:
		return "spin-then-park, GOMAXPROCS 1"
	}
	return strings.TrimPrefix(c, "tether-")
}

func slicesOf(xs []string) []string { return append([]string(nil), xs...) }
