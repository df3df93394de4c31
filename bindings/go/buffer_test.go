package tether

import (
	"bytes"
	"testing"
)

func TestBufferCopyIsIndependentOfTetherMemory(t *testing.T) {
	before, _ := LiveBuffers()
	data, n := allocTestBuffer([]byte("hello"))
	if count, _ := LiveBuffers(); count != before+1 {
		t.Fatalf("live buffers = %d after one alloc, want %d", count, before+1)
	}
	got := copyBytes(data, n)
	freeTestBuffer(data)
	if !bytes.Equal(got, []byte("hello")) {
		t.Fatalf("copyBytes = %q", got)
	}
	if count, _ := LiveBuffers(); count != before {
		t.Fatalf("live buffers = %d after free, want %d", count, before)
	}
}

func TestBufferEmptyCopiesToNil(t *testing.T) {
	if got := copyBytes(nil, 0); got != nil {
		t.Fatalf("copyBytes(nil, 0) = %v, want nil", got)
	}
	if got := copyString(nil, 0); got != "" {
		t.Fatalf("copyString(nil, 0) = %q", got)
	}
	if got := takeString(nil); got != "" {
		t.Fatalf("takeString(nil) = %q", got)
	}
}

func TestBufferTakeStringFrees(t *testing.T) {
	before, _ := LiveBuffers()
	data, _ := allocTestBuffer([]byte("why\x00"))
	if got := takeString(cString(data)); got != "why" {
		t.Fatalf("takeString = %q", got)
	}
	if count, _ := LiveBuffers(); count != before {
		t.Fatalf("live buffers = %d, want %d", count, before)
	}
}
