package tether

// #include "tether_go.h"
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
)

// WaitStrategy is how a call waits for its completion. Every strategy
// drains the queue in batches, one cgo crossing each; they differ in who
// takes completions and what they sleep in when the queue is empty.
type WaitStrategy int

const (
	// WaitDefault picks the strategy that measured fastest (see README.md):
	// WaitSpinThenPark.
	WaitDefault WaitStrategy = iota
	// WaitNetpoller parks every caller on a channel at once. One goroutine
	// per runtime takes completions; it waits on a duplicate of the
	// queue's eventfd registered with Go's network poller: an idle runtime
	// parks a goroutine, not a thread, and a wake-up is a plain read(2)
	// plus non-blocking polls until the queue is empty (the cq.h consumer
	// contract).
	WaitNetpoller
	// WaitBlockingPoll parks every caller at once, and the completion
	// goroutine sleeps inside tether_cq_poll (with a timeout), locked to
	// its OS thread: one thread per runtime is parked in C while idle, and
	// a wake-up needs no extra syscall.
	WaitBlockingPoll
	// WaitSpinThenPark lets a caller that is the only one waiting wait
	// for its own completion by taking from the queue itself
	// (tether_cq_take) for a short time learned per method (at most
	// Options.CallerSpin), in the same cgo crossing as its submit: no
	// eventfd, no netpoller, no channel. A call not back by then parks, as
	// do calls made while others wait; their completions are taken by
	// WaitDrainerSpins' completion goroutine, which keeps looking for a
	// while after the last one it found.
	WaitSpinThenPark
	// WaitDrainerSpins parks every caller at once; the completion
	// goroutine, after it found completions, keeps taking them between
	// runtime.Gosched calls for a while after the last one (a window it
	// learns, at most DrainerSpin) before it sleeps as WaitNetpoller's
	// does: while it looks, lanes write no eventfd and nobody waits for
	// the netpoller.
	WaitDrainerSpins
)

// DrainerSpin is the longest the completion goroutine of WaitDrainerSpins
// keeps looking for completions after the last one it found before it
// sleeps on the eventfd (drainer_spin.go).
const DrainerSpin = 50 * time.Microsecond

// String names the strategy.
func (w WaitStrategy) String() string {
	switch w {
	case WaitDefault:
		return "default"
	case WaitNetpoller:
		return "netpoller"
	case WaitBlockingPoll:
		return "blocking-poll"
	case WaitSpinThenPark:
		return "spin-then-park"
	case WaitDrainerSpins:
		return "drainer-spins"
	}
	return fmt.Sprintf("WaitStrategy(%d)", int(w))
}

// blockingPollTimeoutNs bounds one blocking poll; shutdown wakes it sooner.
const blockingPollTimeoutNs = uint64(1e9)

// netpollerWaitLimit bounds one wait on the eventfd in the same way.
const netpollerWaitLimit = time.Second

// startDraining starts the completion goroutine for q.
func (e *engine) startDraining(q *completionQueue, strategy WaitStrategy) error {
	e.q = q
	e.drain.covered.Store(true) // a new queue starts armed
	switch strategy {
	case WaitBlockingPoll:
		e.drain.owned = true
		go e.drainBlocking(q)
		return nil
	default:
		f, err := q.fd()
		if err != nil {
			return err
		}
		conn, err := f.SyscallConn()
		if err != nil {
			f.Close()
			return fmt.Errorf("tether: registering the completion queue's eventfd: %w", err)
		}
		go e.drainNetpoller(q, f, conn)
		return nil
	}
}

// drainBlocking sleeps in C between batches, on a thread of its own. It
// holds the drain lock all its life: nobody else polls.
func (e *engine) drainBlocking(q *completionQueue) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer close(e.drained)
	e.drain.mu.Lock()
	defer e.drain.mu.Unlock()
	e.pollUntilClosed(q)
}

