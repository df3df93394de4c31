package tether

import (
	"runtime"
	"sync"
	"testing"

	"tether.dev/tether/internal/nooplib"
)

// lockedWorkers is what a Go program that must keep a C library on threads
// of its own writes without tether: goroutines locked to their OS threads
// (runtime.LockOSThread), each calling the library through cgo, fed from
// one channel and answering on the caller's. It is the like-for-like
// contender for tether's lanes: the same thread-local state kept, the
// same hand-over between threads, Go's scheduler doing the waking.
type lockedWorkers struct {
	calls   chan chan struct{}
	done    sync.WaitGroup
	replies sync.Pool
}

func startLockedWorkers(n int) *lockedWorkers {
	w := &lockedWorkers{calls: make(chan chan struct{}, 1024)}
	w.replies.New = func() any { return make(chan struct{}, 1) }
	for i := 0; i < n; i++ {
		w.done.Add(1)
		go func() {
			defer w.done.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for reply := range w.calls {
				nooplib.DirectNoop()
				reply <- struct{}{}
			}
		}()
	}
	return w
}

// call runs one no-op on a worker and waits for it.
func (w *lockedWorkers) call() error {
	reply := w.replies.Get().(chan struct{})
	w.calls <- reply
	<-reply
	w.replies.Put(reply)
	return nil
}

func (w *lockedWorkers) stop() {
	close(w.calls)
	w.done.Wait()
}

// lockedThread is the lockedWorkers contender with one worker per lane.
func lockedThread(goroutines, lanes int) contender {
	return contender{"locked-thread", func(b *testing.B) {
		w := startLockedWorkers(max(lanes, 1))
		defer w.stop()
		runConcurrently(b, goroutines, w.call)
	}}
}
