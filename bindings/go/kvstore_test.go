package tether

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// manyGoroutines is how many goroutines TestKVStoreSessionsStayOnePerLane
// runs: 10,000, or TETHER_TEST_GOROUTINES; under the race detector at most
// 7,000 (its limit is 8,128 live goroutines).
func manyGoroutines(t *testing.T) int {
	n := 10000
	if s := os.Getenv("TETHER_TEST_GOROUTINES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("TETHER_TEST_GOROUTINES=%q: %v", s, err)
		}
	}
	if raceEnabled {
		n = min(n, 7000)
	}
	if testing.Short() {
		n = min(n, 1000)
	}
	return n
}

func kvSessions(t *testing.T, rt *Runtime) uint64 {
	t.Helper()
	got, err := rt.Call(background, kvStats, AnyLane, nil)
	if err != nil {
		t.Fatalf("STATS: %v", err)
	}
	return kvParseStats(t, got).sessions
}

func TestKVStorePutGetDelete(t *testing.T) {
	rt := openKVStore(t, &Options{Lanes: 2})
	key := "colour"
	if _, err := rt.Call(background, kvPut, kvAffinity(key), kvPutPayload(key, "blue")); err != nil {
		t.Fatalf("PUT: %v", err)
	}
	if got, err := rt.Call(background, kvGet, kvAffinity(key), kvKeyPayload(key)); err != nil || string(got) != "blue" {
		t.Fatalf("GET = %q, %v", got, err)
	}
	if got, err := rt.Call(background, kvDelete, kvAffinity(key), kvKeyPayload(key)); err != nil || len(got) != 1 || got[0] != 1 {
		t.Fatalf("DELETE = %v, %v", got, err)
	}
	_, err := rt.Call(background, kvGet, kvAffinity(key), kvKeyPayload(key))
	var lib *LibraryError
	if !errors.As(err, &lib) || lib.Code != kvErrNotFound {
		t.Fatalf("GET after DELETE = %v, want kvstore's not-found error", err)
	}
}

func TestKVStoreUnknownMethodIsLibraryError(t *testing.T) {
	rt := openKVStore(t, nil)
	_, err := rt.Call(background, 99, AnyLane, nil)
	var lib *LibraryError
	if !errors.Is(err, ErrLibrary) || !errors.As(err, &lib) || lib.Code != kvErrUnknownMethod {
		t.Fatalf("method 99 = %v, want kvstore's unknown-method error", err)
	}
}

// TestKVStoreSessionsStayOnePerLane runs 10,000 goroutines of 100 calls
// each on two Ps, yielding between calls so goroutines hop between OS
// threads; kvstore's thread-local sessions must still be one per lane.
func TestKVStoreSessionsStayOnePerLane(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const lanes, calls = 4, 100
	goroutines := manyGoroutines(t)
	rt := openKVStore(t, &Options{Lanes: lanes})
	// The counter is process-wide and this runtime's first STATS made one
	// session on its lane: what existed before is that count minus one.
	before := kvSessions(t, rt) - 1

	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			key := "key-" + strconv.Itoa(g)
			affinity := kvAffinity(key)
			for i := 0; i < calls; i++ {
				var err error
				if i%2 == 0 {
					_, err = rt.Call(background, kvPut, affinity, kvPutPayload(key, strconv.Itoa(i)))
				} else {
					var got []byte
					got, err = rt.Call(background, kvGet, affinity, kvKeyPayload(key))
					if err == nil && string(got) != strconv.Itoa(i-1) {
						err = fmt.Errorf("GET %s = %q, want %q", key, got, strconv.Itoa(i-1))
					}
				}
				if err != nil {
					t.Errorf("goroutine %d call %d: %v", g, i, err)
					return
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	t.Logf("%d goroutines × %d calls in %v", goroutines, calls, time.Since(start))

	// Every lane has served a call by now; ask each for the count.
	lanesSeen := map[uint32]bool{}
	var sessions uint64
	for k := 0; len(lanesSeen) < lanes && k < 10000; k++ {
		key := "probe-" + strconv.Itoa(k)
		got, err := rt.Call(background, kvStats, kvAffinity(key), nil)
		if err != nil {
			t.Fatal(err)
		}
		reply := kvParseStats(t, got)
		lanesSeen[reply.lane] = true
		sessions = reply.sessions
	}
	if got := sessions - before; got != lanes {
		t.Fatalf("kvstore created %d sessions for %d lanes: library code ran off its lanes", got, lanes)
	}
	s, _ := rt.Stats()
	if want := uint64(goroutines*calls) + 1; s.CompletedOK < want {
		t.Fatalf("completed_ok = %d, want at least %d", s.CompletedOK, want)
	}
}

// TestKVStoreSlowCallsDoNotCostThreads: 1,000 goroutines each wait on a
// 10 ms lane timer; the process's OS threads stay within lanes +
// GOMAXPROCS + 16 throughout (a blocking cgo call would take a thread each).
func TestKVStoreSlowCallsDoNotCostThreads(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			const lanes, goroutines = 2, 1000
			rt := openKVStore(t, &Options{Lanes: lanes, Wait: strategy})
			sampler := sampleThreads(t)
			var wg sync.WaitGroup
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 3; i++ {
						if _, err := rt.Call(background, kvSlow, AnyLane, kvSlowPayload(10*time.Millisecond)); err != nil {
							t.Errorf("SLOW: %v", err)
							return
						}
					}
				}()
			}
			wg.Wait()
			peak := sampler.peak()
			limit := lanes + runtime.GOMAXPROCS(0) + 16
			t.Logf("peak OS threads %d (limit %d)", peak, limit)
			if peak > limit {
				t.Fatalf("peak OS threads %d over lanes + GOMAXPROCS + 16 = %d", peak, limit)
			}
		})
	}
}
