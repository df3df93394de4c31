package tether

import (
	"encoding/binary"
	"testing"
	"time"
)

// The kvstore module's methods and wire format (examples/kvstore/kvstore.h).
const (
	kvPut    uint32 = 1
	kvGet    uint32 = 2
	kvDelete uint32 = 3
	kvSlow   uint32 = 4
	kvStats  uint32 = 5

	kvErrNotFound      int32 = 1
	kvErrUnknownMethod int32 = 3
)

func kvAppendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// kvAffinity is the tether key a kv key must be submitted with: FNV-1a 64
// with the top bit cleared.
func kvAffinity(key string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 0x100000001b3
	}
	return h & 0x7fffffffffffffff
}

func kvPutPayload(key, value string) []byte {
	return kvAppendString(kvAppendString(nil, key), value)
}

func kvKeyPayload(key string) []byte { return kvAppendString(nil, key) }

func kvSlowPayload(d time.Duration) []byte {
	return binary.LittleEndian.AppendUint64(nil, uint64(d))
}

// kvStatsReply is the STATS reply.
type kvStatsReply struct {
	sessions, entries, handled uint64
	lane                       uint32
}

func kvParseStats(t testing.TB, b []byte) kvStatsReply {
	t.Helper()
	if len(b) != 32 {
		t.Fatalf("STATS reply is %d bytes, want 32", len(b))
	}
	return kvStatsReply{
		sessions: binary.LittleEndian.Uint64(b[0:]),
		entries:  binary.LittleEndian.Uint64(b[8:]),
		handled:  binary.LittleEndian.Uint64(b[16:]),
		lane:     binary.LittleEndian.Uint32(b[24:]),
	}
}

func TestKVAffinityMatchesFNV1a(t *testing.T) {
	// FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; the top bit is cleared.
	if got, want := kvAffinity("a"), uint64(0xaf63dc4c8601ec8c)&0x7fffffffffffffff; got != want {
		t.Fatalf("kvAffinity(a) = %#x, want %#x", got, want)
	}
}
