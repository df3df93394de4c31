package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// storeClient is the store behind either front end.
type storeClient interface {
	// Call runs one method; key (nil for none) picks tether's lane.
	Call(ctx context.Context, method uint32, key, payload []byte) ([]byte, error)
	// Sessions is how many thread-local sessions the store built.
	Sessions(ctx context.Context) (uint64, error)
	// BusyAnswers is how many times SQLite answered busy.
	BusyAnswers(ctx context.Context) (uint64, error)
	Name() string
	Close() error
}

// workloadResult is what one run of the workload saw.
type workloadResult struct {
	Goroutines, Rounds int
	Calls              int64
	Elapsed            time.Duration
	// Busy counts puts SQLite refused as busy (their keys are not checked).
	Busy int64
	// Failed counts other failed calls; Errors holds the first few.
	Failed int64
	Errors []string
	// Unreadable counts acknowledged writes a later read did not return.
	Unreadable  int64
	PeakThreads int
	Sessions    uint64
}

func (r workloadResult) ok() error {
	if r.Failed > 0 {
		return fmt.Errorf("%d calls failed: %s", r.Failed, strings.Join(r.Errors, "; "))
	}
	if r.Unreadable > 0 {
		return fmt.Errorf("%d acknowledged writes were not readable afterwards", r.Unreadable)
	}
	return nil
}

func workloadKey(g, i int) []byte { return []byte(fmt.Sprintf("g%05d/k%03d", g, i)) }

func workloadValue(g, i int) []byte { return []byte("v" + strconv.Itoa(g) + "." + strconv.Itoa(i)) }

// runWorkload starts goroutines that each put rounds keys of their own and
// read each back at once, yielding between calls so goroutines keep moving
// between OS threads; then every acknowledged write is read again and one
// goroutine's keys are scanned as a range.
func runWorkload(ctx context.Context, s storeClient, goroutines, rounds int) workloadResult {
	res := workloadResult{Goroutines: goroutines, Rounds: rounds}
	var calls, busy, failed, unreadable atomic.Int64
	var mu sync.Mutex
	fail := func(format string, args ...any) {
		if failed.Add(1) <= 5 {
			mu.Lock()
			res.Errors = append(res.Errors, fmt.Sprintf(format, args...))
			mu.Unlock()
		}
	}
	written := make([][]bool, goroutines)
	sampler := startThreadSampler()

	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		written[g] = make([]bool, rounds)
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				key, value := workloadKey(g, i), workloadValue(g, i)
				_, err := s.Call(ctx, methodPut, key, putPayload(key, value))
				calls.Add(1)
				if isBusy(err) {
					busy.Add(1)
					continue
				}
				if err != nil {
					fail("PUT %s: %v", key, err)
					continue
				}
				written[g][i] = true
				got, err := s.Call(ctx, methodGet, key, keyPayload(key))
				calls.Add(1)
				if err != nil {
					fail("GET %s: %v", key, err)
				} else if !bytes.Equal(got, value) {
					unreadable.Add(1)
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)

	// Every acknowledged write, read again by a few goroutines.
	const readers = 64
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for g := r; g < goroutines; g += readers {
				for i := 0; i < rounds; i++ {
					if !written[g][i] {
						continue
					}
					key := workloadKey(g, i)
					got, err := s.Call(ctx, methodGet, key, keyPayload(key))
					if err != nil {
						fail("GET %s afterwards: %v", key, err)
					} else if !bytes.Equal(got, workloadValue(g, i)) {
						unreadable.Add(1)
					}
				}
			}
		}(r)
	}
	wg.Wait()
	if goroutines > 0 {
		checkScan(ctx, s, written[0], fail)
	}
	res.PeakThreads = sampler.stop()
	res.Calls, res.Busy, res.Failed, res.Unreadable = calls.Load(), busy.Load(), failed.Load(), unreadable.Load()
	if n, err := s.Sessions(ctx); err != nil {
		fail("sessions: %v", err)
		res.Failed = failed.Load()
	} else {
		res.Sessions = n
	}
	return res
}

// checkScan scans goroutine 0's key range and compares it with its writes.
func checkScan(ctx context.Context, s storeClient, written []bool, fail func(string, ...any)) {
	reply, err := s.Call(ctx, methodScan, nil, scanPayload([]byte("g00000/"), []byte("g000000"), 10000))
	if err != nil {
		fail("SCAN: %v", err)
		return
	}
	rows, err := parseRows(reply)
	if err != nil {
		fail("SCAN: %v", err)
		return
	}
	var want [][2][]byte
	for i, ok := range written {
		if ok {
			want = append(want, [2][]byte{workloadKey(0, i), workloadValue(0, i)})
		}
	}
	if len(rows) != len(want) {
		fail("SCAN returned %d rows, want %d", len(rows), len(want))
		return
	}
	for i := range rows {
		if !bytes.Equal(rows[i][0], want[i][0]) || !bytes.Equal(rows[i][1], want[i][1]) {
			fail("SCAN row %d is %q=%q, want %q=%q", i, rows[i][0], rows[i][1], want[i][0], want[i][1])
			return
		}
	}
}

// threadSampler records the most OS threads the process had, sampling
// /proc/self/status every millisecond.
type threadSampler struct {
	peak atomic.Int64
	done chan struct{}
	wg   sync.WaitGroup
}

func startThreadSampler() *threadSampler {
	t := &threadSampler{done: make(chan struct{})}
	t.sample()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-t.done:
				return
			case <-tick.C:
				t.sample()
			}
		}
	}()
	return t
}

func (t *threadSampler) sample() {
	n := osThreads()
	for {
		old := t.peak.Load()
		if int64(n) <= old || t.peak.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}

func (t *threadSampler) stop() int {
	close(t.done)
	t.wg.Wait()
	t.sample()
	return int(t.peak.Load())
}

// osThreads is the process's current number of OS threads.
func osThreads() int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			return n
		}
	}
	return 0
}
