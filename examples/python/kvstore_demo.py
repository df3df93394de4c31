"""Serves the kvstore example library through tether from asyncio and from
a thread pool at once, then checks what tether promises: kvstore's
thread-local sessions were made once per lane, every call came back right,
and nothing was left alive.

    python kvstore_demo.py path/to/libkvstore.so [--tasks 2000] [--threads 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kvwire  # noqa: E402

import tether  # noqa: E402


async def task_round(rt: tether.Runtime, name: bytes, rounds: int) -> int:
    """One asyncio task: writes, reads back and deletes its own keys."""
    for i in range(rounds):
        key = b"%s/%d" % (name, i)
        value = b"value of " + key
        k = kvwire.affinity(key)
        await rt.call(kvwire.PUT, kvwire.put(key, value), key=k)
        if await rt.call(kvwire.GET, kvwire.string(key), key=k) != value:
            raise AssertionError(f"GET {key!r} returned the wrong value")
        if await rt.call(kvwire.DELETE, kvwire.string(key), key=k) != b"\x01":
            raise AssertionError(f"DELETE {key!r} found nothing")
    try:
        await rt.call(kvwire.GET, kvwire.string(name), key=kvwire.affinity(name))
    except tether.LibraryError as e:
        if e.code != kvwire.ERR_NOT_FOUND:
            raise
    else:
        raise AssertionError("GET of a key never written succeeded")
    return 3 * rounds + 1


def thread_round(rt: tether.Runtime, name: bytes, rounds: int) -> int:
    """One pool thread: the same, with blocking calls (the GIL is released
    while each waits)."""
    for i in range(rounds):
        key = b"%s/%d" % (name, i)
        k = kvwire.affinity(key)
        rt.call_sync(kvwire.PUT, kvwire.put(key, b"t" * 16), key=k)
        if rt.call_sync(kvwire.GET, kvwire.string(key), key=k) != b"t" * 16:
            raise AssertionError(f"GET {key!r} returned the wrong value")
        rt.call_sync(kvwire.DELETE, kvwire.string(key), key=k)
    return 3 * rounds


async def on_loop(rt: tether.Runtime, tasks: int, rounds: int) -> int:
    counts = await asyncio.gather(*[task_round(rt, b"task%d" % t, rounds) for t in range(tasks)])
    # A burst of slow calls: a 10 ms lane timer each, no thread held.
    await asyncio.gather(*[rt.call(kvwire.SLOW, kvwire.slow(10_000_000)) for _ in range(1000)])
    return sum(counts) + 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", nargs="?", default=os.environ.get("TETHER_KVSTORE_LIBRARY"))
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--lanes", type=int, default=4)
    args = parser.parse_args()
    if not args.library:
        parser.error("give the path of libkvstore.so or set TETHER_KVSTORE_LIBRARY")
    # Should the library crash on a lane, tether's report names the lane,
    # the call and its frames before Python's own handler runs.
    tether.install_crash_handler()

    config = tether.Config(lanes=args.lanes, max_calls_in_flight=1024)
    with tether.Runtime(args.library, kvwire.ENTRY_SYMBOL, config) as rt:
        before = kvwire.sessions(rt.call_sync(kvwire.STATS)) - 1  # that call made one
        start = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            threaded = [pool.submit(thread_round, rt, b"thread%d" % t, args.rounds)
                        for t in range(args.threads)]
            calls = asyncio.run(on_loop(rt, args.tasks, args.rounds))
            calls += sum(f.result() for f in threaded)
        elapsed = time.perf_counter() - start

        # One STATS per lane: keys until every lane has answered.
        answered: "dict[int, int]" = {}
        key = 0
        while len(answered) < args.lanes:
            reply = rt.call_sync(kvwire.STATS, key=key)
            answered[kvwire.lane(reply)] = kvwire.sessions(reply)
            key += 1
        made = max(answered.values()) - before
        stats = rt.stats()
        leaks = rt.leak_report()
    print(f"{args.tasks} tasks and {args.threads} threads: {calls} calls in "
          f"{elapsed:.2f}s ({calls / elapsed:,.0f} calls/s) on {args.lanes} lanes")
    print(f"tether: submitted {stats.submitted}, ok {stats.completed_ok}, library errors "
          f"{stats.completed_library}, busy {stats.rejected_busy}")
    print(f"tether: latency p50 {stats.latency_p50_ns / 1e3:.1f} us, "
          f"p99 {stats.latency_p99_ns / 1e3:.1f} us")
    print(f"kvstore sessions made by this runtime: {made} (lanes: {args.lanes}); "
          f"threads alive now: {threading.active_count()}")
    if made != args.lanes:
        print(f"kvstore-demo: {made} thread-local sessions for {args.lanes} lanes", file=sys.stderr)
        return 1
    if leaks:
        print("kvstore-demo: leak report:\n" + leaks.text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
