// Command kvstore-demo serves the kvstore example library through tether
// from many goroutines: each goroutine owns some keys and writes, reads
// and deletes them, while GOMAXPROCS is small so goroutines keep moving
// between OS threads. At the end it checks what tether promises: the
// library's thread-local sessions were made once per lane, every call came
// back, and tether's leak report was empty at Close.
//
//	kvstore-demo -library path/to/libkvstore.so [-goroutines 2000] [-lanes 4]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tether.dev/tether"
)

func main() {
	library := flag.String("library", os.Getenv("TETHER_KVSTORE_LIBRARY"), "path to the kvstore module (libkvstore.so)")
	goroutines := flag.Int("goroutines", 2000, "goroutines making calls")
	rounds := flag.Int("rounds", 50, "put/get/delete rounds per goroutine")
	lanes := flag.Int("lanes", 4, "tether lanes")
	procs := flag.Int("gomaxprocs", 2, "GOMAXPROCS while the goroutines run")
	flag.Parse()
	if *library == "" {
		fmt.Fprintln(os.Stderr, "kvstore-demo: give -library or set TETHER_KVSTORE_LIBRARY")
		os.Exit(2)
	}
	// Should the library crash on a lane, tether's report is the only
	// record of where: Go prints nothing for a thread it did not create.
	if err := tether.InstallCrashHandler(); err != nil {
		fmt.Fprintln(os.Stderr, "kvstore-demo:", err)
		os.Exit(1)
	}
	if err := run(*library, *goroutines, *rounds, *lanes, *procs); err != nil {
		fmt.Fprintln(os.Stderr, "kvstore-demo:", err)
		os.Exit(1)
	}
}

func run(library string, goroutines, rounds, lanes, procs int) error {
	tether.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	defer tether.SetLogger(nil)

	rt, err := tether.OpenPath(library, kvEntrySymbol, &tether.Options{Lanes: lanes, MaxCallsInFlight: 1024})
	if err != nil {
		return err
	}
	defer rt.Close()
	ctx := context.Background()

	sessionsBefore, err := sessions(ctx, rt, AnyKey)
	if err != nil {
		return err
	}
	sessionsBefore-- // the STATS call just made this runtime's first session

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	var calls, failures atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			if err := exercise(ctx, rt, g, rounds, &calls); err != nil {
				if failures.Add(1) <= 5 {
					fmt.Fprintf(os.Stderr, "goroutine %d: %v\n", g, err)
				}
			}
		}(g)
	}
	wg.Wait()
	elapsed := time.Since(start)

	// A burst of slow calls: a 10 ms timer on a lane each, no thread held.
	slow := make([]*tether.Pending, 0, 1000)
	for i := 0; i < 1000; i++ {
		slow = append(slow, rt.Go(ctx, methodSlow, tether.AnyLane, slowPayload(uint64(10*time.Millisecond))))
	}
	for _, p := range slow {
		if _, err := p.Result(); err != nil {
			return fmt.Errorf("SLOW: %w", err)
		}
	}

	sessionsAfter, err := sessionsOnEveryLane(ctx, rt, lanes)
	if err != nil {
		return err
	}
	stats, err := rt.Stats()
	if err != nil {
		return err
	}
	fmt.Printf("%d goroutines × %d rounds: %d calls in %v (%.0f calls/s) on %d lanes\n",
		goroutines, rounds, calls.Load(), elapsed.Round(time.Millisecond), float64(calls.Load())/elapsed.Seconds(), lanes)
	fmt.Printf("tether: submitted %d, ok %d, library errors %d, busy retries %d\n",
		stats.Submitted, stats.CompletedOK, stats.CompletedLibrary, stats.RejectedBusy)
	fmt.Printf("tether: latency p50 %v, p99 %v, p99.9 %v\n", stats.LatencyP50, stats.LatencyP99, stats.LatencyP999)
	fmt.Printf("kvstore sessions created by this runtime: %d (lanes: %d)\n", sessionsAfter-sessionsBefore, lanes)

	if failures.Load() > 0 {
		return fmt.Errorf("%d goroutines failed", failures.Load())
	}
	if got := sessionsAfter - sessionsBefore; got != uint64(lanes) {
		return fmt.Errorf("kvstore made %d thread-local sessions for %d lanes", got, lanes)
	}
	if err := rt.Close(); err != nil {
		return err
	}
	leaks, err := rt.LeakReport()
	if err != nil {
		return err
	}
	if leaks.Findings != 0 {
		return fmt.Errorf("%d leaks at Close:\n%s", leaks.Findings, leaks.Text)
	}
	fmt.Println("ok: one session per lane, every call answered, nothing leaked")
	return nil
}

// AnyKey lets any lane answer a STATS call.
const AnyKey = tether.AnyLane

// exercise puts, reads back and deletes this goroutine's keys.
func exercise(ctx context.Context, rt *tether.Runtime, g, rounds int, calls *atomic.Int64) error {
	for i := 0; i < rounds; i++ {
		key := "g" + strconv.Itoa(g) + "/k" + strconv.Itoa(i%4)
		value := strconv.Itoa(i)
		if _, err := rt.Call(ctx, methodPut, affinity(key), putPayload(key, value)); err != nil {
			return fmt.Errorf("PUT %s: %w", key, err)
		}
		got, err := rt.Call(ctx, methodGet, affinity(key), keyPayload(key))
		if err != nil {
			return fmt.Errorf("GET %s: %w", key, err)
		}
		if string(got) != value {
			return fmt.Errorf("GET %s = %q, want %q", key, got, value)
		}
		calls.Add(2)
		if i%4 == 3 {
			if _, err := rt.Call(ctx, methodDelete, affinity(key), keyPayload(key)); err != nil {
				return fmt.Errorf("DELETE %s: %w", key, err)
			}
			_, err := rt.Call(ctx, methodGet, affinity(key), keyPayload(key))
			var lib *tether.LibraryError
			if !errors.As(err, &lib) || lib.Code != errNotFound {
				return fmt.Errorf("GET %s after DELETE = %v, want not found", key, err)
			}
			calls.Add(2)
		}
		runtime.Gosched()
	}
	return nil
}

func sessions(ctx context.Context, rt *tether.Runtime, key uint64) (uint64, error) {
	reply, err := rt.Call(ctx, methodStats, key, nil)
	if err != nil {
		return 0, fmt.Errorf("STATS: %w", err)
	}
	s, err := parseStats(reply)
	return s.Sessions, err
}

// sessionsOnEveryLane asks STATS with keys until every lane has answered,
// and returns the last count (it only grows).
func sessionsOnEveryLane(ctx context.Context, rt *tether.Runtime, lanes int) (uint64, error) {
	seen := map[uint32]bool{}
	var last uint64
	for k := 0; len(seen) < lanes; k++ {
		if k > 100000 {
			return 0, fmt.Errorf("only %d of %d lanes answered STATS", len(seen), lanes)
		}
		reply, err := rt.Call(ctx, methodStats, affinity("probe"+strconv.Itoa(k)), nil)
		if err != nil {
			return 0, fmt.Errorf("STATS: %w", err)
		}
		s, err := parseStats(reply)
		if err != nil {
			return 0, err
		}
		seen[s.Lane] = true
		last = s.Sessions
	}
	return last, nil
}
