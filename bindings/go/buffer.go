package tether

// #include "tether_go.h"
import "C"

import "unsafe"

// LiveBuffers returns how many tether buffers are live in the process and
// their total size in bytes. Every buffer tether hands this package is
// copied into Go memory and freed at once, so after a runtime is quiet the
// count returns to what it was: a leak check for tests and dashboards.
// Thread safety: any goroutine.
func LiveBuffers() (count, bytes uint64) {
	var c, b C.uint64_t
	C.tether_buf_live(&c, &b)
	return uint64(c), uint64(b)
}

// copyBytes copies n bytes of a tether buffer into a new Go slice; nil
// when n is 0. The buffer stays the caller's to free.
func copyBytes(data unsafe.Pointer, n C.size_t) []byte {
	if n == 0 || data == nil {
		return nil
	}
	out := make([]byte, int(n))
	copy(out, unsafe.Slice((*byte)(data), int(n)))
	return out
}

// copyString copies n bytes of a tether string buffer into a Go string.
func copyString(data *C.char, n C.size_t) string {
	if n == 0 || data == nil {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
}

// takeString copies a NUL-terminated tether string and frees its buffer.
func takeString(data *C.char) string {
	if data == nil {
		return ""
	}
	s := C.GoString(data)
	C.tether_buf_free(unsafe.Pointer(data))
	return s
}
