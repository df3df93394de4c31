// Package tether calls a native library through tether, which runs the
// library only on threads it owns ("lanes"), so the library's thread-local
// state is made once per lane however goroutines move between OS threads.
//
// Open a Runtime over a library module (OpenPath) or a library linked into
// the program (OpenLibrary), then call it from any number of goroutines:
//
//	rt, err := tether.OpenPath("./libkvstore.so", "tether_kvstore_library", &tether.Options{Lanes: 4})
//	if err != nil {
//		return err
//	}
//	defer rt.Close()
//	value, err := rt.Call(ctx, methodGet, key, payload)
//
// A call never holds an OS thread while the library works, but for a
// short spin: a caller alone waits for a quick completion by taking it
// from tether's queue itself, in the cgo call that submitted it; other
// calls park their goroutine, and one goroutine per runtime collects their
// completions in batches (see WaitStrategy).
// When tether is over its credits, Call waits for credit while its context
// allows; TryCall returns ErrBusy instead; Go starts a call and returns a
// Pending for callers that keep many calls in flight.
//
// Payloads are copied by tether before the call is submitted, and results
// are copied into Go memory, so nothing a caller holds is shared with C.
// Errors are values for errors.Is: ErrBusy, ErrClosed, ErrCancelled,
// ErrDeadline and the other Err* sentinels, or a *LibraryError.
package tether
