"""kvstore's wire format (examples/kvstore/kvstore.h): little-endian
integers, strings as a u32 length and their bytes, and keyed calls made
with the key's affinity (FNV-1a 64 with the top bit cleared)."""

from __future__ import annotations

import struct

ENTRY_SYMBOL = "tether_kvstore_library"
PUT, GET, DELETE, SLOW, STATS = 1, 2, 3, 4, 5
ERR_NOT_FOUND = 1


def affinity(key: bytes) -> int:
    h = 0xCBF29CE484222325
    for byte in key:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h & 0x7FFFFFFFFFFFFFFF


def string(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def put(key: bytes, value: bytes) -> bytes:
    return string(key) + string(value)


def slow(delay_ns: int) -> bytes:
    return struct.pack("<Q", delay_ns)


def sessions(stats_reply: bytes) -> int:
    """Thread-local sessions kvstore made, process-wide (STATS offset 0)."""
    return int(struct.unpack_from("<Q", stats_reply, 0)[0])


def lane(stats_reply: bytes) -> int:
    """The lane that answered a STATS call (offset 24)."""
    return int(struct.unpack_from("<I", stats_reply, 24)[0])
