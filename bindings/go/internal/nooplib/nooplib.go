// Package nooplib is a tether library that does almost nothing (NOOP,
// ECHO, SLEEP on a lane timer, BLOCK on the lane's thread), linked into
// the process and opened with tether.OpenLibrary, plus plain C functions
// to compare against: the baseline for the binding's tests and
// benchmarks. FAULT and DirectFault crash the process, for the
// crash-handler tests; HOLD keeps a lane busy for tests that need requests
// queued behind it.
package nooplib

// -rdynamic puts the program's C functions in its dynamic symbol table,
// where tether's crash report (backtrace_symbols_fd) looks for names: the
// report of a FAULT then names nooplib_store_through_null.

/*
#cgo pkg-config: tether
#cgo LDFLAGS: -rdynamic
#include "nooplib.h"
*/
import "C"

import (
	"encoding/binary"
	"time"
	"unsafe"
)

// Method ids the library serves.
const (
	MethodNoop  = uint32(C.NOOPLIB_METHOD_NOOP)
	MethodEcho  = uint32(C.NOOPLIB_METHOD_ECHO)
	MethodSleep = uint32(C.NOOPLIB_METHOD_SLEEP)
	// MethodFault writes "nooplib: request ID faults" to stderr, then
	// stores through a null pointer on the lane: the process gets a
	// SIGSEGV on a thread Go did not create.
	MethodFault = uint32(C.NOOPLIB_METHOD_FAULT)
	// MethodHold keeps its lane's thread busy, after CloseHolds, until
	// OpenHolds; then it replies empty.
	MethodHold = uint32(C.NOOPLIB_METHOD_HOLD)
	// MethodBlock runs BlockingOp on the lane (the payload is
	// SleepPayload's), blocking the lane's thread; then it replies empty.
	MethodBlock = uint32(C.NOOPLIB_METHOD_BLOCK)
)

// BlockingOp makes one cgo call into the C function MethodBlock runs on a
// lane: it blocks the calling thread for d, and makes a thread-local
// session on the first call from each thread.
func BlockingOp(d time.Duration) { C.nooplib_blocking_op(C.uint64_t(d)) }

// Sessions returns how many threads have made a session in BlockingOp,
// through tether or not, since ResetSessions.
func Sessions() int { return int(C.nooplib_sessions()) }

// ResetSessions starts the count afresh: every thread's next BlockingOp
// makes a session again.
func ResetSessions() { C.nooplib_sessions_reset() }

// CloseHolds makes HOLD calls wait on their lanes until OpenHolds.
func CloseHolds() { C.nooplib_holds_close() }

// OpenHolds lets every HOLD call reply (the initial state).
func OpenHolds() { C.nooplib_holds_open() }

// Holding returns how many HOLD calls are keeping their lanes busy now.
func Holding() int { return int(C.nooplib_holding()) }

// Library returns the library's `const tether_library*` for
// tether.OpenLibrary. It is static: valid for the life of the process.
func Library() unsafe.Pointer { return unsafe.Pointer(C.nooplib_library()) }

// SleepPayload encodes a SLEEP call's delay.
func SleepPayload(d time.Duration) []byte {
	return binary.LittleEndian.AppendUint64(nil, uint64(d))
}

// DirectNoop makes one cgo call into a C function that does nothing.
func DirectNoop() { C.nooplib_direct_noop() }

// DirectSleep makes one cgo call into a C function that blocks its thread
// for d.
func DirectSleep(d time.Duration) { C.nooplib_direct_sleep(C.uint64_t(d)) }

// DirectFault makes one cgo call into a C function that stores through a
// null pointer: a SIGSEGV inside a cgo call, on a Go thread.
func DirectFault() { C.nooplib_store_through_null() }
