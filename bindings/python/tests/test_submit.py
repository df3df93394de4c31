"""submit(): concurrent.futures.Future from any thread."""

from __future__ import annotations

import concurrent.futures
import threading

import pytest

import tether
from conftest import ECHO, FAIL, SLEEP, Opener, sleep_payload


def test_submit_resolves_with_bytes(rt: tether.Runtime) -> None:
    future = rt.submit(ECHO, b"submitted")
    assert isinstance(future, concurrent.futures.Future)
    assert future.result(10) == b"submitted"


def test_submit_resolves_with_the_library_error(rt: tether.Runtime) -> None:
    with pytest.raises(tether.LibraryError) as info:
        rt.submit(FAIL).result(10)
    assert info.value.code == 42


def test_many_futures_from_many_threads(rt: tether.Runtime) -> None:
    results: "list[concurrent.futures.Future[bytes]]" = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        mine = [rt.submit(ECHO, b"%d-%d" % (i, j)) for j in range(200)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done, _ = concurrent.futures.wait(results, timeout=30)
    assert len(done) == 1600
    assert sorted(f.result() for f in results) == sorted(
        b"%d-%d" % (i, j) for i in range(8) for j in range(200)
    )


def test_cancelling_the_future_cancels_the_call(rt: tether.Runtime) -> None:
    future = rt.submit(SLEEP, sleep_payload(10))
    assert future.cancel()
    assert future.cancelled()
    deadline = threading.Event()
    for _ in range(200):
        if rt.stats().completed_cancelled == 1 and rt.stats().in_flight == 0:
            break
        deadline.wait(0.01)
    assert rt.stats().completed_cancelled == 1
    assert rt.stats().in_flight == 0


def test_done_callbacks_run_once(rt: tether.Runtime) -> None:
    calls: "list[bytes]" = []
    event = threading.Event()
    future = rt.submit(ECHO, b"once")

    def callback(f: "concurrent.futures.Future[bytes]") -> None:
        calls.append(f.result())
        event.set()

    future.add_done_callback(callback)
    assert event.wait(10)
    assert calls == [b"once"]


def test_close_ends_submitted_calls_with_closed(open_runtime: Opener) -> None:
    rt = open_runtime()
    futures = [rt.submit(SLEEP, sleep_payload(10)) for _ in range(20)]
    rt.close(timeout=0)
    for future in futures:
        with pytest.raises(tether.Closed):
            future.result(10)


def test_close_from_a_done_callback(open_runtime: Opener) -> None:
    rt = open_runtime()
    later = [rt.submit(SLEEP, sleep_payload(10)) for _ in range(10)]
    closed = threading.Event()

    def close_now(f: "concurrent.futures.Future[bytes]") -> None:
        rt.close(timeout=0)
        closed.set()

    rt.submit(ECHO, b"first").add_done_callback(close_now)
    assert closed.wait(10)
    for future in later:
        with pytest.raises(tether.Closed):
            future.result(10)
