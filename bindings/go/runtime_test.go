package tether

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

func TestOpenPathMissingFileIsNamed(t *testing.T) {
	const path = "/nonexistent/libnothing.so"
	rt, err := OpenPath(path, "tether_kvstore_library", nil)
	if rt != nil || !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenPath(%s) = %v, %v; want ErrLoad naming the path", path, rt, err)
	}
}

func TestOpenPathMissingSymbolIsNamed(t *testing.T) {
	const symbol = "no_such_entry_symbol"
	rt, err := OpenPath(kvstorePath(t), symbol, nil)
	if rt != nil || !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), symbol) {
		t.Fatalf("OpenPath(kvstore, %s) = %v, %v; want ErrLoad naming the symbol", symbol, rt, err)
	}
}

func TestOpenLibraryNilIsInvalid(t *testing.T) {
	if _, err := OpenLibrary(nil, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("OpenLibrary(nil) = %v, want ErrInvalidArgument", err)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	for name, opts := range map[string]*Options{
		"too many lanes":     {Lanes: 100000},
		"negative lanes":     {Lanes: -1},
		"unknown delivery":   {Deliver: Delivery(7)},
		"unknown wait":       {Wait: WaitStrategy(9)},
		"negative credits":   {MaxCallsInFlight: -3},
		"huge payload size":  {MaxPayloadBytes: 1 << 40},
		"unknown leak check": {LeakCheck: LeakCheck(9)},
	} {
		if rt, err := OpenLibrary(nooplib.Library(), opts); !errors.Is(err, ErrInvalidArgument) {
			rt.Close()
			t.Errorf("%s: open = %v, want ErrInvalidArgument", name, err)
		}
	}
}

func TestOpenReportsLanes(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 3})
	if got := rt.Lanes(); got != 3 {
		t.Fatalf("Lanes() = %d, want 3", got)
	}
}

func TestCloseTwiceIsFine(t *testing.T) {
	rt := openNoop(t, nil)
	if err := rt.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := rt.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if rt.Lanes() != 0 {
		t.Fatal("Lanes() after Close is not 0")
	}
}

func TestConcurrentCloseIsFine(t *testing.T) {
	rt := openNoop(t, nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt.Close()
		}()
	}
	wg.Wait()
}

func TestCallAfterCloseIsErrClosed(t *testing.T) {
	rt := openNoop(t, nil)
	rt.Close()
	if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Call after Close = %v, want ErrClosed", err)
	}
	if _, err := rt.TryCall(background, nooplib.MethodNoop, AnyLane, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryCall after Close = %v, want ErrClosed", err)
	}
	if _, err := rt.Go(background, nooplib.MethodNoop, AnyLane, nil).Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Go after Close = %v, want ErrClosed", err)
	}
	if _, err := rt.Stats(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Stats after Close = %v, want ErrClosed", err)
	}
}

func TestNilRuntimeIsErrClosed(t *testing.T) {
	var rt *Runtime
	if _, err := rt.Call(background, 0, AnyLane, nil); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "nil") {
		t.Fatalf("Call on a nil *Runtime = %v, want ErrClosed saying nil", err)
	}
	if _, err := rt.Stats(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Stats on a nil *Runtime = %v", err)
	}
	if _, err := rt.Go(background, 0, AnyLane, nil).Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Go on a nil *Runtime = %v", err)
	}
	if err := rt.Close(); err != nil {
		t.Fatalf("Close on a nil *Runtime = %v", err)
	}
	if rt.Lanes() != 0 {
		t.Fatal("Lanes on a nil *Runtime is not 0")
	}
	if _, err := rt.LeakReport(); !errors.Is(err, ErrClosed) {
		t.Fatalf("LeakReport on a nil *Runtime = %v", err)
	}
}

func TestCloseEndsCallsInFlightExactlyOnce(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			rt := openNoop(t, &Options{Lanes: 2, CloseTimeout: 20 * time.Millisecond, Wait: strategy})
			const callers = 200
			outcomes := make(chan error, 2*callers)
			var started sync.WaitGroup
			for i := 0; i < callers; i++ {
				started.Add(1)
				go func() {
					p := rt.Go(background, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(10*time.Second))
					started.Done()
					_, err := p.Result()
					outcomes <- err
				}()
			}
			started.Wait()
			if err := rt.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			for i := 0; i < callers; i++ {
				if err := <-outcomes; !errors.Is(err, ErrClosed) {
					t.Fatalf("call %d ended with %v, want ErrClosed", i, err)
				}
			}
			select {
			case err := <-outcomes:
				t.Fatalf("a call returned twice (extra outcome %v)", err)
			case <-time.After(50 * time.Millisecond):
			}
		})
	}
}

