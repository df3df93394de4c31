package tether

import "testing"

func woken(w *creditWaiter) bool {
	select {
	case <-w.wake:
		return true
	default:
		return false
	}
}

func TestCreditReleaseWakesOldestFirst(t *testing.T) {
	var g creditGate
	a, b, c := newCreditWaiter(), newCreditWaiter(), newCreditWaiter()
	g.enqueue(a)
	g.enqueue(b)
	g.enqueue(c)
	g.release(2)
	if !woken(a) || !woken(b) || woken(c) {
		t.Fatal("release(2) should wake the two oldest waiters only")
	}
	if got := g.waiting.Load(); got != 1 {
		t.Fatalf("waiting = %d, want 1", got)
	}
}

func TestCreditLeaveUnqueues(t *testing.T) {
	var g creditGate
	a, b := newCreditWaiter(), newCreditWaiter()
	g.enqueue(a)
	g.enqueue(b)
	g.leave(a)
	g.release(1)
	if woken(a) || !woken(b) {
		t.Fatal("a waiter that left was woken instead of the next one")
	}
}

func TestCreditUnusedWakeUpPassesOn(t *testing.T) {
	var g creditGate
	a, b := newCreditWaiter(), newCreditWaiter()
	g.enqueue(a)
	g.enqueue(b)
	g.release(1) // wakes a, which gives up without using it
	g.leave(a)
	if !woken(b) {
		t.Fatal("the wake-up a did not use was lost")
	}
}

func TestCreditReleaseAllEmptiesQueue(t *testing.T) {
	var g creditGate
	ws := []*creditWaiter{newCreditWaiter(), newCreditWaiter(), newCreditWaiter()}
	for _, w := range ws {
		g.enqueue(w)
	}
	g.releaseAll()
	for i, w := range ws {
		if !woken(w) {
			t.Fatalf("waiter %d not woken", i)
		}
	}
	if g.waiting.Load() != 0 || g.head != nil || g.tail != nil {
		t.Fatal("queue not empty after releaseAll")
	}
	g.release(5) // nothing to wake: must not block
}

func TestCreditRequeueUsesUpAnUnreadWakeUp(t *testing.T) {
	var g creditGate
	w := newCreditWaiter()
	g.enqueue(w)
	g.release(1) // w holds a wake-up it has not read yet
	g.requeue(w) // and retries instead (its retry timer fired)
	done := make(chan struct{})
	go func() {
		g.release(1) // must not block on w's full channel
		close(done)
	}()
	<-done
	if !woken(w) {
		t.Fatal("the requeued waiter was not woken")
	}
}
