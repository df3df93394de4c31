package main

// #cgo LDFLAGS: -ldl
// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// shimStore calls the store through store-shim's plain blocking C
// functions: each call is one cgo call that runs SQLite on whatever OS
// thread the goroutine is on at that moment, so every new thread opens a
// connection and builds a session of its own.
//
// The shim is loaded with dlopen (its path is a flag, like the tether
// library's) and called through function pointers; each call is still an
// ordinary blocking cgo call, as with a linked library.
type shimStore struct {
	threads sync.Map // OS thread ids that ran a call
	nthread atomic.Int64
	buffers sync.Pool
}

const shimInlineResult = 256

var shimLoaded atomic.Bool

// openShim loads the shim at path and opens the database db with it. The
// shim holds one database per process, so it can be opened only once.
func openShim(path, db string, busyTimeout time.Duration) (*shimStore, error) {
	if !shimLoaded.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("store-shim is already open in this process")
	}
	cpath, cdb := C.CString(path), C.CString(db)
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(cdb))
	var why [512]C.char
	code := C.go_shim_load(cpath, cdb, C.uint32_t(busyTimeout/time.Millisecond), 0, &why[0], C.size_t(len(why)))
	if code != 0 {
		return nil, fmt.Errorf("store-shim %s: %s", path, C.GoString(&why[0]))
	}
	s := &shimStore{}
	s.buffers.New = func() any { return new([shimInlineResult]byte) }
	return s, nil
}

func (s *shimStore) Call(_ context.Context, method uint32, _ []byte, payload []byte) ([]byte, error) {
	out := s.buffers.Get().(*[shimInlineResult]byte)
	defer s.buffers.Put(out)
	var p unsafe.Pointer
	if len(payload) > 0 {
		p = unsafe.Pointer(&payload[0])
	}
	r := C.go_shim_call(C.uint32_t(method), p, C.size_t(len(payload)), unsafe.Pointer(&out[0]), shimInlineResult)
	if _, seen := s.threads.Load(r.tid); !seen {
		if _, loaded := s.threads.LoadOrStore(r.tid, true); !loaded {
			s.nthread.Add(1)
		}
	}
	var bytes []byte
	if r.heap != nil {
		bytes = C.GoBytes(unsafe.Pointer(r.heap), C.int(r.len))
		C.go_shim_free(r.heap, r.len)
	} else if r.len > 0 {
		bytes = append([]byte(nil), out[:r.len]...)
	}
	if r.code != 0 {
		return nil, &StoreError{Code: int32(r.code), Message: string(bytes)}
	}
	return bytes, nil
}

// Sessions is the number of sessions the shim's copy of the store built.
func (s *shimStore) Sessions(context.Context) (uint64, error) {
	return uint64(C.go_shim_sessions_created()), nil
}

// BusyAnswers counts SQLITE_BUSY answers in the shim's copy of the store.
func (s *shimStore) BusyAnswers(context.Context) (uint64, error) {
	return uint64(C.go_shim_busy_answers()), nil
}

// Threads is the number of distinct OS threads that ran a shim call.
func (s *shimStore) Threads() int { return int(s.nthread.Load()) }

func (s *shimStore) Name() string { return "plain cgo shim" }

func (s *shimStore) Close() error { return nil }
