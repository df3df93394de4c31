package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tether.dev/tether"
)

// One benchmark cell per process (`go-rust-store bench ...`): Go keeps
// every OS thread it ever made, so a cell run after another would inherit
// its threads. It prints one tab-separated line (benchColumns); bench.sh
// runs the cells and `go-rust-store bench-report FILE` prints the table.

var benchColumns = []string{"impl", "lanes", "op", "goroutines", "gomaxprocs", "calls",
	"calls_per_s", "p50_us", "p99_us", "peak_threads", "sessions", "busy"}

const benchKeys = 4096

func benchMain(args []string) int {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	impl := fs.String("impl", "tether", "tether or shim")
	lanes := fs.Int("lanes", 4, "tether lanes")
	op := fs.String("op", "get", "get (a point read of a preloaded key) or put (a write in its own transaction)")
	goroutines := fs.Int("goroutines", 64, "goroutines calling")
	duration := fs.Duration("duration", 2*time.Second, "how long the goroutines call")
	tetherLib := fs.String("tether", os.Getenv("STORE_TETHER_LIBRARY"), "path to libstore_tether.so")
	shimLib := fs.String("shim", os.Getenv("STORE_SHIM_LIBRARY"), "path to libstore_shim.so")
	busyTimeout := fs.Duration("busy-timeout", 5*time.Second, "SQLite busy timeout")
	spin := fs.Duration("spin", 0, "how long an idle lane spins before it parks (0: tether's default; negative: parks at once)")
	keyedWrites := fs.Bool("keyed-writes", false, "tether: spread writes over the lanes by key (default: every write on one lane)")
	header := fs.Bool("header", false, "print the column names and exit")
	fs.Parse(args)
	if *header {
		fmt.Println(strings.Join(benchColumns, "\t"))
		return 0
	}
	line, err := benchCell(*impl, tether.Options{Lanes: *lanes, Spin: *spin}, *keyedWrites, *op, *goroutines, *duration, *tetherLib, *shimLib, *busyTimeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-rust-store bench:", err)
		return 1
	}
	fmt.Println(line)
	return 0
}

func benchCell(impl string, opts tether.Options, keyedWrites bool, op string, goroutines int, duration time.Duration,
	tetherLib, shimLib string, busyTimeout time.Duration) (string, error) {
	if op != "get" && op != "put" {
		return "", fmt.Errorf("unknown -op %q", op)
	}
	dir, err := os.MkdirTemp("", "go-rust-store-bench-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	sampler := startThreadSampler()
	lanes := opts.Lanes
	var s storeClient
	db := filepath.Join(dir, "bench.sqlite")
	switch impl {
	case "tether":
		ts, err := openTether(tetherLib, db, opts, int(busyTimeout/time.Millisecond))
		if err != nil {
			return "", err
		}
		ts.keyedWrites = keyedWrites
		if keyedWrites {
			impl = "tether-keyed"
		}
		s = ts
	case "shim":
		ss, err := openShim(shimLib, db, busyTimeout)
		if err != nil {
			return "", err
		}
		s, lanes = ss, 0
	default:
		return "", fmt.Errorf("unknown -impl %q", impl)
	}
	ctx := context.Background()
	value := []byte(strings.Repeat("v", 100))
	if op == "get" {
		// Preloaded from one goroutine, so the shim's preload adds a
		// thread or two, not one per blocked call.
		for k := 0; k < benchKeys; k++ {
			key := []byte("key" + strconv.Itoa(k))
			if _, err := s.Call(ctx, methodPut, key, putPayload(key, value)); err != nil {
				return "", fmt.Errorf("preload: %w", err)
			}
		}
	}

	latencies := make([][]time.Duration, goroutines)
	busy := make([]int, goroutines)
	errs := make(chan error, goroutines)
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(g)))
			own := latencies[g][:0]
			for n := 0; time.Now().Before(deadline); n++ {
				var key, payload []byte
				method := methodGet
				if op == "get" {
					key = []byte("key" + strconv.Itoa(rng.Intn(benchKeys)))
					payload = keyPayload(key)
				} else {
					method = methodPut
					key = []byte("g" + strconv.Itoa(g) + "/" + strconv.Itoa(n))
					payload = putPayload(key, value)
				}
				begin := time.Now()
				_, err := s.Call(ctx, method, key, payload)
				own = append(own, time.Since(begin))
				if isBusy(err) {
					busy[g]++
				} else if err != nil {
					errs <- err
					return
				}
			}
			latencies[g] = own
		}(g)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return "", err
	}
	peak := sampler.stop()
	sessions, err := s.Sessions(ctx)
	if err != nil {
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	var all []time.Duration
	totalBusy := 0
	for g := range latencies {
		all = append(all, latencies[g]...)
		totalBusy += busy[g]
	}
	if len(all) == 0 {
		return "", errors.New("no call finished")
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))]) / float64(time.Microsecond)
	}
	return fmt.Sprintf("%s\t%d\t%s\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\t%d\t%d\t%d",
		impl, lanes, op, goroutines, runtime.GOMAXPROCS(0), len(all),
		float64(len(all))/elapsed.Seconds(), pct(0.50), pct(0.99), peak, sessions, totalBusy), nil
}

