"""Opening, closing and the runtime's own state."""

from __future__ import annotations

import ctypes
import gc
import warnings
from pathlib import Path

import pytest

import tether
from conftest import ECHO, NOOP, Noop, Opener


def test_versions_match_at_import() -> None:
    assert tether.HEADER_VERSION == tether.LIBRARY_VERSION == "0.1.0"


def test_open_by_path_serves_calls(open_runtime: Opener) -> None:
    rt = open_runtime(lanes=3)
    assert rt.lanes == 3
    assert rt.call_sync(ECHO, b"hello") == b"hello"


def test_open_missing_file_names_the_path(nooplib_path: Path) -> None:
    with pytest.raises(tether.LoadError) as info:
        tether.Runtime(nooplib_path.parent / "absent.so", "nooplib_library")
    assert info.value.status == tether.Status.LOAD
    assert "absent.so" in str(info.value)


def test_open_missing_symbol_names_the_symbol(nooplib_path: Path) -> None:
    with pytest.raises(tether.LoadError) as info:
        tether.Runtime(nooplib_path, "no_such_symbol")
    assert "no_such_symbol" in str(info.value)


def test_open_rejects_zero_lanes(nooplib_path: Path) -> None:
    with pytest.raises(tether.InvalidArgument) as info:
        tether.Runtime(nooplib_path, "nooplib_library", tether.Config(lanes=0))
    assert info.value.status == tether.Status.INVALID_ARG


def test_open_rejects_bytes_limit_below_payload_limit(nooplib_path: Path) -> None:
    config = tether.Config(max_bytes_in_flight=10, max_payload_bytes=100)
    with pytest.raises(tether.InvalidArgument):
        tether.Runtime(nooplib_path, "nooplib_library", config)


def test_open_by_address(noop: Noop) -> None:
    before = tether.buffers.live()[0]
    rt = tether.Runtime.from_library(noop.library_address(), owner=noop.dll)
    with rt:
        assert rt.call_sync(ECHO, b"by address") == b"by address"
    assert tether.buffers.live()[0] == before


def test_open_by_capsule(noop: Noop) -> None:
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype = ctypes.py_object
    new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    capsule = new_capsule(noop.library_address(), b"tether.library", None)
    with tether.Runtime.from_library(capsule) as rt:
        assert rt.call_sync(ECHO, b"by capsule") == b"by capsule"


def test_open_by_capsule_of_another_name_is_refused(noop: Noop) -> None:
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype = ctypes.py_object
    new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    capsule = new_capsule(noop.library_address(), b"something.else", None)
    with pytest.raises(ValueError):
        tether.Runtime.from_library(capsule)


def test_open_by_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError):
        tether.Runtime.from_library("not a library")


def test_context_manager_closes(open_runtime: Opener) -> None:
    with open_runtime() as rt:
        rt.call_sync(NOOP)
    assert rt.closed


def test_close_twice_is_harmless(open_runtime: Opener) -> None:
    rt = open_runtime()
    rt.close()
    rt.close()
    assert rt.closed


def test_every_call_after_close_raises_closed(open_runtime: Opener) -> None:
    import asyncio

    rt = open_runtime()
    rt.call_sync(NOOP)
    rt.close()
    with pytest.raises(tether.Closed) as info:
        rt.call_sync(NOOP)
    assert info.value.status == tether.Status.CLOSED
    with pytest.raises(tether.Closed):
        rt.submit(NOOP)

    async def on_loop() -> None:
        with pytest.raises(tether.Closed):
            await rt.call(NOOP)

    asyncio.run(on_loop())
    with pytest.raises(tether.Closed):
        rt.leak_report()
    with pytest.raises(tether.Closed):
        rt.lanes


def test_stats_count_calls(rt: tether.Runtime) -> None:
    for _ in range(10):
        rt.call_sync(NOOP)
    stats = rt.stats()
    assert isinstance(stats, tether.Stats)
    assert stats.submitted == 10
    assert stats.completed_ok == 10
    assert stats.in_flight == 0
    assert stats.lanes == 2


def test_leak_report_is_empty_when_nothing_is_alive(rt: tether.Runtime) -> None:
    rt.call_sync(ECHO, b"x")
    report = rt.leak_report()
    assert report.findings == 0
    assert report.text == ""
    assert not report


def test_unclosed_runtime_warns_and_closes(open_runtime: Opener) -> None:
    rt = tether.Runtime(open_runtime.nooplib_path, "nooplib_library")
    rt.call_sync(NOOP)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del rt
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) for w in caught)


def test_close_all_closes_open_runtimes(open_runtime: Opener) -> None:
    a, b = open_runtime(), open_runtime()
    tether.close_all()
    assert a.closed and b.closed
