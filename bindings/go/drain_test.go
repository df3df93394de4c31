package tether

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

// TestWaitersOfEveryKindLoseNoWakeUp mixes a caller making quick calls
// one after another (it spins for them), callers that pipeline with Go,
// calls slow enough to outlast any spin, and calls cancelled in flight.
// Every call must come back with its own result, and no completion may be
// found only by the completion goroutine's one-second safety net.
func TestWaitersOfEveryKindLoseNoWakeUp(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			rt := openNoop(t, &Options{Lanes: 2, Wait: strategy})
			var wg sync.WaitGroup
			fail := func(format string, args ...any) { t.Errorf(format, args...) }
			wg.Add(4)
			go func() { // serial quick calls
				defer wg.Done()
				for i := 0; i < 3000; i++ {
					want := []byte(fmt.Sprint(i))
					if got, err := rt.Call(background, nooplib.MethodEcho, AnyLane, want); err != nil || !bytes.Equal(got, want) {
						fail("serial ECHO %s = %q, %v", want, got, err)
						return
					}
				}
			}()
			go func() { // bursts of pipelined calls
				defer wg.Done()
				for round := 0; round < 60; round++ {
					pending := make([]*Pending, round%17+1)
					for i := range pending {
						pending[i] = rt.Go(background, nooplib.MethodEcho, uint64(i), []byte{byte(i)})
					}
					for i, p := range pending {
						if got, err := p.Result(); err != nil || len(got) != 1 || got[0] != byte(i) {
							fail("pipelined ECHO %d = %v, %v", i, got, err)
							return
						}
					}
				}
			}()
			go func() { // calls that outlast a spin
				defer wg.Done()
				for i := 0; i < 40; i++ {
					if _, err := rt.Call(background, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(time.Millisecond)); err != nil {
						fail("SLEEP: %v", err)
						return
					}
				}
			}()
			go func() { // calls cancelled in flight
				defer wg.Done()
				for i := 0; i < 20; i++ {
					ctx, cancel := context.WithCancel(background)
					time.AfterFunc(time.Millisecond, cancel)
					_, err := rt.Call(ctx, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(time.Second))
					if !errors.Is(err, ErrCancelled) {
						fail("cancelled SLEEP = %v, want ErrCancelled", err)
						return
					}
				}
			}()
			wg.Wait()
			if n := rt.e.wakeupsByTimeout.Load(); n != 0 {
				t.Fatalf("%d completions were found only by the one-second safety net", n)
			}
			if n := rt.e.drain.parked.Load(); n != 0 {
				t.Fatalf("%d calls still counted as parked after every call returned", n)
			}
		})
	}
}

func TestSpinBudgetBacksOffForASlowMethodAndProbes(t *testing.T) {
	s := newSpinBudgets(20 * time.Microsecond)
	const slow, quick = 3, 4
	for s.budget(slow) > 0 {
		s.missed(slow)
	}
	spins := 0
	for i := 0; i < 10*probeEvery; i++ {
		if b := s.budget(slow); b > 0 {
			if b != int64(20*time.Microsecond) {
				t.Fatalf("a probe spins %v, want the maximum", time.Duration(b))
			}
			spins++
		}
	}
	if spins != 10 {
		t.Fatalf("%d probes in %d calls, want 10", spins, 10*probeEvery)
	}
	if got := s.budget(quick); got != int64(20*time.Microsecond) {
		t.Fatalf("another method's budget = %v, want the maximum", time.Duration(got))
	}
}

func TestSpinBudgetRecoversWhenAMethodGetsQuick(t *testing.T) {
	s := newSpinBudgets(20 * time.Microsecond)
	s.missed(1)
	s.missed(1)
	if got := s.budget(1); got != int64(5*time.Microsecond) {
		t.Fatalf("after two misses the budget is %v, want 5µs", time.Duration(got))
	}
	s.came(1, int64(time.Microsecond))
	if got := s.budget(1); got != int64(10*time.Microsecond) {
		t.Fatalf("after a hit the budget is %v, want it doubled to 10µs", time.Duration(got))
	}
	s.came(1, int64(time.Microsecond))
	s.came(1, int64(time.Microsecond))
	if got := s.budget(1); got != int64(20*time.Microsecond) {
		t.Fatalf("the budget grew to %v, want it capped at 20µs", time.Duration(got))
	}
}

func TestSpinOffWhenCallerSpinIsNegative(t *testing.T) {
	rt := openNoop(t, &Options{Wait: WaitSpinThenPark, CallerSpin: -1})
	if rt.e.drain.callerSpin || rt.e.spin.budget(nooplib.MethodNoop) != 0 {
		t.Fatal("a negative CallerSpin still lets callers spin")
	}
	if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDrainerWindowGrowsWhileCompletionsComeAndBacksOff(t *testing.T) {
	w := drainerWindow{max: 40 * time.Microsecond}
	w.found(true)
	if got := w.length(); got != drainerFloor {
		t.Fatalf("a closed window that paid is %v, want drainerFloor", got)
	}
	w.found(true)
	w.found(true)
	w.found(true)
	if got := w.length(); got != 40*time.Microsecond {
		t.Fatalf("after spins that found completions the window is %v, want the maximum", got)
	}
	w.found(false)
	if got := w.length(); got != 20*time.Microsecond {
		t.Fatalf("after a spin that found nothing the window is %v, want it halved", got)
	}
	for w.length() > 0 {
		w.found(false)
	}
	probes := 0
	for i := 0; i < 4*probeEvery; i++ {
		if w.length() > 0 {
			probes++
		}
	}
	if probes != 4 {
		t.Fatalf("%d probes in %d wake-ups, want 4", probes, 4*probeEvery)
	}
}

// spinBudgetAfterOneCall sets the NOOP method's budget to 8 µs, makes one
// call, and returns the budget: a call that spun changed it (doubled, or
// halved), one that did not left it.
func spinBudgetAfterOneCall(t *testing.T, rt *Runtime) time.Duration {
	t.Helper()
	bucket := &rt.e.spin.buckets[nooplib.MethodNoop%spinBuckets]
	bucket.ns.Store(int64(8 * time.Microsecond))
	if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
		t.Fatal(err)
	}
	return time.Duration(bucket.ns.Load())
}

func TestALoneCallerSpins(t *testing.T) {
	rt := openNoop(t, &Options{Wait: WaitSpinThenPark})
	if got := spinBudgetAfterOneCall(t, rt); got == 8*time.Microsecond {
		t.Fatal("a caller alone in Call did not spin for its completion")
	}
}

func TestACallerWithCompanyParks(t *testing.T) {
	rt := openNoop(t, &Options{Wait: WaitSpinThenPark})
	rt.e.callers.Add(1) // another goroutine inside Call
	defer rt.e.callers.Add(-1)
	if got := spinBudgetAfterOneCall(t, rt); got != 8*time.Microsecond {
		t.Fatalf("a caller with company spun (its budget moved to %v)", got)
	}
}

func TestACallerParksWhileAPendingCallWaits(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2, Wait: WaitSpinThenPark})
	release := holdLane(t, rt) // a Go call, parked until its lane lets go
	defer release()
	if n := rt.e.drain.parked.Load(); n != 1 {
		t.Fatalf("%d calls counted as parked behind the held lane, want 1", n)
	}
	if got := spinBudgetAfterOneCall(t, rt); got != 8*time.Microsecond {
		t.Fatalf("a caller spun while a parked call waited (its budget moved to %v)", got)
	}
}
