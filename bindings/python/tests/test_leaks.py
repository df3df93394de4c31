"""The core loop leaves nothing behind: tether's live buffers, and under a
debug CPython sys.gettotalrefcount(), return to their starting values over
20 repetitions."""

from __future__ import annotations

import array
import ast
import asyncio
import gc
import sys
import time
from pathlib import Path

import pytest

import tether
from conftest import ECHO, FAIL, HERE, HOLD, Noop, run_python


def core_loop(rt: tether.Runtime, noop: Noop) -> None:
    """Every kind of call and outcome once or more; ends with nothing in
    flight and no request held by the library."""
    for i in range(20):
        assert rt.call_sync(ECHO, b"x" * i) == b"x" * i
        with rt.call_sync(ECHO, b"v" * i, view=True) as view:
            assert view == b"v" * i
    with pytest.raises(tether.LibraryError):
        rt.call_sync(FAIL)
    with pytest.raises(BufferError):
        rt.call_sync(ECHO, memoryview(b"abcd")[::2])
    futures = [rt.submit(ECHO, bytearray(b"f%d" % i)) for i in range(20)]
    assert [f.result(10) for f in futures] == [b"f%d" % i for i in range(20)]
    with pytest.raises(tether.LibraryError):
        rt.submit(FAIL).result(10)

    # Calls that end while the library holds them: HOLD keeps them on the
    # lane until holds_open(), so cancel and deadline always come first.
    noop.holds_close()
    with pytest.raises(tether.DeadlineExceeded):
        rt.call_sync(HOLD, timeout=0.005)
    cancelled = rt.submit(HOLD)
    cancelled.cancel()

    async def on_loop() -> None:
        with pytest.raises(tether.DeadlineExceeded):
            await rt.call(HOLD, timeout=0.005)
        task = asyncio.ensure_future(rt.call(HOLD))
        await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        noop.holds_open()
        while rt.stats().in_flight:
            await asyncio.sleep(0.001)
        # 200 calls against 64 credits: most wait in line for credit.
        results = await asyncio.gather(*[rt.call(ECHO, b"a%d" % i) for i in range(200)])
        assert results == [b"a%d" % i for i in range(200)]
        views = await asyncio.gather(*[rt.call(ECHO, b"w%d" % i, view=True) for i in range(100)])
        assert [bytes(v) for v in views] == [b"w%d" % i for i in range(100)]
        del views
        with pytest.raises(tether.LibraryError):
            await rt.call(FAIL)

    try:
        asyncio.run(on_loop(), debug=False)
    finally:
        noop.holds_open()
    while noop.holding() or rt.stats().in_flight:
        time.sleep(0.001)


def _totals() -> "tuple[int, int]":
    """(total refcount, live tether buffers), read until two readings in a
    row agree: tether's threads (log lines, submit's completions) may hold
    a reference for a moment."""
    last = None
    while True:
        gc.collect()
        now = (sys.gettotalrefcount() if hasattr(sys, "gettotalrefcount") else 0,
               tether.buffers.live()[0])
        if now == last:
            return now
        last = now
        time.sleep(0.005)


def repeat_core_loop(path: str, warmups: int = 20, repetitions: int = 20) -> "list[tuple[int, int]]":
    """Runs the core loop 3 + repetitions times after the warm-ups and
    returns (total refcount, live buffers) after each run. The readings go
    into arrays made beforehand: storing them as Python objects would
    itself add references every repetition."""
    config = tether.Config(lanes=2, max_calls_in_flight=64, leak_check=tether.LeakCheck.FAIL)
    noop = Noop(Path(path))
    runs = 3 + repetitions
    refs = array.array("q", bytes(8 * runs))
    buffers = array.array("q", bytes(8 * runs))
    with tether.Runtime(path, "nooplib_library", config) as rt:
        for _ in range(warmups):  # caches, free lists, interned names
            core_loop(rt, noop)
        for i in range(runs):
            core_loop(rt, noop)
            refs[i], buffers[i] = _totals()
    return list(zip(refs, buffers))


def test_core_loop_returns_to_its_starting_counts(nooplib_path: Path) -> None:
    # In a fresh interpreter: pytest's own bookkeeping (captured warnings,
    # log records, unraisable hooks) moves the total refcount by itself.
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "import test_leaks\n"
        "print(test_leaks.repeat_core_loop(%r))\n" % (str(HERE), str(nooplib_path))
    )
    result = run_python(code, timeout=300)
    assert result.returncode == 0, result.stderr
    readings = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    refs = [r for r, _ in readings]
    buffers = [b for _, b in readings]
    assert buffers == [buffers[0]] * len(buffers), buffers
    if hasattr(sys, "gettotalrefcount"):
        # A reading can catch some thread of the interpreter holding a
        # dozen references for a while (the first three, or the last five,
        # may all be such readings); a leak only ever grows, and a single
        # reference leaked per repetition lifts each of the last five at
        # least 20 above the first three.
        assert min(refs[-5:]) <= min(refs[:3]), [r - min(refs[:3]) for r in refs]
