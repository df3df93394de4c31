package tether

// #include <stdlib.h>
// #include "tether_go.h"
import "C"

import (
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"
)

// batchSize is how many completions one poll may return.
const batchSize = 256

// completionQueue wraps the tether_cq every call of one runtime completes
// into. Only the holder of the runtime's drain lock (drain.go) polls it;
// the batch and release arrays are C memory, so no Go pointer ever reaches
// C through them.
//
// Thread safety: poll, take, flush and dispatch by the drain lock's holder
// only; shutdown from any goroutine; destroy once nobody can hold that
// lock.
type completionQueue struct {
	cq      *C.tether_cq
	batch   *C.tether_completion // batchSize completions
	release *unsafe.Pointer      // 2*batchSize buffers to free next crossing
	pending int                  // entries of release in use
	// shuttingDown is set just before tether_cq_shutdown.
	shuttingDown atomic.Bool
}

func openCompletionQueue(rt *C.tether_runtime) (*completionQueue, error) {
	var cq *C.tether_cq
	if status := C.tether_cq_open(rt, &cq); status != C.TETHER_OK {
		return nil, statusError(status, "opening the completion queue")
	}
	return &completionQueue{
		cq:      cq,
		batch:   (*C.tether_completion)(C.calloc(batchSize, C.sizeof_tether_completion)),
		release: (*unsafe.Pointer)(C.calloc(2*batchSize, C.size_t(unsafe.Sizeof(unsafe.Pointer(nil))))),
	}, nil
}

// ptr returns the C handle; it panics once the queue is destroyed.
func (q *completionQueue) ptr() *C.tether_cq {
	if q.cq == nil {
		panic("tether: use of a destroyed completion queue")
	}
	return q.cq
}

// fd returns a duplicate of the queue's eventfd, owned by the caller.
func (q *completionQueue) fd() (*os.File, error) {
	fd, err := dupCloexec(int(C.tether_cq_fd(q.ptr())))
	if err != nil {
		return nil, fmt.Errorf("tether: duplicating the completion queue's eventfd: %w", err)
	}
	return os.NewFile(uintptr(fd), "tether-cq-eventfd"), nil
}

// poll frees the buffers of the previous batch, then moves up to
// batchSize completions into the batch array, waiting up to timeoutNs for
// the first: one cgo crossing.
func (q *completionQueue) poll(timeoutNs uint64) (int, C.tether_status) {
	r := C.tether_go_cq_cycle(q.ptr(), q.release, C.size_t(q.pending), q.batch, batchSize, C.uint64_t(timeoutNs))
	q.pending = 0
	return int(r.count), r.status
}

// take is poll without waiting and without arming the queue's eventfd
// (tether_cq_take), for a consumer that does not sleep on it next.
func (q *completionQueue) take() (int, C.tether_status) {
	r := C.tether_go_cq_take_cycle(q.ptr(), q.release, C.size_t(q.pending), q.batch, batchSize)
	q.pending = 0
	return int(r.count), r.status
}

// flush frees the previous batch's buffers now (before going idle).
func (q *completionQueue) flush() {
	if q.pending > 0 {
		C.tether_go_release(q.release, C.size_t(q.pending))
		q.pending = 0
	}
}

// completions returns the n completions the last poll wrote.
func (q *completionQueue) completions(n int) []C.tether_completion {
	return unsafe.Slice(q.batch, n)
}

// releaseLater queues a tether buffer to be freed in the next crossing.
func (q *completionQueue) releaseLater(p unsafe.Pointer) {
	if p != nil {
		unsafe.Slice(q.release, 2*batchSize)[q.pending] = p
		q.pending++
	}
}

// shutdown stops intake; calls already submitted still complete into it.
func (q *completionQueue) shutdown() {
	q.shuttingDown.Store(true)
	C.tether_cq_shutdown(q.ptr())
}

// destroy frees the queue and its arrays. REQUIRES: nobody polls it.
func (q *completionQueue) destroy() {
	q.flush()
	C.tether_cq_destroy(q.cq)
	C.free(unsafe.Pointer(q.batch))
	C.free(unsafe.Pointer(q.release))
	q.cq, q.batch, q.release = nil, nil, nil
}

// dispatch hands the n completions of the last poll to their callers:
// results and error messages are copied into Go memory (their tether
// buffers are freed by the next crossing), and as many callers waiting for
// credit are woken as completions were handed out.
func (e *engine) dispatch(q *completionQueue, n int) {
	batch := q.completions(n)
	for i := range batch {
		c := &batch[i]
		var result []byte
		var err error
		switch c.status {
		case C.TETHER_OK:
			result = copyBytes(c.result, c.result_len)
		case C.TETHER_E_LIBRARY:
			err = &LibraryError{Code: int32(c.library_code), Message: copyString(c.error, c.error_len)}
		default:
			err = &Error{Code: int32(c.status), Message: copyString(c.error, c.error_len)}
		}
		q.releaseLater(c.result)
		q.releaseLater(unsafe.Pointer(c.error))
		if call := e.slab.take(uint64(c.user_data)); call != nil {
			if call.parked {
				call.parked = false
				e.drain.parked.Add(-1)
			}
			call.complete(result, err)
		} else {
			fmt.Fprintf(os.Stderr, "tether: completion with unknown tag %#x dropped (status %s)\n",
				uint64(c.user_data), StatusName(int32(c.status)))
		}
	}
	e.gate.release(n)
}
