package main

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The store's methods and wire format (examples/rust-store/store/src/wire.rs):
// little-endian integers, fields as a u32 length then the bytes.
const (
	methodPut    uint32 = 1
	methodGet    uint32 = 2
	methodDelete uint32 = 3
	methodScan   uint32 = 4
	methodSlow   uint32 = 5
	methodStats  uint32 = 6

	codeNotFound      int32 = 1
	codeBadPayload    int32 = 2
	codeUnknownMethod int32 = 3
	codeBusy          int32 = 4
	codeOutOfRange    int32 = 6

	statsSize = 32
)

// StoreError is a store's error answer: one of the wire format's codes.
type StoreError struct {
	Code    int32
	Message string
}

func (e *StoreError) Error() string { return fmt.Sprintf("store error %d: %s", e.Code, e.Message) }

// isBusy reports whether err is SQLite's busy answer.
func isBusy(err error) bool {
	var se *StoreError
	return errors.As(err, &se) && se.Code == codeBusy
}

func appendField(b, field []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(field)))
	return append(b, field...)
}

func putPayload(key, value []byte) []byte { return appendField(appendField(nil, key), value) }

func keyPayload(key []byte) []byte { return appendField(nil, key) }

func scanPayload(from, to []byte, limit uint32) []byte {
	return binary.LittleEndian.AppendUint32(appendField(appendField(nil, from), to), limit)
}

func slowPayload(millis uint32) []byte { return binary.LittleEndian.AppendUint32(nil, millis) }

// storeStats is the STATS result.
type storeStats struct {
	SessionsCreated uint64 // process-wide (per copy of the store library)
	BusyAnswers     uint64 // process-wide
	SessionOps      uint64 // operations the answering thread's session ran
	SessionID       uint32 // the answering thread's session
}

func parseStats(b []byte) (storeStats, error) {
	if len(b) != statsSize {
		return storeStats{}, fmt.Errorf("STATS result is %d bytes, want %d", len(b), statsSize)
	}
	return storeStats{
		SessionsCreated: binary.LittleEndian.Uint64(b[0:]),
		BusyAnswers:     binary.LittleEndian.Uint64(b[8:]),
		SessionOps:      binary.LittleEndian.Uint64(b[16:]),
		SessionID:       binary.LittleEndian.Uint32(b[24:]),
	}, nil
}

// parseRows decodes a SCAN result.
func parseRows(b []byte) ([][2][]byte, error) {
	field := func() ([]byte, error) {
		if len(b) < 4 {
			return nil, fmt.Errorf("SCAN result cut short")
		}
		n := binary.LittleEndian.Uint32(b)
		if uint64(len(b)-4) < uint64(n) {
			return nil, fmt.Errorf("SCAN field of %d bytes runs past the end", n)
		}
		f := b[4 : 4+n]
		b = b[4+n:]
		return f, nil
	}
	if len(b) < 4 {
		return nil, fmt.Errorf("SCAN result of %d bytes", len(b))
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	rows := make([][2][]byte, 0, count)
	for i := uint32(0); i < count; i++ {
		k, err := field()
		if err != nil {
			return nil, err
		}
		v, err := field()
		if err != nil {
			return nil, err
		}
		rows = append(rows, [2][]byte{k, v})
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%d bytes left over after SCAN rows", len(b))
	}
	return rows, nil
}

// affinity is the tether key for a store key: FNV-1a 64 with the top bit
// cleared (never tether.AnyLane), so one key's calls run on one lane.
func affinity(key []byte) uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, c := range key {
		h ^= uint64(c)
		h *= 0x100000001b3
	}
	return h & 0x7fffffffffffffff
}
