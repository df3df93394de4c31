package tether

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

// runConcurrently splits b.N calls of op over `goroutines` goroutines and
// reports throughput and the p50/p99 latency of one call.
func runConcurrently(b *testing.B, goroutines int, op func() error) {
	var next atomic.Int64
	latencies := make([][]time.Duration, goroutines)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			own := make([]time.Duration, 0, b.N/goroutines+1)
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if err := op(); err != nil {
					b.Error(err)
					return
				}
				own = append(own, time.Since(t0))
			}
			latencies[g] = own
		}(g)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(latencies...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds()), "p99-ns")
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
}

// BenchmarkNoopCall: a no-op call through tether with each wait strategy,
// against a direct cgo call to a C function that does nothing.
func BenchmarkNoopCall(b *testing.B) {
	for _, goroutines := range []int{1, 64, 1024} {
		for _, strategy := range strategies {
			b.Run(fmt.Sprintf("tether-%s/goroutines=%d", strategy, goroutines), func(b *testing.B) {
				rt := openNoop(b, &Options{Lanes: 2, Wait: strategy})
				runConcurrently(b, goroutines, func() error {
					_, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil)
					return err
				})
			})
		}
		b.Run(fmt.Sprintf("direct-cgo/goroutines=%d", goroutines), func(b *testing.B) {
			runConcurrently(b, goroutines, func() error {
				nooplib.DirectNoop()
				return nil
			})
		})
	}
}

// BenchmarkSlowCall: 1,000 goroutines each waiting 10 ms per call, through
// tether (a lane timer, the goroutine parks) against a blocking cgo call
// into a C function that sleeps (each takes an OS thread).
func BenchmarkSlowCall(b *testing.B) {
	const goroutines, delay = 1000, 10 * time.Millisecond
	for _, strategy := range strategies {
		b.Run("tether-"+strategy.String(), func(b *testing.B) {
			rt := openNoop(b, &Options{Lanes: 2, Wait: strategy})
			payload := nooplib.SleepPayload(delay)
			sampler := sampleThreads(b)
			runConcurrently(b, goroutines, func() error {
				_, err := rt.Call(background, nooplib.MethodSleep, AnyLane, payload)
				return err
			})
			b.ReportMetric(float64(sampler.peak()), "peak-threads")
		})
	}
	b.Run("blocking-cgo", func(b *testing.B) {
		sampler := sampleThreads(b)
		runConcurrently(b, goroutines, func() error {
			nooplib.DirectSleep(delay)
			return nil
		})
		b.ReportMetric(float64(sampler.peak()), "peak-threads")
	})
}
