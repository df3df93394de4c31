"""await rt.call(...): on the default loop and on uvloop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Coroutine

import pytest

import tether
from conftest import ECHO, FAIL, HOLD, NOOP, SLEEP, Noop, Opener, sleep_payload

Run = Callable[..., Any]


def test_call_returns_bytes(rt: tether.Runtime, run: Run) -> None:
    async def main() -> bytes:
        return await rt.call(ECHO, b"async")

    assert run(main()) == b"async"


def test_library_error_is_raised_at_await(rt: tether.Runtime, run: Run) -> None:
    async def main() -> None:
        with pytest.raises(tether.LibraryError) as info:
            await rt.call(FAIL)
        assert info.value.code == 42

    run(main())


def test_call_outside_a_running_loop_is_refused(rt: tether.Runtime) -> None:
    with pytest.raises(RuntimeError):
        rt.call(NOOP)


def test_100k_concurrent_calls_in_one_gather(open_runtime: Opener, run: Run) -> None:
    rt = open_runtime(lanes=2)
    n = 100_000

    async def main() -> None:
        results = await asyncio.gather(*[rt.call(ECHO, i.to_bytes(4, "little")) for i in range(n)])
        assert [int.from_bytes(r, "little") for r in results] == list(range(n))

    # Without asyncio's debug mode: it records a traceback for each of the
    # 10^5 futures' callbacks, which takes minutes under a debug CPython.
    run(main(), asyncio_debug=False)
    stats = rt.stats()
    assert stats.completed_ok == n
    # The default credits are 16384 calls: the rest waited for credit.
    assert stats.rejected_busy > 0


def test_cancel_before_the_call_starts(open_runtime: Opener, noop: Noop, run: Run) -> None:
    rt = open_runtime(lanes=1)

    async def main() -> None:
        noop.holds_close()
        held = asyncio.ensure_future(rt.call(HOLD))
        while noop.holding() == 0:
            await asyncio.sleep(0.001)
        queued = asyncio.ensure_future(rt.call(ECHO, b"never runs"))
        await asyncio.sleep(0)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        noop.holds_open()
        assert await held == b""
        await quiet(rt)

    run(main())
    assert rt.stats().completed_cancelled == 1


def test_cancel_during_the_call(rt: tether.Runtime, run: Run) -> None:
    async def main() -> None:
        task = asyncio.ensure_future(rt.call(SLEEP, sleep_payload(10)))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await quiet(rt)

    run(main())
    assert rt.stats().completed_cancelled == 1


def test_cancelling_a_task_that_awaits_a_call(rt: tether.Runtime, run: Run) -> None:
    async def waiter() -> bytes:
        return await rt.call(SLEEP, sleep_payload(10))

    async def main() -> None:
        task = asyncio.create_task(waiter())
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The loop keeps serving calls after the late completion came in.
        assert await rt.call(ECHO, b"next") == b"next"
        await quiet(rt)

    run(main())
    assert rt.stats().completed_cancelled == 1


def test_timeout_raises_deadline_exceeded(rt: tether.Runtime, run: Run) -> None:
    async def main() -> None:
        with pytest.raises(tether.DeadlineExceeded) as info:
            await rt.call(SLEEP, sleep_payload(5), timeout=0.05)
        assert isinstance(info.value, asyncio.TimeoutError)

    run(main())
    assert rt.stats().completed_deadline == 1


def test_wait_for_cancels_the_call_in_tether(rt: tether.Runtime, run: Run) -> None:
    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(rt.call(SLEEP, sleep_payload(5)), 0.05)
        await quiet(rt)

    run(main())
    assert rt.stats().completed_cancelled == 1


def test_try_call_fails_at_once_when_busy(open_runtime: Opener, noop: Noop, run: Run) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)

    async def main() -> None:
        noop.holds_close()
        held = rt.call(HOLD)
        with pytest.raises(tether.Busy):
            rt.try_call(NOOP)
        noop.holds_open()
        await held

    run(main())


def test_call_waits_for_credit(open_runtime: Opener, noop: Noop, run: Run) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)

    async def main() -> None:
        noop.holds_close()
        held = rt.call(HOLD)
        waiting = [rt.call(ECHO, b"%d" % i) for i in range(10)]
        await asyncio.sleep(0.02)
        noop.holds_open()
        assert await held == b""
        assert await asyncio.gather(*waiting) == [b"%d" % i for i in range(10)]

    run(main())
    assert rt.stats().rejected_busy >= 10


def test_credit_wait_gives_up_at_the_timeout(open_runtime: Opener, noop: Noop, run: Run) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)

    async def main() -> None:
        noop.holds_close()
        held = rt.call(HOLD)
        with pytest.raises(tether.DeadlineExceeded):
            await rt.call(NOOP, timeout=0.05)
        noop.holds_open()
        await held

    run(main())


def test_cancelling_a_credit_waiter(open_runtime: Opener, noop: Noop, run: Run) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)

    async def main() -> None:
        noop.holds_close()
        held = rt.call(HOLD)
        waiting = asyncio.ensure_future(rt.call(NOOP))
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        noop.holds_open()
        await held
        assert await rt.call(ECHO, b"ok") == b"ok"

    run(main())


def test_close_with_calls_in_flight_ends_each_task_once(open_runtime: Opener, run: Run) -> None:
    rt = open_runtime()
    outcomes: "list[str]" = []

    async def one() -> None:
        try:
            await rt.call(SLEEP, sleep_payload(10))
            outcomes.append("ok")
        except tether.Closed:
            outcomes.append("closed")

    async def main() -> None:
        tasks = [asyncio.create_task(one()) for _ in range(100)]
        await asyncio.sleep(0.05)
        rt.close(timeout=0)
        await asyncio.wait_for(asyncio.gather(*tasks), 10)

    run(main())
    assert outcomes == ["closed"] * 100


def test_close_from_another_thread_reaches_the_loop(open_runtime: Opener, run: Run) -> None:
    rt = open_runtime()

    async def main() -> None:
        calls = [rt.call(SLEEP, sleep_payload(10)) for _ in range(10)]
        closer = threading.Thread(target=rt.close, kwargs={"timeout": 0})
        closer.start()
        results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 10)
        closer.join()
        assert all(isinstance(r, tether.Closed) for r in results)

    run(main())


def test_calls_from_several_loops_in_threads(rt: tether.Runtime, run: Run) -> None:
    errors: "list[BaseException]" = []

    def loop_thread(tag: int) -> None:
        async def main() -> None:
            for i in range(200):
                payload = b"%d:%d" % (tag, i)
                assert await rt.call(ECHO, payload) == payload

        try:
            asyncio.run(main())
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=loop_thread, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()

    async def here() -> None:
        results = await asyncio.gather(*[rt.call(ECHO, b"main%d" % i) for i in range(200)])
        assert results == [b"main%d" % i for i in range(200)]

    run(here())
    for t in threads:
        t.join()
    assert errors == []


def test_two_runtimes_on_one_loop(open_runtime: Opener, run: Run) -> None:
    a, b = open_runtime(), open_runtime()

    async def main() -> None:
        ra, rb = await asyncio.gather(a.call(ECHO, b"a"), b.call(ECHO, b"b"))
        assert (ra, rb) == (b"a", b"b")

    run(main())


def test_a_runtime_outlives_its_loops(rt: tether.Runtime, run: Run) -> None:
    async def main() -> bytes:
        return await rt.call(ECHO, b"again")

    for _ in range(3):
        assert run(main()) == b"again"


async def quiet(rt: tether.Runtime) -> None:
    """Waits until the runtime has nothing in flight: a cancelled call's
    late completion is taken from its queue by the loop's reader."""
    for _ in range(1000):
        if rt.stats().in_flight == 0:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"calls still in flight: {rt.stats()}")
