"""Shared fixtures: the test library (built here from support/nooplib.c
against the installed tether), the kvstore example library, runtimes that
must end every test with nothing leaked, and both event loops."""

from __future__ import annotations

import asyncio
import ctypes
import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, Iterator, TypeVar

import pytest

import tether

HERE = Path(__file__).resolve().parent
T = TypeVar("T")

NOOP, ECHO, SLEEP, FAIL, HOLD, FAULT, LANE = range(7)

uvloop: Any
try:
    import uvloop
except ImportError:  # not built for every interpreter (a debug CPython)
    uvloop = None


def sleep_payload(seconds: float) -> bytes:
    return int(seconds * 1e9).to_bytes(8, "little")


def _build_nooplib(out_dir: Path) -> Path:
    out = out_dir / "libnooplib.so"
    cflags = shlex.split(
        subprocess.run(
            ["pkg-config", "--cflags", "tether"], check=True, capture_output=True, text=True
        ).stdout
    )
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")[:1]
    subprocess.run(
        [*cc, "-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-std=gnu11", *cflags,
         "-o", str(out), str(HERE / "support" / "nooplib.c")],
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def nooplib_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test library, built once per session (TETHER_PY_TEST_BUILD names
    the folder, else a temporary one)."""
    folder = os.environ.get("TETHER_PY_TEST_BUILD")
    out_dir = Path(folder) if folder else tmp_path_factory.mktemp("nooplib")
    out_dir.mkdir(parents=True, exist_ok=True)
    return _build_nooplib(out_dir)


class Noop:
    """The test library's plain C functions, through ctypes."""

    def __init__(self, path: Path) -> None:
        self.dll = ctypes.CDLL(str(path))
        self.dll.nooplib_library.restype = ctypes.c_void_p
        self.dll.nooplib_holding.restype = ctypes.c_int

    def holds_close(self) -> None:
        self.dll.nooplib_holds_close()

    def holds_open(self) -> None:
        self.dll.nooplib_holds_open()

    def holding(self) -> int:
        return int(self.dll.nooplib_holding())

    def library_address(self) -> int:
        return int(self.dll.nooplib_library())


@pytest.fixture(scope="session")
def noop(nooplib_path: Path) -> Iterator[Noop]:
    lib = Noop(nooplib_path)
    yield lib
    lib.holds_open()


@pytest.fixture(scope="session")
def kvstore_path() -> Path:
    path = os.environ.get("TETHER_KVSTORE_LIBRARY")
    if not path:
        pytest.fail("TETHER_KVSTORE_LIBRARY must name libkvstore.so (ci.sh sets it)")
    return Path(path)


def buffers_live() -> int:
    return tether.buffers.live()[0]


class Opener:
    """Opens runtimes for one test; at the end of the test each must have
    nothing of its own alive (its leak report), every one is closed, and
    the process holds no more tether buffers than when the test began."""

    def __init__(self, nooplib_path: Path) -> None:
        self.nooplib_path = nooplib_path
        self.runtimes: "list[tether.Runtime]" = []
        self.buffers_at_start = buffers_live()

    def __call__(self, path: "Path | None" = None, symbol: str = "nooplib_library",
                 **config: Any) -> tether.Runtime:
        config.setdefault("lanes", 2)
        config.setdefault("leak_check", tether.LeakCheck.FAIL)
        rt = tether.Runtime(path or self.nooplib_path, symbol, tether.Config(**config))
        self.runtimes.append(rt)
        return rt

    def finish(self) -> None:
        for rt in self.runtimes:
            if not rt.closed:
                report = rt.leak_report()
                stats = rt.stats()
                assert stats.in_flight == 0, report.text
                assert stats.cq_backlog == 0, report.text
                rt.close()
        assert buffers_live() == self.buffers_at_start


@pytest.fixture
def open_runtime(nooplib_path: Path, noop: Noop) -> Iterator[Opener]:
    opener = Opener(nooplib_path)
    yield opener
    noop.holds_open()
    opener.finish()


@pytest.fixture
def rt(open_runtime: Opener) -> tether.Runtime:
    return open_runtime()


LOOPS = ["asyncio", "uvloop"]


@pytest.fixture(params=LOOPS)
def run(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """Runs a coroutine to completion on a fresh loop of each kind."""
    factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    if request.param == "uvloop":
        if uvloop is None:
            pytest.skip("uvloop is not installed for this interpreter")
        factory = uvloop.new_event_loop

    def runner(coro: Coroutine[Any, Any, T], asyncio_debug: "bool | None" = None) -> T:
        # asyncio_debug=False turns asyncio's debug mode (which -X dev turns
        # on) off for one run: it records a traceback per callback.
        with asyncio.Runner(loop_factory=factory, debug=asyncio_debug) as r:
            return r.run(coro)

    return runner


def run_python(code: str, timeout: float = 60.0) -> "subprocess.CompletedProcess[str]":
    """Runs code in a fresh interpreter like this one (same flags)."""
    return subprocess.run(
        [sys.executable, *sys_flags(), "-c", code],
        capture_output=True, text=True, timeout=timeout, env=dict(os.environ),
    )


def sys_flags() -> "list[str]":
    flags = []
    if sys.flags.dev_mode:
        flags += ["-X", "dev"]
    return flags
