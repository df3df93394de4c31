package tether

// Design notes for the cgo layer.
//
// Crossings. Every C call costs a cgo transition, so the package makes as
// few as it can: a submit is one crossing (tether_go_submit_cq builds the
// tether_call on the C stack), and completions come back through one
// completion queue per runtime, taken in batches: one crossing per batch,
// which also frees the previous batch's buffers. A caller that spins for
// its own completion submits and takes in the same crossing
// (tether_go_submit_spin). Who takes completions, and when the queue must
// be armed so that its eventfd announces them, is drain.go's.
//
// No #cgo noescape or nocallback. tether may call the log sink, which is
// Go's (tetherGoLog), from inside a submit, a poll or a buffer free (a
// refusal, a growth warning, a foreign pointer), so nocallback would turn
// such a log line into a panic; and cgo only lets a pointer stay on the
// stack when a function is both noescape and nocallback. The cost is that
// a payload slice a caller built on its stack escapes to the heap (one
// allocation per call); nil and heap payloads cost none.
//
// Pointers. C never keeps a Go pointer. A payload slice is passed for the
// duration of the submit only (tether copies it). A call is named to C by a
// 64-bit tag: a slot index and generation in a Go-side table (slab.go), so
// cgo's pointer checks never see a Go pointer stored in C memory, and no
// shared lock is taken per call (cgo.Handle's map would be one).
//
// Results. Result bytes and error messages are copied into Go memory as the
// batch is dispatched; their tether buffers are freed in the same crossing
// that fetches the next batch, or at once when the queue is found empty.
//
// Lifetime. A Runtime wraps an engine. The drain goroutine and in-flight
// bookkeeping hold the engine, never the Runtime, so an abandoned Runtime
// becomes unreachable and its finalizer closes it; a Pending holds the
// Runtime, so a call in flight keeps it open. Every C call that uses the
// runtime handle is bracketed by enter/leave, and Close destroys the handle
// only once no such call is running.

/*
#cgo pkg-config: tether
#include "tether_go.h"
*/
import "C"
