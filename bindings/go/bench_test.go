package tether

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"tether.dev/tether/internal/cbaseline"
	"tether.dev/tether/internal/nooplib"
)

// noopCall is one no-op Call through rt.
func noopCall(rt *Runtime) func() error {
	return func() error {
		_, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil)
		return err
	}
}

// tetherContenders is a no-op Call through a runtime opened with opts and
// each wait strategy in turn.
func tetherContenders(goroutines int, opts Options) []contender {
	var out []contender
	for _, strategy := range strategies {
		out = append(out, contender{"tether-" + strategy.String(), func(b *testing.B) {
			o := opts
			o.Wait = strategy
			rt := openNoop(b, &o)
			runConcurrently(b, goroutines, noopCall(rt))
		}})
	}
	return out
}

// directCgo is one cgo call into a C function that does nothing.
func directCgo(goroutines int) contender {
	return contender{"direct-cgo", func(b *testing.B) {
		runConcurrently(b, goroutines, func() error {
			nooplib.DirectNoop()
			return nil
		})
	}}
}

// cRoundTrip is tether's own round trip from C, on a runtime like the Go
// contenders' (lanes, and their idle spin).
func cRoundTrip(lanes int, spin time.Duration) contender {
	return contender{"c-round-trip", func(b *testing.B) {
		cSpin := spin
		switch {
		case spin == 0:
			cSpin = -1 // tether's default, as Options.Spin 0 means
		case spin < 0:
			cSpin = 0
		}
		rt, err := cbaseline.Open(nooplib.Library(), lanes, cSpin)
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close()
		b.ReportAllocs()
		if _, err := rt.RoundTrips(nooplib.MethodNoop, warmUpCalls); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		start, cpu := time.Now(), cpuTime(b)
		latencies, err := rt.RoundTrips(nooplib.MethodNoop, b.N)
		elapsed, cpuUsed := time.Since(start), cpuTime(b)-cpu
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		reportLatencies(b, latencies)
		reportCost(b, b.N, elapsed, cpuUsed)
	}}
}

// BenchmarkSerialCall: one goroutine making no-op calls one after the
// other, through tether with each wait strategy, against tether's own round
// trip from C, goroutines locked to OS threads fed through a channel (what
// Go code writes to keep a library on threads of its own) and a direct cgo
// call: on one lane and on two, and on one lane that parks as soon as it
// is idle (Spin < 0) instead of spinning.
func BenchmarkSerialCall(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"lanes=1", Options{Lanes: 1}},
		{"lanes=2", Options{Lanes: 2}},
		{"lanes=1,lane-spin=0", Options{Lanes: 1, Spin: -1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			runContenders(b, append(tetherContenders(1, c.opts), cRoundTrip(c.opts.Lanes, c.opts.Spin), lockedThread(1, c.opts.Lanes), directCgo(1)))
		})
	}
}

// BenchmarkConcurrentCall: 64 goroutines making no-op calls, each one
// after the other, through tether on two lanes with each wait strategy,
// with the default wait once more under GOMAXPROCS 1, through two
// locked-thread workers, and as direct cgo calls.
func BenchmarkConcurrentCall(b *testing.B) {
	const goroutines = 64
	b.Run(fmt.Sprintf("goroutines=%d", goroutines), func(b *testing.B) {
		contenders := append(tetherContenders(goroutines, Options{Lanes: 2}), oneProc(goroutines, Options{Lanes: 2}))
		runContenders(b, append(contenders, lockedThread(goroutines, 2), directCgo(goroutines)))
	})
}

// oneProc is the default wait with GOMAXPROCS 1 for its length: Go's
// threads on one core, leaving the other to the lanes, so that on a
// machine with few cores the OS does not preempt a busy lane for a Go
// thread or the other way round.
func oneProc(goroutines int, opts Options) contender {
	return contender{"tether-default-gomaxprocs-1", func(b *testing.B) {
		previous := runtime.GOMAXPROCS(1)
		defer runtime.GOMAXPROCS(previous)
		rt := openNoop(b, &opts)
		runConcurrently(b, goroutines, noopCall(rt))
	}}
}