func TestCloseDrainsCallsThatFinishInTime(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2, CloseTimeout: 5 * time.Second})
	var pending []*Pending
	for i := 0; i < 100; i++ {
		pending = append(pending, rt.Go(background, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(20*time.Millisecond)))
	}
	if err := rt.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i, p := range pending {
		if _, err := p.Result(); err != nil {
			t.Fatalf("call %d: %v, want success (drained before the timeout)", i, err)
		}
	}
}

func TestCloseWhileCallersStillSubmitting(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2, MaxCallsInFlight: 16})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := rt.Call(background, nooplib.MethodEcho, AnyLane, []byte("x"))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("Call: %v", err)
					return
				}
				select {
				case <-stop:
				default:
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	rt.Close()
	close(stop)
	wg.Wait()
}

func TestGoroutinesReturnToBaselineAfterClose(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			rt, err := OpenLibrary(nooplib.Library(), &Options{Lanes: 2, Wait: strategy})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 100; i++ {
				if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := rt.Close(); err != nil {
				t.Fatal(err)
			}
			checkNoLeaks(t, rt)
			goroutinesSettle(t, baseline)
		})
	}
}

func TestFinalizerClosesAnAbandonedRuntime(t *testing.T) {
	baselineGoroutines := runtime.NumGoroutine()
	func() {
		rt, err := OpenLibrary(nooplib.Library(), &Options{Lanes: 4})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
			t.Fatal(err)
		}
	}()
	// The completion goroutine exits only once the runtime is shut down.
	waitFor(t, "the finalizer to close the runtime", func() bool {
		runtime.GC()
		return runtime.NumGoroutine() <= baselineGoroutines
	})
}

func TestCloseReturnsARefusedDestroy(t *testing.T) {
	rt, err := OpenLibrary(nooplib.Library(), nil)
	if err != nil {
		t.Fatal(err)
	}
	free := refuseDestroy(rt, ErrWouldDeadlock.Code)
	defer free()
	err = rt.Close()
	if !errors.Is(err, ErrWouldDeadlock) || !strings.Contains(err.Error(), "not freed") {
		t.Fatalf("Close with destroy refused = %v, want ErrWouldDeadlock saying the runtime was not freed", err)
	}
	checkNoLeaks(t, rt) // the report Close took before destroy
}

func TestFinalizerLogsARefusedDestroy(t *testing.T) {
	h := &recordingHandler{level: slog.LevelWarn}
	if err := SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	defer SetLogger(nil)
	var free func()
	func() {
		rt, err := OpenLibrary(nooplib.Library(), nil)
		if err != nil {
			t.Fatal(err)
		}
		free = refuseDestroy(rt, ErrForked.Code)
	}()
	defer func() { free() }()
	waitFor(t, "the finalizer to log the refused destroy", func() bool {
		runtime.GC()
		got := h.all()
		return strings.Contains(got, "finalizer") && strings.Contains(got, "TETHER_E_FORKED")
	})
}

// The last completion's wake-up can also be the queue's end-of-calls
// wake-up; Close must not then wait for a wake-up that never comes.
func TestCloseIsPromptWhileCallersSubmit(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			for i := 0; i < 100; i++ {
				rt, err := OpenLibrary(nooplib.Library(), &Options{Lanes: 2, MaxCallsInFlight: 16, Wait: strategy})
				if err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				for g := 0; g < 16; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							if _, err := rt.Call(background, nooplib.MethodEcho, AnyLane, []byte("x")); err != nil {
								return
							}
						}
					}()
				}
				time.Sleep(2 * time.Millisecond)
				start := time.Now()
				rt.Close()
				wg.Wait()
				if took := time.Since(start); took > 500*time.Millisecond {
					t.Fatalf("round %d: Close took %v (a lost wake-up)", i, took)
				}
				if n := rt.e.wakeupsByTimeout.Load(); n != 0 {
					t.Fatalf("round %d: the completion goroutine woke %d times by its time limit", i, n)
				}
				checkNoLeaks(t, rt)
			}
		})
	}
}

func TestLeakReportIsEmptyOnAQuietRuntime(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2})
	for i := 0; i < 100; i++ {
		if _, err := rt.Call(background, nooplib.MethodEcho, AnyLane, []byte("result")); err != nil {
			t.Fatal(err)
		}
	}
	waitForNoLeaks(t, rt)
}