// drainNetpoller follows the cq.h consumer contract: reset the eventfd
// (read it), then poll without waiting until a poll comes back short.
func (e *engine) drainNetpoller(q *completionQueue, f *os.File, conn syscall.RawConn) {
	defer close(e.drained)
	defer f.Close()
	var word [8]byte
	resetWhenReadable := func(fd uintptr) bool {
		_, err := syscall.Read(int(fd), word[:])
		return !errors.Is(err, syscall.EAGAIN)
	}
	timedOut := false
	spin := drainerWindow{max: e.drain.drainerSpin, now: e.drain.drainerSpin}
	for {
		e.drain.mu.Lock()
		n, closed := e.holdDrain(q)
		if timedOut && n > 0 {
			e.wakeupsByTimeout.Add(1) // completions no wake-up announced
		}
		if closed {
			q.flush()
			e.drain.mu.Unlock()
			return
		}
		e.unlockDrain()
		if window := spin.length(); window > 0 && n > 0 {
			found, closed := e.spinDrain(q, window)
			if closed {
				return
			}
			spin.found(found)
		}
		// The deadline is a safety net, as the blocking poll's timeout is:
		// every completion a parked caller waits for should be announced
		// by the eventfd.
		f.SetReadDeadline(time.Now().Add(netpollerWaitLimit))
		err := conn.Read(resetWhenReadable)
		timedOut = errors.Is(err, os.ErrDeadlineExceeded)
		if err != nil && !timedOut {
			// The file cannot be waited on any more: fall back to waiting
			// in C, which needs no file, holding the drain lock for good.
			fmt.Fprintf(os.Stderr, "tether: waiting on the completion queue's eventfd: %v; polling instead\n", err)
			e.drain.mu.Lock()
			defer e.drain.mu.Unlock()
			e.pollUntilClosed(q)
			return
		}
	}
}

// holdDrain takes what the queue holds after a wake-up and returns how
// many completions it handed out, and whether the queue is finished. It
// arms the queue (polls it empty) when a parked call needs that, or when
// callers never spin; otherwise it only takes (drain.go). REQUIRES: the
// drain lock held.
func (e *engine) holdDrain(q *completionQueue) (total int, closed bool) {
	d := &e.drain
	d.covered.Store(false) // the wake-up that armed it was just read
	for {
		arm := !d.callerSpin || d.parked.Load() > 0 || q.shuttingDown.Load()
		var n int
		var status C.tether_status
		if arm {
			n, status = q.poll(0)
		} else {
			n, status = q.take()
		}
		e.dispatch(q, n)
		total += n
		if status != C.TETHER_OK {
			reportDrainEnd(status)
			return total, true
		}
		// A short batch ends the drain (the cq.h contract), except while
		// shutting down: the last completion's wake-up also announces the
		// end, so keep polling until the queue says TETHER_E_CLOSED or is
		// empty.
		if n < batchSize && (n == 0 || !q.shuttingDown.Load()) {
			if arm {
				d.covered.Store(true)
			}
			return total, false
		}
	}
}

// pollUntilClosed polls with a timeout until tether_cq_poll returns
// TETHER_E_CLOSED: the queue is shut down and every call has completed into
// it and been taken. REQUIRES: the drain lock held, by the completion
// goroutine.
func (e *engine) pollUntilClosed(q *completionQueue) {
	for {
		n, status := q.poll(blockingPollTimeoutNs)
		e.dispatch(q, n)
		if status != C.TETHER_OK {
			q.flush()
			reportDrainEnd(status)
			return
		}
	}
}

// reportDrainEnd reports a poll status other than the expected
// TETHER_E_CLOSED at shutdown (it would be a bug in tether or here).
func reportDrainEnd(status C.tether_status) {
	if status != C.TETHER_E_CLOSED {
		fmt.Fprintf(os.Stderr, "tether: completion queue poll failed with %s; completions stop\n", StatusName(int32(status)))
	}
}