// BenchmarkSlowCall: 1,000 goroutines each waiting 10 ms per call, through
// tether (a lane timer: the lane stays free, the goroutine parks) against a
// blocking cgo call into a C function that sleeps (each takes an OS
// thread).
func BenchmarkSlowCall(b *testing.B) {
	const goroutines, delay = 1000, 10 * time.Millisecond
	var contenders []contender
	for _, strategy := range strategies {
		contenders = append(contenders, contender{"tether-" + strategy.String(), func(b *testing.B) {
			rt := openNoop(b, &Options{Lanes: 2, Wait: strategy})
			payload := nooplib.SleepPayload(delay)
			sampler := sampleThreads(b)
			runConcurrently(b, goroutines, func() error {
				_, err := rt.Call(background, nooplib.MethodSleep, AnyLane, payload)
				return err
			})
			b.ReportMetric(float64(sampler.peak()), "peak-threads")
		}})
	}
	// Last, unrotated: the OS threads it makes outlive it and would count
	// as the next contender's.
	runContenders(b, contenders, contender{"blocking-cgo", func(b *testing.B) {
		sampler := sampleThreads(b)
		runConcurrently(b, goroutines, func() error {
			nooplib.DirectSleep(delay)
			return nil
		})
		b.ReportMetric(float64(sampler.peak()), "peak-threads")
	}})
}

// BenchmarkIdleRuntime: the CPU an open runtime uses while nobody calls
// it, after a burst of calls, against the same process with no runtime
// open (the benchmark's own sleeping goroutine, Go's sysmon); each op is
// 10 ms of idleness.
func BenchmarkIdleRuntime(b *testing.B) {
	idle := func(b *testing.B) {
		time.Sleep(50 * time.Millisecond) // lanes and spinners settle
		b.ResetTimer()
		start, cpu := time.Now(), cpuTime(b)
		for i := 0; i < b.N; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		elapsed, cpuUsed := time.Since(start), cpuTime(b)-cpu
		b.StopTimer()
		b.ReportMetric(cpuUsed.Seconds()/elapsed.Seconds(), "cores")
	}
	contenders := []contender{{"no-runtime", idle}}
	for _, strategy := range strategies {
		contenders = append(contenders, contender{"tether-" + strategy.String(), func(b *testing.B) {
			rt := openNoop(b, &Options{Lanes: 2, Wait: strategy})
			spread(b, 8, warmUpCalls, noopCall(rt), false)
			idle(b)
		}})
	}
	runContenders(b, contenders)
}

// BenchmarkBlockingHandler: a library whose handler blocks its thread for
// 1 ms (as a synchronous read or an fsync does), called by 64 goroutines:
// through tether on 1, 4 and 16 lanes, against the same C function called
// through cgo; and a handler that waits on a lane timer instead (the
// asynchronous shape, which leaves the lane free). Besides latency and
// throughput: the peak OS thread count, and how many threads made the
// library's thread-local session.
func BenchmarkBlockingHandler(b *testing.B) {
	const goroutines, delay = 64, time.Millisecond
	payload := nooplib.SleepPayload(delay)
	measure := func(b *testing.B, op func() error) {
		nooplib.ResetSessions()
		sampler := sampleThreads(b)
		runWarmedUp(b, goroutines, goroutines, op) // a lane warms up in a call
		b.ReportMetric(float64(sampler.peak()), "peak-threads")
		b.ReportMetric(float64(nooplib.Sessions()), "sessions")
	}
	var contenders []contender
	for _, lanes := range []int{1, 4, 16} {
		contenders = append(contenders, contender{fmt.Sprintf("tether-blocking/lanes=%d", lanes), func(b *testing.B) {
			rt := openNoop(b, &Options{Lanes: lanes})
			measure(b, func() error {
				_, err := rt.Call(background, nooplib.MethodBlock, AnyLane, payload)
				return err
			})
		}})
	}
	contenders = append(contenders, contender{"tether-timer/lanes=1", func(b *testing.B) {
		rt := openNoop(b, &Options{Lanes: 1})
		measure(b, func() error {
			_, err := rt.Call(background, nooplib.MethodSleep, AnyLane, payload)
			return err
		})
	}})
	// Last, unrotated: the OS threads it makes outlive it and would count
	// as the next contender's.
	runContenders(b, contenders, contender{"cgo-blocking", func(b *testing.B) {
		measure(b, func() error {
			nooplib.BlockingOp(delay)
			return nil
		})
	}})
}
