// Command go-rust-store drives a Rust SQLite store from thousands of
// goroutines two ways and prints what each did to the store's
// thread-local state:
//
//   - through tether (store-tether, served on tether's lanes): sessions
//     built == lanes, however the goroutines move between OS threads;
//   - through the plain blocking cgo shim (store-shim): one session per OS
//     thread that ever called, and as many threads as calls were blocked
//     at once.
//
// It exits non-zero unless the tether run built one session per lane,
// every acknowledged write was readable afterwards on both, and tether's
// leak report at Close was empty.
//
//	go-rust-store -tether libstore_tether.so -shim libstore_shim.so [-goroutines 10000] [-lanes 4]
//	go-rust-store bench -impl shim|tether [-lanes N] -op get|put -goroutines N   (one benchmark cell)
//	go-rust-store bench-report RESULTS.tsv                                      (bench.sh's table)
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"tether.dev/tether"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "bench":
			os.Exit(benchMain(os.Args[2:]))
		case "bench-report":
			os.Exit(benchReport(os.Args[2:]))
		}
	}
	tetherLib := flag.String("tether", os.Getenv("STORE_TETHER_LIBRARY"), "path to libstore_tether.so")
	shimLib := flag.String("shim", os.Getenv("STORE_SHIM_LIBRARY"), "path to libstore_shim.so")
	goroutines := flag.Int("goroutines", 10000, "goroutines making calls")
	rounds := flag.Int("rounds", 5, "put+get rounds per goroutine")
	lanes := flag.Int("lanes", 4, "tether lanes")
	procs := flag.Int("gomaxprocs", 2, "GOMAXPROCS")
	dir := flag.String("dir", "", "directory for the databases (default: a new temporary one)")
	flag.Parse()
	if *tetherLib == "" || *shimLib == "" {
		fmt.Fprintln(os.Stderr, "go-rust-store: give -tether and -shim (or STORE_TETHER_LIBRARY, STORE_SHIM_LIBRARY)")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(*procs)
	if err := run(*tetherLib, *shimLib, *dir, *goroutines, *rounds, *lanes); err != nil {
		fmt.Fprintln(os.Stderr, "go-rust-store:", err)
		os.Exit(1)
	}
}

func run(tetherLib, shimLib, dir string, goroutines, rounds, lanes int) error {
	// At INFO, so the store's one line per session built shows (one per lane).
	tether.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	defer tether.SetLogger(nil)
	if dir == "" {
		tmp, err := os.MkdirTemp("", "go-rust-store-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	ctx := context.Background()
	const busyTimeout = 5 * time.Second

	// tether first: Go keeps the OS threads it made for the shim's blocked
	// calls, which would count against tether if it ran second.
	ts, err := openTether(tetherLib, filepath.Join(dir, "tether.sqlite"), tether.Options{Lanes: lanes}, int(busyTimeout/time.Millisecond))
	if err != nil {
		return err
	}
	t := runWorkload(ctx, ts, goroutines, rounds)
	closeErr := ts.Close()
	report(ts.Name(), t)
	fmt.Printf("  sessions built: %d (lanes: %d)\n", t.Sessions, lanes)

	ss, err := openShim(shimLib, filepath.Join(dir, "shim.sqlite"), busyTimeout)
	if err != nil {
		return err
	}
	s := runWorkload(ctx, ss, goroutines, rounds)
	report(ss.Name(), s)
	fmt.Printf("  sessions built: %d (one per OS thread that ever called: %d)\n", s.Sessions, ss.Threads())

	switch {
	case t.ok() != nil:
		return fmt.Errorf("tether: %w", t.ok())
	case closeErr != nil:
		return fmt.Errorf("tether: %w", closeErr)
	case t.Sessions != uint64(lanes):
		return fmt.Errorf("tether: the store built %d sessions on %d lanes", t.Sessions, lanes)
	case s.ok() != nil:
		return fmt.Errorf("shim: %w", s.ok())
	case s.Sessions != uint64(ss.Threads()):
		return fmt.Errorf("shim: the store built %d sessions, but %d OS threads called it", s.Sessions, ss.Threads())
	}
	fmt.Printf("ok: tether built %d sessions for %d goroutines, the plain shim %d; tether's leak report was empty\n",
		t.Sessions, goroutines, s.Sessions)
	return nil
}

func report(name string, r workloadResult) {
	fmt.Printf("%s: %d goroutines × %d rounds: %d calls in %v (%.0f calls/s), peak OS threads %d\n",
		name, r.Goroutines, r.Rounds, r.Calls, r.Elapsed.Round(time.Millisecond),
		float64(r.Calls)/r.Elapsed.Seconds(), r.PeakThreads)
	fmt.Printf("  busy answers: %d, other failures: %d, writes not readable afterwards: %d\n", r.Busy, r.Failed, r.Unreadable)
	for _, e := range r.Errors {
		fmt.Printf("  error: %s\n", e)
	}
}
