"""Blocking calls from threads: payloads, outcomes, credit, the GIL."""

from __future__ import annotations

import array
import threading
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

import tether
from conftest import ECHO, FAIL, HOLD, LANE, NOOP, SLEEP, Noop, Opener, sleep_payload


def test_echo_returns_bytes(rt: tether.Runtime) -> None:
    result = rt.call_sync(ECHO, b"abc")
    assert type(result) is bytes
    assert result == b"abc"


def test_empty_result_is_empty_bytes(rt: tether.Runtime) -> None:
    assert rt.call_sync(NOOP) == b""


@pytest.mark.parametrize(
    "payload",
    [b"xyz", bytearray(b"xyz"), memoryview(b"..xyz..")[2:5], array.array("B", b"xyz")],
)
def test_any_contiguous_buffer_is_a_payload(rt: tether.Runtime, payload: object) -> None:
    assert rt.call_sync(ECHO, payload) == b"xyz"


def test_none_is_an_empty_payload(rt: tether.Runtime) -> None:
    assert rt.call_sync(ECHO, None) == b""


def test_payload_is_copied_at_submit(rt: tether.Runtime) -> None:
    data = bytearray(b"before")
    future = rt.submit(ECHO, data)
    data[:] = b"after!"
    assert future.result(10) == b"before"


def test_non_contiguous_payload_is_refused(rt: tether.Runtime) -> None:
    with pytest.raises(BufferError):
        rt.call_sync(ECHO, memoryview(b"abcdef")[::2])


def test_payload_without_buffer_protocol_is_refused(rt: tether.Runtime) -> None:
    with pytest.raises(TypeError):
        rt.call_sync(ECHO, "text is not bytes")


def test_method_out_of_range_is_refused(rt: tether.Runtime) -> None:
    with pytest.raises(ValueError):
        rt.call_sync(2**32)
    with pytest.raises(ValueError):
        rt.call_sync(-1)


def test_payload_over_the_limit_is_too_large(open_runtime: Opener) -> None:
    rt = open_runtime(max_payload_bytes=8, max_bytes_in_flight=1024)
    assert rt.call_sync(ECHO, b"12345678") == b"12345678"
    with pytest.raises(tether.TooLarge) as info:
        rt.call_sync(ECHO, b"123456789")
    assert info.value.status == tether.Status.TOO_LARGE


def test_library_error_has_code_and_message(rt: tether.Runtime) -> None:
    with pytest.raises(tether.LibraryError) as info:
        rt.call_sync(FAIL)
    assert info.value.code == 42
    assert info.value.message == "asked to fail"


def test_timeout_raises_deadline_exceeded(rt: tether.Runtime) -> None:
    start = time.monotonic()
    with pytest.raises(tether.DeadlineExceeded) as info:
        rt.call_sync(SLEEP, sleep_payload(5), timeout=0.05)
    assert info.value.status == tether.Status.DEADLINE
    assert time.monotonic() - start < 4
    assert rt.stats().completed_deadline == 1


def test_timeout_must_be_positive(rt: tether.Runtime) -> None:
    with pytest.raises(ValueError):
        rt.call_sync(NOOP, timeout=0)


def test_busy_without_waiting_fails_at_once(open_runtime: Opener, noop: Noop) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)
    noop.holds_close()
    held = rt.submit(HOLD)
    with pytest.raises(tether.Busy) as info:
        rt.call_sync(NOOP, wait_for_credit=False)
    assert info.value.status == tether.Status.BUSY
    noop.holds_open()
    held.result(10)


def test_busy_waits_for_credit(open_runtime: Opener, noop: Noop) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)
    noop.holds_close()
    held = rt.submit(HOLD)
    threading.Timer(0.05, noop.holds_open).start()
    assert rt.call_sync(ECHO, b"after the hold") == b"after the hold"
    assert held.result(10) == b""
    assert rt.stats().rejected_busy >= 1


def test_busy_wait_gives_up_at_the_timeout(open_runtime: Opener, noop: Noop) -> None:
    rt = open_runtime(lanes=1, max_calls_in_flight=1)
    noop.holds_close()
    held = rt.submit(HOLD)
    with pytest.raises(tether.DeadlineExceeded):
        rt.call_sync(NOOP, timeout=0.05)
    noop.holds_open()
    held.result(10)


def test_waiting_releases_the_gil(rt: tether.Runtime) -> None:
    done = threading.Event()
    counted = 0

    def sleeper() -> None:
        rt.call_sync(SLEEP, sleep_payload(0.3))
        done.set()

    thread = threading.Thread(target=sleeper)
    thread.start()
    while not done.is_set():
        counted += 1
    thread.join()
    assert counted > 1000


def test_keyed_calls_stay_on_their_lane(open_runtime: Opener) -> None:
    rt = open_runtime(lanes=4)
    lanes = {key: rt.call_sync(LANE, key=key) for key in range(32)}
    for key, lane in lanes.items():
        for _ in range(5):
            assert rt.call_sync(LANE, key=key) == lane
    assert len(set(lanes.values())) > 1


def test_sessions_stay_one_per_lane_under_64_threads(
    open_runtime: Opener, kvstore_path: Path
) -> None:
    lanes, threads, calls = 4, 64, 100_000
    rt = open_runtime(kvstore_path, "tether_kvstore_library", lanes=lanes)
    stats_method = 5

    def worker(n: int) -> int:
        for _ in range(n):
            rt.call_sync(stats_method)
        return n

    per_thread = calls // threads
    counts = [per_thread + (1 if i < calls % threads else 0) for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        assert sum(pool.map(worker, counts)) == calls
    sessions = 0
    for key in range(64):
        reply = rt.call_sync(stats_method, key=key)
        sessions = int.from_bytes(reply[0:8], "little")
    assert sessions == lanes
    assert rt.stats().completed_ok == calls + 64
