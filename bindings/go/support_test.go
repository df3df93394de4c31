package tether

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

// kvstoreEnv names the environment variable holding the kvstore module's
// path. Tests that need it skip without it, except under CI=true, where
// they fail.
const kvstoreEnv = "TETHER_KVSTORE_LIBRARY"

func kvstorePath(t testing.TB) string {
	t.Helper()
	path := os.Getenv(kvstoreEnv)
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: point it at the kvstore module (libkvstore.so)", kvstoreEnv)
		}
		t.Skipf("%s is not set; skipping a test that needs the kvstore module", kvstoreEnv)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s=%s: %v", kvstoreEnv, path, err)
	}
	return path
}

// openKVStore opens the kvstore module and checks, when the test ends,
// that nothing leaked (see watchRuntime).
func openKVStore(t testing.TB, opts *Options) *Runtime {
	t.Helper()
	path := kvstorePath(t)
	rt, err := OpenPath(path, "tether_kvstore_library", opts)
	if err != nil {
		t.Fatalf("OpenPath(%s): %v", path, err)
	}
	watchRuntime(t, rt)
	return rt
}

// openNoop opens the linked no-op library, checked like openKVStore.
func openNoop(t testing.TB, opts *Options) *Runtime {
	t.Helper()
	rt, err := OpenLibrary(nooplib.Library(), opts)
	if err != nil {
		t.Fatalf("OpenLibrary(nooplib): %v", err)
	}
	watchRuntime(t, rt)
	return rt
}

// watchRuntime checks at the end of the test that the runtime went quiet
// (no call in flight), that its leak report emptied while it was still
// open, and that the report Close took is empty.
func watchRuntime(t testing.TB, rt *Runtime) {
	t.Cleanup(func() {
		if _, err := rt.Stats(); err == nil {
			waitFor(t, "stats in_flight to reach 0", func() bool {
				s, err := rt.Stats()
				return err == nil && s.InFlight == 0
			})
			waitForNoLeaks(t, rt)
		}
		if err := rt.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkNoLeaks(t, rt)
	})
}

// waitForNoLeaks waits up to 5 s for the leak report of an open runtime to
// empty: the last completions may still be on their way to their callers,
// and their buffers are freed in the completion goroutine's next crossing.
func waitForNoLeaks(t testing.TB, rt *Runtime) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		report, err := rt.LeakReport()
		if err != nil {
			t.Errorf("LeakReport on the open runtime: %v", err)
			return
		}
		if report.Findings == 0 && report.Text == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("leak report still not empty 5 s after the last call (%d findings):\n%s", report.Findings, report.Text)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// checkNoLeaks fails the test unless the leak report Close took is empty.
// REQUIRES: rt.Close has returned.
func checkNoLeaks(t testing.TB, rt *Runtime) {
	t.Helper()
	report, err := rt.LeakReport()
	switch {
	case err != nil:
		t.Errorf("LeakReport after Close: %v", err)
	case report.Findings != 0 || report.Text != "":
		t.Errorf("leak report at Close (%d findings):\n%s", report.Findings, report.Text)
	}
}

// waitFor polls cond for up to 5 s and fails the test if it never holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Errorf("timed out waiting for %s", what)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// osThreads reads this process's thread count from /proc/self/status.
func osThreads(t testing.TB) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatalf("reading /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil {
				t.Fatalf("parsing %q: %v", line, err)
			}
			return n
		}
	}
	t.Fatal("no Threads: line in /proc/self/status")
	return 0
}

// threadSampler records the peak OS thread count while it runs.
type threadSampler struct {
	stop chan struct{}
	done chan int
}

func sampleThreads(t testing.TB) *threadSampler {
	s := &threadSampler{stop: make(chan struct{}), done: make(chan int)}
	go func() {
		peak := osThreads(t)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-tick.C:
				peak = max(peak, osThreads(t))
			}
		}
	}()
	return s
}

// peak stops sampling and returns the highest count seen.
func (s *threadSampler) peak() int {
	close(s.stop)
	return <-s.done
}

// goroutinesSettle waits for the goroutine count to drop to at most n.
func goroutinesSettle(t testing.TB, n int) {
	t.Helper()
	waitFor(t, "goroutines back to "+strconv.Itoa(n), func() bool {
		return runtime.NumGoroutine() <= n
	})
	if got := runtime.NumGoroutine(); got > n {
		buf := make([]byte, 1<<16)
		t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
	}
}

// strategies lists every wait strategy, for tests that run with each.
var strategies = []WaitStrategy{WaitSpinThenPark, WaitDrainerSpins, WaitNetpoller, WaitBlockingPoll}

var background = context.Background()

// holdLane keeps one lane of rt busy with a HOLD call until the returned
// function is called, which lets it reply and collects its result.
func holdLane(t testing.TB, rt *Runtime) (release func()) {
	t.Helper()
	nooplib.CloseHolds()
	p := rt.Go(background, nooplib.MethodHold, AnyLane, nil)
	waitFor(t, "the HOLD call to occupy its lane", func() bool { return nooplib.Holding() == 1 })
	return func() {
		nooplib.OpenHolds()
		if _, err := p.Result(); err != nil {
			t.Errorf("HOLD: %v", err)
		}
	}
}
