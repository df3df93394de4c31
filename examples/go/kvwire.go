package main

import (
	"encoding/binary"
	"fmt"
)

// The kvstore module's methods and wire format, from
// examples/kvstore/kvstore.h: little-endian integers, strings as a u32
// length then the bytes, keyed calls submitted with the kv key's affinity.
const (
	kvEntrySymbol = "tether_kvstore_library"

	methodPut    uint32 = 1
	methodGet    uint32 = 2
	methodDelete uint32 = 3
	methodSlow   uint32 = 4
	methodStats  uint32 = 5

	errNotFound int32 = 1

	statsSize = 32
)

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// affinity is the tether key a kv key must be submitted with: 64-bit
// FNV-1a of its bytes with the top bit cleared.
func affinity(key string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 0x100000001b3
	}
	return h & 0x7fffffffffffffff
}

func putPayload(key, value string) []byte {
	return appendString(appendString(nil, key), value)
}

func keyPayload(key string) []byte { return appendString(nil, key) }

func slowPayload(delayNs uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, delayNs)
}

// storeStats is kvstore's STATS reply.
type storeStats struct {
	Sessions uint64 // thread-local sessions created, process-wide
	Entries  uint64 // entries in the answering lane's shard
	Handled  uint64 // requests the answering lane has handled
	Lane     uint32 // the lane that answered
}

func parseStats(b []byte) (storeStats, error) {
	if len(b) != statsSize {
		return storeStats{}, fmt.Errorf("STATS reply is %d bytes, want %d", len(b), statsSize)
	}
	return storeStats{
		Sessions: binary.LittleEndian.Uint64(b[0:]),
		Entries:  binary.LittleEndian.Uint64(b[8:]),
		Handled:  binary.LittleEndian.Uint64(b[16:]),
		Lane:     binary.LittleEndian.Uint32(b[24:]),
	}, nil
}
