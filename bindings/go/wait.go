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

// WaitStrategy is how a runtime's completion goroutine waits for
// completions. Both drain the queue in batches, one cgo crossing each; they
// differ in what the goroutine sleeps in when the queue is empty.
type WaitStrategy int

const (
	// WaitDefault picks the strategy that measured fastest (see README.md):
	// WaitNetpoller.
	WaitDefault WaitStrategy = iota
	// WaitNetpoller registers a duplicate of the queue's eventfd with Go's
	// network poller: an idle runtime parks a goroutine, not a thread, and a
	// wake-up is a plain read(2) plus non-blocking polls until the queue is
	// empty (the cq.h consumer contract).
	WaitNetpoller
	// WaitBlockingPoll sleeps inside tether_cq_poll (with a timeout) on a
	// goroutine locked to its OS thread: one thread per runtime is parked in
	// C while idle, and a wake-up needs no extra syscall.
	WaitBlockingPoll
)

// String names the strategy.
func (w WaitStrategy) String() string {
	switch w {
	case WaitDefault:
		return "default"
	case WaitNetpoller:
		return "netpoller"
	case WaitBlockingPoll:
		return "blocking-poll"
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
	switch strategy {
	case WaitBlockingPoll:
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

// drainBlocking sleeps in C between batches, on a thread of its own.
func (e *engine) drainBlocking(q *completionQueue) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer close(e.drained)
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
	for {
		for {
			n, status := q.poll(0)
			e.dispatch(q, n)
			if status != C.TETHER_OK {
				q.flush()
				reportDrainEnd(status)
				return
			}
			// A short batch ends the drain (the cq.h contract), except
			// while shutting down: the last completion's wake-up also
			// announces the end, so keep polling until the queue says
			// TETHER_E_CLOSED or is empty.
			if n < batchSize && (n == 0 || !q.shuttingDown.Load()) {
				break
			}
		}
		q.flush()
		// The deadline is a safety net, as the blocking poll's timeout is:
		// every completion should be announced by the eventfd.
		f.SetReadDeadline(time.Now().Add(netpollerWaitLimit))
		err := conn.Read(resetWhenReadable)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			e.wakeupsByTimeout.Add(1)
			continue
		}
		if err != nil {
			// The file cannot be waited on any more: fall back to waiting
			// in C, which needs no file.
			fmt.Fprintf(os.Stderr, "tether: waiting on the completion queue's eventfd: %v; polling instead\n", err)
			e.pollUntilClosed(q)
			return
		}
	}
}

// pollUntilClosed polls with a timeout until tether_cq_poll returns
// TETHER_E_CLOSED: the queue is shut down and every call has completed into
// it and been taken. REQUIRES: called on the completion goroutine.
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
