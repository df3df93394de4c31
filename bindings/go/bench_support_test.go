package tether

import (
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The benchmarks report, besides ns/op and allocs/op:
//
//	p50-ns p99-ns p99.9-ns  latency of one call, over every call of the run
//	calls/s                 throughput
//	cpu-ns/call             CPU time of the whole process (every thread:
//	                        lanes, Go's threads) per call, so a spin that
//	                        buys latency with a core shows up here
//	cores                   that CPU time over wall time
//
// bench/report.go runs the test binary several times and makes the tables
// of README.md from these lines.

// rotateEnv, when set to N, rotates the order of each benchmark's
// contenders by N places, so that repeated runs interleave them.
const rotateEnv = "TETHER_BENCH_ROTATE"

// contender is one way of doing what a benchmark measures.
type contender struct {
	name string
	run  func(b *testing.B)
}

// runContenders runs each contender as a sub-benchmark, in the order
// rotateEnv asks for, then the `last` ones in their own order.
func runContenders(b *testing.B, contenders []contender, last ...contender) {
	if n, err := strconv.Atoi(os.Getenv(rotateEnv)); err == nil && len(contenders) > 0 {
		k := ((n % len(contenders)) + len(contenders)) % len(contenders)
		contenders = append(slices.Clone(contenders[k:]), contenders[:k]...)
	}
	for _, c := range append(contenders, last...) {
		b.Run(c.name, c.run)
	}
}

// cpuTime returns the CPU time the process has used, all threads.
func cpuTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// reportLatencies reports the percentiles of one call's latency.
func reportLatencies(b *testing.B, all []time.Duration) {
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	at := func(q float64) float64 { return float64(all[min(int(q*float64(len(all))), len(all)-1)].Nanoseconds()) }
	b.ReportMetric(at(0.5), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
	b.ReportMetric(at(0.999), "p99.9-ns")
}

// reportCost reports throughput and CPU for n calls that took elapsed
// wall time and cpu process CPU time.
func reportCost(b *testing.B, n int, elapsed, cpu time.Duration) {
	b.ReportMetric(float64(n)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/call")
	b.ReportMetric(cpu.Seconds()/elapsed.Seconds(), "cores")
}

// warmUpCalls is how many calls each benchmark makes before it measures:
// enough for lanes, queues and spin budgets to settle.
const warmUpCalls = 2000

// runConcurrently makes warmUpCalls untimed calls of op, then splits b.N
// timed calls over `goroutines` goroutines and reports their latency,
// throughput and CPU.
func runConcurrently(b *testing.B, goroutines int, op func() error) {
	runWarmedUp(b, goroutines, warmUpCalls, op)
}

// runWarmedUp is runConcurrently with `warm` untimed calls.
func runWarmedUp(b *testing.B, goroutines, warm int, op func() error) {
	b.ReportAllocs()
	spread(b, goroutines, warm, op, false)
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime(b)
	latencies := spread(b, goroutines, b.N, op, true)
	elapsed, cpuUsed := time.Since(start), cpuTime(b)-cpu
	b.StopTimer()
	reportLatencies(b, latencies)
	reportCost(b, b.N, elapsed, cpuUsed)
}

// spread makes n calls of op from `goroutines` goroutines, timing each
// call if timed.
func spread(b *testing.B, goroutines, n int, op func() error, timed bool) []time.Duration {
	var next atomic.Int64
	latencies := make([][]time.Duration, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var own []time.Duration
			if timed {
				own = make([]time.Duration, 0, n/goroutines+1)
			}
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				if err := op(); err != nil {
					b.Error(err)
					return
				}
				if timed {
					own = append(own, time.Since(t0))
				}
			}
			latencies[g] = own
		}(g)
	}
	wg.Wait()
	return slices.Concat(latencies...)
}
