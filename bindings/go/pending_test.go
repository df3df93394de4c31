package tether

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

func TestGoPipelinesManyCallsFromOneGoroutine(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2})
	const n = 3 * batchSize
	pending := make([]*Pending, n)
	for i := range pending {
		pending[i] = rt.Go(background, nooplib.MethodEcho, uint64(i), []byte(fmt.Sprint(i)))
	}
	for i, p := range pending {
		got, err := p.Result()
		if err != nil || string(got) != fmt.Sprint(i) {
			t.Fatalf("call %d = %q, %v", i, got, err)
		}
	}
}

func TestGoDoneClosesAndResultRepeats(t *testing.T) {
	rt := openNoop(t, nil)
	p := rt.Go(background, nooplib.MethodEcho, AnyLane, []byte("once"))
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done never closed")
	}
	for i := 0; i < 2; i++ {
		if got, err := p.Result(); err != nil || string(got) != "once" {
			t.Fatalf("Result #%d = %q, %v", i, got, err)
		}
	}
}

func TestGoCancelledByContext(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithCancel(background)
	p := rt.Go(ctx, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(500*time.Millisecond))
	cancel()
	if _, err := p.Result(); !errors.Is(err, ErrCancelled) {
		t.Fatalf("Result after cancel = %v, want ErrCancelled", err)
	}
}

func TestGoDeadlineFromContext(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithTimeout(background, 20*time.Millisecond)
	defer cancel()
	p := rt.Go(ctx, nooplib.MethodSleep, AnyLane, nooplib.SleepPayload(500*time.Millisecond))
	if _, err := p.Result(); !errors.Is(err, ErrDeadline) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Result past the deadline = %v, want ErrDeadline", err)
	}
}

func TestGoCompletedCallUnregistersFromContext(t *testing.T) {
	rt := openNoop(t, nil)
	ctx, cancel := context.WithCancel(background)
	defer cancel()
	for i := 0; i < 100; i++ {
		if _, err := rt.Go(ctx, nooplib.MethodNoop, AnyLane, nil).Result(); err != nil {
			t.Fatal(err)
		}
	}
	cancel() // nothing is in flight: no cancel may reach tether
	time.Sleep(10 * time.Millisecond)
	if s, _ := rt.Stats(); s.CompletedCancelled != 0 || s.CompletedOK != 100 {
		t.Fatalf("stats %+v after 100 finished calls", s)
	}
}
