#!/usr/bin/env python3
"""Writes the API fuzzer's seed corpus: short, readable sequences that each
reach one area (so the fuzzer starts from inputs that already open queues,
submit, cancel and shut down, instead of finding that from zero bytes).

    tests/fuzz/make_seeds.py tests/fuzz/corpus/api

The layout is fuzz_input.h's: an 8-byte header, then 16-byte operations
(code, a, b, c, u32 d, u64 e). Operation codes follow api_fuzzer.cpp's
OpCode; bit 7 of the code runs it on the second thread."""
import os
import struct
import sys

(SUBMIT, SUBMIT_CQ, BATCH, STREAM_OPEN, STREAM_SUBMIT, STREAM_DESTROY, CANCEL,
 CQ_OPEN, CQ_POLL, CQ_TAKE, CQ_SHUTDOWN, CQ_DESTROY, BUF_ALLOC, BUF_FREE,
 BUF_MISUSE, HANDLE, STATS, SHUTDOWN, NULL_ARGS, YIELD) = range(20)
(NOOP, ECHO, FAIL, THROW, TIMER, NEVER, TWICE, SLEEP, MAKE_HANDLE,
 POST) = range(10)
SECOND = 0x80


def header(lanes=1, calls=16, payload=256, flags=0):
    return struct.pack("<BBHB3x", lanes, calls, payload, flags)


def op(code, a=0, b=0, c=0, d=0, e=0):
    return struct.pack("<BBBBIQ", code, a, b, c, d, e)


# Header flag 0x40: end the sequence with a shutdown even when nothing
# needs one (otherwise the runtime is kept for the next input).
END_WITH_SHUTDOWN = 0x40

SEEDS = {
    "echo_callback": header() + op(SUBMIT, ECHO, 1, 0, 40, 9) * 4,
    "echo_queue": header(2) + op(CQ_OPEN) + op(SUBMIT_CQ, ECHO, 0, 0, 100, 3)
    + op(CQ_POLL, 4, 0, 0, 0, 500000) + op(CQ_TAKE, 8, 0, 1),
    "batch": header(2, 8) + op(CQ_OPEN) + op(BATCH, 7, 0x40, 0, 12, 1)
    + op(BATCH, 3, 0, 0, 5, 2) + op(CQ_POLL, 15, 0, 2, 0, 200000),
    "stream": header(3) + op(STREAM_OPEN) + op(STREAM_SUBMIT, ECHO, 2, 0, 7)
    + op(STREAM_SUBMIT, NOOP, 2) + op(STREAM_DESTROY),
    "cancel": header() + op(SUBMIT, NEVER) + op(CANCEL, 0, 0, 0, 0)
    + op(CANCEL, 1, 0, 0, 0, 0x1234) + op(YIELD, 1, 0, 0, 200),
    "deadline": header() + op(SUBMIT, NEVER, 0, 0x40, 0, 50)
    + op(SUBMIT, TIMER, 0, 0x40, 900, 3) + op(YIELD, 1, 0, 0, 400),
    "late_and_twice": header(1, 4) + op(SUBMIT, TIMER, 0, 0, 300, 1)
    + op(SUBMIT, TWICE, 0, 0, 10, 2) + op(SUBMIT, POST) + op(SUBMIT, THROW)
    + op(SUBMIT, FAIL) + op(SUBMIT, 10),
    "shutdown_midway": header(2, 32, 64, 0x12) + op(SUBMIT, SLEEP, 0, 0, 500)
    + op(SUBMIT | SECOND, ECHO, 3, 0, 20) + op(SHUTDOWN, 1, 0, 0, 0, 1000000)
    + op(SUBMIT, ECHO) + op(CANCEL) + op(SHUTDOWN, 6),
    "two_threads": header(2) + b"".join(
        op(SUBMIT | (SECOND if i % 2 else 0), ECHO, i, 0, i * 13, i)
        for i in range(16)) + op(CQ_OPEN | SECOND) + op(SUBMIT_CQ | SECOND, ECHO),
    "two_threads_drained": header(2, 16, 256, END_WITH_SHUTDOWN | 0x30)
    + b"".join(op(SUBMIT | (SECOND if i % 2 else 0), SLEEP + i % 2, i, 0,
                  i * 50, i) for i in range(8))
    + op(CQ_OPEN) + op(SUBMIT_CQ, TIMER, 0, 0, 400),
    "batch_cancelled": header(3, 8, 128, END_WITH_SHUTDOWN) + op(CQ_OPEN)
    + op(BATCH, 7, 0x40, 0, 100, 1) + op(BATCH | SECOND, 5, 0, 0, 90, 2),
    "handles": header() + op(SUBMIT, MAKE_HANDLE) + op(YIELD, 1, 0, 0, 300)
    + op(HANDLE, 2) + op(HANDLE, 0) + op(HANDLE, 0) + op(HANDLE, 0)
    + op(HANDLE, 1, 0, 0, 0, 0x100000000),
    "buffers": header() + op(BUF_ALLOC, 0, 7, 0, 100) + op(BUF_ALLOC, 0x10, 1, 0, 0)
    + op(BUF_MISUSE, 2) + op(BUF_FREE, 2) + op(BUF_MISUSE, 3) + op(BUF_MISUSE, 0)
    + op(BUF_MISUSE, 1) + op(BUF_MISUSE, 4) + op(BUF_ALLOC, 0x0f),
    "moved_payload": header() + op(SUBMIT, ECHO, 0, 0x20, 64, 5)
    + op(SUBMIT, ECHO, 0, 0x20 | 28, 64, 5),
    "malformed": header(1, 2, 8, 0x80) + op(SUBMIT, ECHO, 0, 31) + op(SUBMIT, ECHO, 0, 30)
    + op(SUBMIT, ECHO, 0, 29) + op(SUBMIT, ECHO, 0, 0, 100) + op(NULL_ARGS, 0)
    + op(NULL_ARGS, 1) + op(NULL_ARGS, 2) + op(NULL_ARGS, 3) + op(NULL_ARGS, 4),
    "queue_lifecycle": header() + op(CQ_OPEN) + op(SUBMIT_CQ, NEVER) + op(CQ_SHUTDOWN)
    + op(SUBMIT_CQ, ECHO) + op(CQ_OPEN) + op(SUBMIT_CQ, ECHO, 1) + op(CQ_DESTROY, 0, 1)
    + op(STATS, 0) + op(STATS, 1, 5) + op(STATS, 2),
    "credits": header(1, 1, 16, 0x01) + op(SUBMIT, SLEEP, 0, 0, 16) * 3
    + op(CQ_OPEN) + op(SUBMIT_CQ, ECHO, 0, 0, 16) * 2,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus", "api")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