func TestLeakReportCountsCallsInFlight(t *testing.T) {
	rt, err := OpenLibrary(nooplib.Library(), &Options{CloseTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p := rt.Go(background, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(time.Hour))
	report, err := rt.LeakReport()
	if err != nil || report.Findings != 1 || !strings.Contains(report.Text, "1 calls in flight") {
		t.Errorf("LeakReport with a call in flight = %+v, %v; want 1 call in flight", report, err)
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("the call ended with %v, want ErrClosed", err)
	}
	checkNoLeaks(t, rt) // Close ended the call
}

func TestLeakReportAtCloseNamesALiveBuffer(t *testing.T) {
	rt, err := OpenLibrary(nooplib.Library(), nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := allocTestBuffer([]byte("kept past Close"))
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	freeTestBuffer(data)
	report, err := rt.LeakReport()
	if err != nil || report.Findings != 1 || !strings.Contains(report.Text, "1 live tether buffers") {
		t.Fatalf("LeakReport after Close = %+v, %v; want the buffer live at Close", report, err)
	}
}

// closeWithALiveBuffer opens a runtime with opts, closes it while a tether
// buffer is live (a leak report finding) and returns the log lines that
// reached a WARN handler meanwhile. The environment's TETHER_LEAK_CHECK is
// unset for the test, as it would win over opts.
func closeWithALiveBuffer(t *testing.T, opts *Options) string {
	t.Setenv("TETHER_LEAK_CHECK", "")
	os.Unsetenv("TETHER_LEAK_CHECK")
	h := &recordingHandler{level: slog.LevelWarn}
	if err := SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	defer SetLogger(nil)
	rt, err := OpenLibrary(nooplib.Library(), opts)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := allocTestBuffer([]byte("kept past Close"))
	defer freeTestBuffer(data)
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	return h.all()
}

func TestLeakCheckLogWritesTheReportAtClose(t *testing.T) {
	if got := closeWithALiveBuffer(t, &Options{LeakCheck: LeakCheckLog}); !strings.Contains(got, "1 live tether buffers") {
		t.Fatalf("Close with LeakCheckLog and a live buffer logged %q; want the leak report", got)
	}
}

func TestLeakCheckOffKeepsCloseQuiet(t *testing.T) {
	if got := closeWithALiveBuffer(t, &Options{LeakCheck: LeakCheckOff}); strings.Contains(got, "leak report") {
		t.Fatalf("Close with LeakCheckOff logged %q", got)
	}
}

// LeakCheckFail judges only what the runtime owns (calls in flight and
// completions never polled, which Close always ends); a tether buffer alive
// elsewhere in the process is reported but does not abort.
func TestLeakCheckFailJudgesOnlyWhatTheRuntimeOwns(t *testing.T) {
	child := runCrashChild(t, "leak-check-fail")
	child.wantExit(t, 0)
	child.wantInOrder(t, "process-wide", "1 live tether buffers", "Close returned <nil>")
	child.wantNoOutput(t, "aborting")
}

// childLeakCheckFail closes a LeakCheckFail runtime while a tether buffer
// is live: tether logs the report, and Close returns.
func childLeakCheckFail() {
	os.Unsetenv("TETHER_LEAK_CHECK")
	rt, err := OpenLibrary(nooplib.Library(), &Options{LeakCheck: LeakCheckFail})
	if err != nil {
		childFail("OpenLibrary: %v", err)
	}
	allocTestBuffer([]byte("kept past Close"))
	err = rt.Close()
	fmt.Fprintf(os.Stderr, "Close returned %v\n", err)
}

func TestBufferDebugSwitchesBuffersToDebugMode(t *testing.T) {
	if os.Getenv("TETHER_BUFFERS") != "" {
		t.Skip("TETHER_BUFFERS is set: it wins over Options.BufferDebug")
	}
	before := bufferMode()
	defer setBufferMode(before)
	setBufferMode(bufferModeRelease)
	rt := openNoop(t, &Options{BufferDebug: true})
	if got := bufferMode(); got != bufferModeDebug {
		t.Fatalf("buffer mode after opening with BufferDebug = %d, want debug (%d)", got, bufferModeDebug)
	}
	if _, err := rt.Call(background, nooplib.MethodEcho, AnyLane, []byte("checked")); err != nil {
		t.Fatal(err)
	}
}
