package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The Lua library's methods and wire format, from examples/lua/lua_protocol.h:
// little-endian integers, each value a tag byte and a body, a value list a
// u32 count and its values.
const (
	luaEntrySymbol = "tether_lua_library"

	methodLoad uint32 = 1
	methodCall uint32 = 2
	methodGC   uint32 = 3
	methodInfo uint32 = 4

	tagNil     = 0
	tagFalse   = 1
	tagTrue    = 2
	tagInteger = 3
	tagNumber  = 4
	tagString  = 5
	tagTable   = 6

	errRuntime = 1
	errBudget  = 4
)

func appendName(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// loadPayload is LOAD's payload: run `source` as the chunk `name`.
func loadPayload(name, source string) []byte {
	b := binary.LittleEndian.AppendUint64(nil, 0)
	b = appendName(b, name)
	return append(b, source...)
}

// callPayload is CALL's payload: call the global `function` with `args`
// (nil, bool, int, int64, float64 or string), under `budget` instructions
// (0: the library's default).
func callPayload(budget uint64, function string, args ...any) []byte {
	b := binary.LittleEndian.AppendUint64(nil, budget)
	b = appendName(b, function)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(args)))
	for _, arg := range args {
		switch v := arg.(type) {
		case nil:
			b = append(b, tagNil)
		case bool:
			if v {
				b = append(b, tagTrue)
			} else {
				b = append(b, tagFalse)
			}
		case int:
			b = append(b, tagInteger)
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		case int64:
			b = append(b, tagInteger)
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		case float64:
			b = append(b, tagNumber)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		case string:
			b = append(b, tagString)
			b = appendName(b, v)
		default:
			panic(fmt.Sprintf("callPayload: %T cannot be sent", arg))
		}
	}
	return b
}

var errShort = errors.New("lua wire: a reply runs past its end")

// decodeValues reads a value list of scalars (tables are not needed here
// and are refused).
func decodeValues(b []byte) ([]any, error) {
	if len(b) < 4 {
		return nil, errShort
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	values := make([]any, 0, count)
	for i := uint32(0); i < count; i++ {
		if len(b) < 1 {
			return nil, errShort
		}
		tag := b[0]
		b = b[1:]
		switch tag {
		case tagNil:
			values = append(values, nil)
		case tagFalse, tagTrue:
			values = append(values, tag == tagTrue)
		case tagInteger, tagNumber:
			if len(b) < 8 {
				return nil, errShort
			}
			bits := binary.LittleEndian.Uint64(b)
			b = b[8:]
			if tag == tagInteger {
				values = append(values, int64(bits))
			} else {
				values = append(values, math.Float64frombits(bits))
			}
		case tagString:
			if len(b) < 4 || uint64(len(b)-4) < uint64(binary.LittleEndian.Uint32(b)) {
				return nil, errShort
			}
			n := binary.LittleEndian.Uint32(b)
			values = append(values, string(b[4:4+n]))
			b = b[4+n:]
		default:
			return nil, fmt.Errorf("lua wire: value tag %d not expected here", tag)
		}
	}
	if len(b) != 0 {
		return nil, errors.New("lua wire: bytes left over after the values")
	}
	return values, nil
}

// integers decodes a value list that must hold only integers.
func integers(b []byte) ([]int64, error) {
	values, err := decodeValues(b)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(values))
	for i, v := range values {
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("lua wire: value %d is %T, not an integer", i, v)
		}
		out[i] = n
	}
	return out, nil
}
