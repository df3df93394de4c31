package tether

/*
#include <signal.h>
#include <stdint.h>

#include "tether_go.h"

// The address of the SIGSEGV handler installed now (0 if it cannot be read).
static uintptr_t tether_go_test_segv_handler(void) {
  struct sigaction action;
  if (sigaction(SIGSEGV, NULL, &action) != 0) return 0;
  if (action.sa_flags & SA_SIGINFO) return (uintptr_t)action.sa_sigaction;
  return (uintptr_t)action.sa_handler;
}
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// Test support that needs cgo (test files cannot use it): these are not
// exported and are only called from the package's tests.

// allocTestBuffer copies b into a new tether buffer.
func allocTestBuffer(b []byte) (unsafe.Pointer, C.size_t) {
	p := C.tether_buf_alloc(C.size_t(len(b)))
	copy(unsafe.Slice((*byte)(p), len(b)), b)
	return p, C.size_t(len(b))
}

func freeTestBuffer(p unsafe.Pointer) { C.tether_buf_free(p) }

func cString(p unsafe.Pointer) *C.char { return (*C.char)(p) }

// logTestLine sends a line through tether's log sink the way tether's own
// threads do, by freeing a pointer tether never allocated (logged at WARN).
func logTestLine() {
	var local C.int
	C.tether_buf_free(unsafe.Pointer(&local))
}

// segvHandler returns the address of the SIGSEGV handler installed now.
func segvHandler() uintptr { return uintptr(C.tether_go_test_segv_handler()) }

// refuseDestroy makes Close's tether_runtime_destroy of r return status
// without freeing anything, as tether does when it refuses. The returned
// function frees the refused handle for real (a no-op if Close has not
// reached destroy), so the test leaks nothing.
func refuseDestroy(r *Runtime, status int32) (free func()) {
	var kept atomic.Pointer[byte]
	r.e.destroy = func(rt *C.tether_runtime) C.tether_status {
		kept.Store((*byte)(unsafe.Pointer(rt)))
		return C.tether_status(status)
	}
	return func() {
		if rt := kept.Swap(nil); rt != nil {
			C.tether_runtime_destroy((*C.tether_runtime)(unsafe.Pointer(rt)))
		}
	}
}

// Buffer modes (TETHER_BUF_MODE_*).
const (
	bufferModeRelease = int32(C.TETHER_BUF_MODE_RELEASE)
	bufferModeDebug   = int32(C.TETHER_BUF_MODE_DEBUG)
)

// bufferMode returns the mode new tether buffers get.
func bufferMode() int32 { return int32(C.tether_buf_mode()) }

// setBufferMode sets the mode of tether buffers allocated from now on.
func setBufferMode(mode int32) { C.tether_buf_set_mode(C.int32_t(mode)) }