// benchRow is one line of bench.sh's results.
type benchRow struct {
	impl                   string
	lanes, goroutines      int
	op                     string
	procs                  int
	calls                  int
	rate, p50, p99         float64
	threads, sessions, bsy int
}

func readBenchRows(path string) ([]benchRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []benchRow
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Split(scanner.Text(), "\t")
		if len(fields) != len(benchColumns) || fields[0] == "impl" {
			continue
		}
		var r benchRow
		var nums [11]float64
		for i := range nums {
			if nums[i], err = strconv.ParseFloat(fields[i+1], 64); err != nil && i != 1 {
				return nil, fmt.Errorf("%s: %q: %v", path, scanner.Text(), err)
			}
		}
		r.impl, r.op = fields[0], fields[2]
		r.lanes, r.goroutines, r.procs, r.calls = int(nums[0]), int(nums[2]), int(nums[3]), int(nums[4])
		r.rate, r.p50, r.p99 = nums[5], nums[6], nums[7]
		r.threads, r.sessions, r.bsy = int(nums[8]), int(nums[9]), int(nums[10])
		rows = append(rows, r)
	}
	return rows, scanner.Err()
}

// benchReport prints bench.sh's results as a table, the ratios of tether
// to the shim, and how each goal fared.
func benchReport(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: go-rust-store bench-report RESULTS.tsv")
		return 2
	}
	rows, err := readBenchRows(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	shim := map[string]benchRow{}
	for _, r := range rows {
		if r.impl == "shim" {
			shim[r.op+"/"+strconv.Itoa(r.goroutines)] = r
		}
	}
	fmt.Println("| op | goroutines | front end | calls/s | p50 µs | p99 µs | peak OS threads | sessions | SQLITE_BUSY | calls/s vs shim | p99 vs shim |")
	fmt.Println("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	var misses []string
	for _, r := range rows {
		name := "plain cgo shim"
		ratio, p99ratio := "", ""
		if strings.HasPrefix(r.impl, "tether") {
			name = fmt.Sprintf("tether, %d lanes", r.lanes)
			if r.lanes == 1 {
				name = "tether, 1 lane"
			}
			if r.impl == "tether-keyed" {
				name += ", writes by key"
			}
			if base, ok := shim[r.op+"/"+strconv.Itoa(r.goroutines)]; ok {
				ratio = fmt.Sprintf("%.2f×", r.rate/base.rate)
				p99ratio = fmt.Sprintf("%.2f×", r.p99/base.p99)
				misses = append(misses, benchGoals(name, r, base)...)
			}
			if limit := r.lanes + r.procs + 16; r.threads > limit {
				misses = append(misses, fmt.Sprintf("%s %d goroutines, %s: %d OS threads > lanes+GOMAXPROCS+16 = %d (by %d)",
					r.op, r.goroutines, name, r.threads, limit, r.threads-limit))
			}
			if r.sessions != r.lanes {
				misses = append(misses, fmt.Sprintf("%s %d goroutines, %s: %d sessions for %d lanes",
					r.op, r.goroutines, name, r.sessions, r.lanes))
			}
		}
		fmt.Printf("| %s | %d | %s | %.0f | %.1f | %.1f | %d | %d | %d | %s | %s |\n",
			r.op, r.goroutines, name, r.rate, r.p50, r.p99, r.threads, r.sessions, r.bsy, ratio, p99ratio)
	}
	fmt.Println()
	if len(misses) == 0 {
		fmt.Println("goals: all met")
	} else {
		fmt.Println("goals missed:")
		for _, m := range misses {
			fmt.Println("  " + m)
		}
	}
	return 0
}

// benchGoals checks the comparative goals for one tether cell against the
// shim cell of the same op and concurrency.
func benchGoals(frontEnd string, r, base benchRow) []string {
	var misses []string
	name := fmt.Sprintf("%s %d goroutines, %s", r.op, r.goroutines, frontEnd)
	// Puts under contention: tether's p99 at most half the shim's.
	if r.op == "put" && r.goroutines > 1 && r.p99 > base.p99/2 {
		misses = append(misses, fmt.Sprintf("%s: p99 %.0f µs > half the shim's %.0f µs (%.2f× the shim's)",
			name, r.p99, base.p99, r.p99/base.p99))
	}
	// Point gets at 64 goroutines: cost per call at most twice the shim's.
	if r.op == "get" && r.goroutines == 64 && base.rate/r.rate > 2 {
		misses = append(misses, fmt.Sprintf("%s: %.1f µs per call > 2× the shim's %.1f µs (%.2f×)",
			name, 1e6/r.rate, 1e6/base.rate, base.rate/r.rate))
	}
	return misses
}
