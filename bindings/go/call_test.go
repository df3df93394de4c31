package tether

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

func TestCallEchoesPayload(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2})
	payload := []byte("hello, lanes")
	got, err := rt.Call(background, nooplib.MethodEcho, 7, payload)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("Call(ECHO) = %q, %v; want %q", got, err, payload)
	}
}

func TestCallPayloadMayBeReusedAtOnce(t *testing.T) {
	rt := openNoop(t, nil)
	payload := []byte("first")
	p := rt.Go(background, nooplib.MethodEcho, AnyLane, payload)
	copy(payload, "XXXXX") // tether copied it before Go returned
	if got, err := p.Result(); err != nil || string(got) != "first" {
		t.Fatalf("Result = %q, %v; want \"first\"", got, err)
	}
}

func TestCallEmptyResultIsNil(t *testing.T) {
	rt := openNoop(t, nil)
	got, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil)
	if err != nil || got != nil {
		t.Fatalf("Call(NOOP) = %v, %v; want nil, nil", got, err)
	}
}

func TestCallUnknownMethodIsLibraryError(t *testing.T) {
	rt := openNoop(t, nil)
	_, err := rt.Call(background, 99, AnyLane, nil)
	var lib *LibraryError
	if !errors.Is(err, ErrLibrary) || !errors.As(err, &lib) || lib.Code != 4 || lib.Message != "unknown method" {
		t.Fatalf("Call(99) = %v, want the library's unknown-method error", err)
	}
}

func TestCallOversizedPayloadIsTooLarge(t *testing.T) {
	rt := openNoop(t, &Options{MaxPayloadBytes: 1024})
	_, err := rt.Call(background, nooplib.MethodEcho, AnyLane, make([]byte, 1025))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Call with 1025 bytes over a 1024 limit = %v, want ErrTooLarge", err)
	}
	if got, err := rt.Call(background, nooplib.MethodEcho, AnyLane, make([]byte, 1024)); err != nil || len(got) != 1024 {
		t.Fatalf("Call at the limit = %d bytes, %v", len(got), err)
	}
}

func TestCallNilContextIsInvalid(t *testing.T) {
	rt := openNoop(t, nil)
	//lint:ignore SA1012 a nil context is the bad input under test
	if _, err := rt.Call(nil, nooplib.MethodNoop, AnyLane, nil); !errors.Is(err, ErrInvalidArgument) { //nolint:staticcheck
		t.Fatalf("Call(nil ctx) = %v, want ErrInvalidArgument", err)
	}
}

func TestCallContextCancelledBeforeSubmitting(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithCancel(background)
	cancel()
	_, err := rt.Call(ctx, nooplib.MethodNoop, AnyLane, nil)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Call with a cancelled ctx = %v, want ErrCancelled", err)
	}
	if s, _ := rt.Stats(); s.Submitted != 0 {
		t.Fatalf("%d calls submitted, want 0", s.Submitted)
	}
}

func TestCallContextCancelledDuringCall(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			rt := openNoop(t, &Options{Wait: strategy})
			ctx, cancel := context.WithCancel(background)
			time.AfterFunc(20*time.Millisecond, cancel)
			start := time.Now()
			_, err := rt.Call(ctx, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(500*time.Millisecond))
			if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
				t.Fatalf("Call cancelled mid-flight = %v, want ErrCancelled", err)
			}
			if waited := time.Since(start); waited > 2*time.Second {
				t.Fatalf("cancelling took %v", waited)
			}
			if s, _ := rt.Stats(); s.CompletedCancelled != 1 {
				t.Fatalf("completed_cancelled = %d, want 1", s.CompletedCancelled)
			}
		})
	}
}

func TestCallDeadlineBecomesTetherDeadline(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithTimeout(background, 30*time.Millisecond)
	defer cancel()
	_, err := rt.Call(ctx, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(500*time.Millisecond))
	if !errors.Is(err, ErrDeadline) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Call past its deadline = %v, want ErrDeadline", err)
	}
	s, _ := rt.Stats()
	if s.CompletedDeadline+s.CompletedCancelled != 1 {
		t.Fatalf("stats %+v: want one call ended by its deadline", s)
	}
}

