// Package cbaseline measures tether's own round trip from C in the same
// process as a Go benchmark: the floor the Go binding is compared with.
package cbaseline

/*
#cgo pkg-config: tether
#include <stdlib.h>
#include "cbaseline.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"time"
	"unsafe"
)

// Runtime is a tether runtime and completion queue driven from C.
type Runtime struct {
	b *C.cbaseline
}

// Open opens a runtime over library (a `const tether_library*`) with the
// given number of lanes, whose idle lanes spin for spin (negative: tether's
// default), and tether's other defaults.
func Open(library unsafe.Pointer, lanes int, spin time.Duration) (*Runtime, error) {
	b := C.cbaseline_open((*C.tether_library)(library), C.uint32_t(lanes), C.int64_t(spin))
	if b == nil {
		return nil, errors.New("cbaseline: opening the runtime failed (see stderr)")
	}
	return &Runtime{b: b}, nil
}

// RoundTrips makes count round trips of method from C, each a submit and
// a spin on tether_cq_take, and returns each one's latency.
func (r *Runtime) RoundTrips(method uint32, count int) ([]time.Duration, error) {
	if count <= 0 {
		return nil, nil
	}
	raw := (*C.uint64_t)(C.malloc(C.size_t(count) * 8))
	defer C.free(unsafe.Pointer(raw))
	if status := C.cbaseline_round_trips(r.b, C.uint32_t(method), C.size_t(count), raw); status != C.TETHER_OK {
		return nil, fmt.Errorf("cbaseline: round trip failed: %s", C.GoString(C.tether_status_str(status)))
	}
	out := make([]time.Duration, count)
	for i, ns := range unsafe.Slice(raw, count) {
		out[i] = time.Duration(ns)
	}
	return out, nil
}

// Close shuts the runtime down and frees it.
func (r *Runtime) Close() {
	C.cbaseline_close(r.b)
	r.b = nil
}