func TestCallDeadlineAlreadyPassed(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithDeadline(background, time.Now().Add(-time.Second))
	defer cancel()
	if _, err := rt.Call(ctx, nooplib.MethodNoop, AnyLane, nil); !errors.Is(err, ErrDeadline) {
		t.Fatalf("Call with an expired ctx = %v, want ErrDeadline", err)
	}
}

func TestCallDeadlineLongEnoughSucceeds(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithTimeout(background, 5*time.Second)
	defer cancel()
	if _, err := rt.Call(ctx, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(time.Millisecond)); err != nil {
		t.Fatalf("Call within its deadline = %v", err)
	}
}

func TestTryCallIsBusyAndCallWaitsForCredit(t *testing.T) {
	rt := openNoop(t, &Options{MaxCallsInFlight: 2})
	sleep := nooplib.SleepPayload(100 * time.Millisecond)
	a := rt.Go(background, nooplib.MethodSleep, AnyLane, sleep)
	b := rt.Go(background, nooplib.MethodSleep, AnyLane, sleep)
	if _, err := rt.TryCall(background, nooplib.MethodNoop, AnyLane, nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("TryCall over the credits = %v, want ErrBusy", err)
	}
	start := time.Now()
	if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
		t.Fatalf("Call over the credits = %v, want it to wait and succeed", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("Call returned after %v, before any credit came back", waited)
	}
	for _, p := range []*Pending{a, b} {
		if _, err := p.Result(); err != nil {
			t.Fatal(err)
		}
	}
	if s, _ := rt.Stats(); s.RejectedBusy == 0 {
		t.Fatal("stats show no busy rejection")
	}
}

func TestCallWaitingForCreditHonoursContext(t *testing.T) {
	rt := openNoop(t, &Options{MaxCallsInFlight: 1})
	blocker := rt.Go(background, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(300*time.Millisecond))
	ctx, cancel := context.WithTimeout(background, 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := rt.Call(ctx, nooplib.MethodNoop, AnyLane, nil); !errors.Is(err, ErrDeadline) {
		t.Fatalf("Call waiting for credit past its deadline = %v, want ErrDeadline", err)
	}
	if waited := time.Since(start); waited > 200*time.Millisecond {
		t.Fatalf("the wait for credit ignored the deadline (%v)", waited)
	}
	blocker.Result()
}

func TestCallBackpressureReachesEveryGoroutine(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			rt := openNoop(t, &Options{Lanes: 2, MaxCallsInFlight: 8, Wait: strategy})
			var wg sync.WaitGroup
			for g := 0; g < 200; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						method, payload := nooplib.MethodEcho, []byte{byte(i)}
						if i%5 == 0 {
							method, payload = nooplib.MethodSleep, nooplib.SleepPayload(time.Millisecond)
						}
						if _, err := rt.Call(background, method, AnyLane, payload); err != nil {
							t.Errorf("Call: %v", err)
							return
						}
					}
				}()
			}
			wg.Wait()
			s, _ := rt.Stats()
			if s.CompletedOK != 200*20 {
				t.Fatalf("completed_ok = %d, want %d", s.CompletedOK, 200*20)
			}
		})
	}
}

func TestCallKeepsKeyedCallsOnOneLane(t *testing.T) {
	rt := openKVStore(t, &Options{Lanes: 4})
	lanes := map[uint32]bool{}
	for i := 0; i < 20; i++ {
		got, err := rt.Call(background, kvStats, 12345, nil)
		if err != nil {
			t.Fatal(err)
		}
		lanes[kvParseStats(t, got).lane] = true
	}
	if len(lanes) != 1 {
		t.Fatalf("one key ran on lanes %v", lanes)
	}
}

func TestCallTimeoutOfAnExpiredDeadlineIsDeadline(t *testing.T) {
	// A context whose deadline has passed but whose timer has not fired yet.
	ctx := deadlineOnly{deadline: time.Now().Add(-time.Millisecond)}
	if _, err := callTimeout(ctx); !errors.Is(err, ErrDeadline) {
		t.Fatalf("callTimeout(past deadline) = %v, want ErrDeadline", err)
	}
}

// deadlineOnly reports a deadline but is never done.
type deadlineOnly struct {
	context.Context
	deadline time.Time
}

func (d deadlineOnly) Deadline() (time.Time, bool) { return d.deadline, true }
func (d deadlineOnly) Err() error                  { return nil }
func (d deadlineOnly) Done() <-chan struct{}       { return nil }
