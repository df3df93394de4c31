"""Runtime: a library served on lanes tether owns, called from asyncio,
from threads, or blocking."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import threading
import warnings
import weakref
from typing import IO, Any, Awaitable, Dict, Literal, Optional, Union, overload

from . import _tether, log
from ._aio import LoopChannel
from ._threads import ThreadChannel
from .config import Config
from .errors import Closed, Forked, Status, WouldDeadlock
from .stats import LeakReport, Stats

#: The key that lets any lane take a call (TETHER_KEY_ANY).
KEY_ANY: int = _tether.KEY_ANY

_SHUTDOWN_DRAIN = 0
_SHUTDOWN_CANCEL = 1

Result = Union[bytes, memoryview]
"""bytes, or with view=True a memoryview over tether's buffer."""

Payload = Union[bytes, bytearray, memoryview, None, Any]
"""Any object with the buffer protocol, or None for an empty payload; tether
copies it before submit returns."""


def _timeout_ns(timeout: Optional[float]) -> int:
    if timeout is None:
        return 0
    if not timeout > 0:
        raise ValueError("timeout must be a positive number of seconds or None")
    return max(1, int(timeout * 1e9))


def _key(key: Optional[int]) -> int:
    return KEY_ANY if key is None else key


class Runtime:
    """A library opened by ``path`` and its exported ``symbol`` (a
    tether_library_entry_fn), served on ``config.lanes`` lanes.

    Calls: ``await rt.call(...)`` on asyncio, ``rt.call_sync(...)`` from
    any thread (the GIL is released while it waits), ``rt.submit(...)`` for
    a concurrent.futures.Future. Close it with :meth:`close` or a ``with``
    block; a runtime still open when the interpreter exits is closed before
    Python finalizes, its calls in flight ending with :class:`Closed`."""

    def __init__(
        self,
        path: "Union[str, os.PathLike[str]]",
        symbol: str,
        config: Optional[Config] = None,
    ) -> None:
        self._init(config)
        self._core = _tether.Core.open_path(os.fspath(path), symbol, self._config.as_tuple())
        self._closed = False
        _register(self)

    @classmethod
    def from_library(
        cls, library: object, config: Optional[Config] = None, *, owner: object = None
    ) -> "Runtime":
        """Opens a library linked into the process: ``library`` is a capsule
        named ``"tether.library"`` holding a ``const tether_library*`` (what
        an extension module exports), or the table's address as an int.
        ``owner`` (default: the capsule) is kept alive while the runtime
        lives, for the table's sake."""
        self = cls.__new__(cls)
        self._init(config)
        self._core = _tether.Core.open_library(library, self._config.as_tuple(), owner)
        self._closed = False
        _register(self)
        return self

    def _init(self, config: Optional[Config]) -> None:
        self._config = config or Config()
        self._closed = True  # until the runtime is open
        self._lock = threading.Lock()
        self._channels: Dict[asyncio.AbstractEventLoop, LoopChannel] = {}
        self._thread_channel: Optional[ThreadChannel] = None
        log.start()

    # -- calls ---------------------------------------------------------

    def _channel(self, loop: asyncio.AbstractEventLoop) -> LoopChannel:
        channel = self._channels.get(loop)
        if channel is not None:
            return channel
        if self._closed:
            raise Closed(Status.CLOSED, "the runtime is closed")
        for old in [l for l in self._channels if l.is_closed()]:
            stale = self._channels.pop(old, None)  # another thread may sweep too
            if stale is not None:
                stale.finish()
        channel = LoopChannel(self._core, loop)
        self._channels[loop] = channel
        return channel

    @overload
    def call(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        view: Literal[False] = ...,
    ) -> "Awaitable[bytes]": ...

    @overload
    def call(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        view: Literal[True],
    ) -> "Awaitable[memoryview]": ...

    def call(
        self,
        method: int,
        payload: Payload = b"",
        *,
        key: Optional[int] = None,
        timeout: Optional[float] = None,
        view: bool = False,
    ) -> "Awaitable[Result]":
        """Submits a call now and returns what to await for its result
        (bytes). Must be called with an event loop running in this thread.
        Over the runtime's credits it waits for credit (up to ``timeout``).
        ``key`` picks the lane (same key, same lane); ``timeout`` (seconds)
        becomes tether's deadline: DeadlineExceeded when it passes.
        Cancelling the awaiting task cancels the call in tether. With
        ``view=True`` the result is a memoryview over tether's buffer
        instead of a copy (freed when the last view over it is released):
        cheaper from about 64 KiB up."""
        loop = asyncio.get_running_loop()
        channel = self._channels.get(loop) or self._channel(loop)
        return channel.submit(method, payload, _key(key), _timeout_ns(timeout), True, view)

    @overload
    def try_call(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        view: Literal[False] = ...,
    ) -> "Awaitable[bytes]": ...

    @overload
    def try_call(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        view: Literal[True],
    ) -> "Awaitable[memoryview]": ...

    def try_call(
        self,
        method: int,
        payload: Payload = b"",
        *,
        key: Optional[int] = None,
        timeout: Optional[float] = None,
        view: bool = False,
    ) -> "Awaitable[Result]":
        """As :meth:`call`, but raises :class:`Busy` at once when the
        runtime is over its credits."""
        loop = asyncio.get_running_loop()
        channel = self._channels.get(loop) or self._channel(loop)
        return channel.submit(method, payload, _key(key), _timeout_ns(timeout), False, view)

    @overload
    def call_sync(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        wait_for_credit: bool = ...,
        view: Literal[False] = ...,
    ) -> bytes: ...

    @overload
    def call_sync(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        wait_for_credit: bool = ...,
        view: Literal[True],
    ) -> memoryview: ...

    def call_sync(
        self,
        method: int,
        payload: Payload = b"",
        *,
        key: Optional[int] = None,
        timeout: Optional[float] = None,
        wait_for_credit: bool = True,
        view: bool = False,
    ) -> Result:
        """Calls and waits, with the GIL released, from any thread. Over the
        runtime's credits it waits for credit unless ``wait_for_credit`` is
        False (then :class:`Busy`). Ctrl-C cancels the call in tether."""
        return self._core.call_sync(
            method, payload, _key(key), _timeout_ns(timeout), wait_for_credit, view
        )

    @overload
    def submit(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        view: Literal[False] = ...,
    ) -> "concurrent.futures.Future[bytes]": ...

    @overload
    def submit(
        self,
        method: int,
        payload: Payload = ...,
        *,
        key: Optional[int] = ...,
        timeout: Optional[float] = ...,
        view: Literal[True],
    ) -> "concurrent.futures.Future[memoryview]": ...

    def submit(
        self,
        method: int,
        payload: Payload = b"",
        *,
        key: Optional[int] = None,
        timeout: Optional[float] = None,
        view: bool = False,
    ) -> "concurrent.futures.Future[Any]":
        """Submits a call from any thread and returns a
        concurrent.futures.Future of its result; raises :class:`Busy` at
        once over the runtime's credits. Cancelling the future cancels the
        call in tether."""
        channel = self._thread_channel
        if channel is None:
            with self._lock:
                if self._closed:
                    raise Closed(Status.CLOSED, "the runtime is closed")
                if self._thread_channel is None:
                    self._thread_channel = ThreadChannel(self._core)
                channel = self._thread_channel
        return channel.submit(method, payload, _key(key), _timeout_ns(timeout), view)

    # -- state ---------------------------------------------------------

    @property
    def lanes(self) -> int:
        """How many lanes serve the library."""
        return self._core.lanes()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def config(self) -> Config:
        return self._config

    def stats(self) -> Stats:
        """A snapshot of the runtime's counters (works after close too)."""
        return Stats._from_tuple(self._core.stats())

    def leak_report(self) -> LeakReport:
        """What is still alive that someone should have let go of: this
        runtime's calls and unpolled completions, and process-wide buffers
        and handles (tether_runtime_leak_report)."""
        text, findings = self._core.leak_report()
        return LeakReport(text, findings)

    def dump_recording(self, file: Union[int, IO[Any]], payloads: bool = False) -> None:
        """Writes the boundary recorder's JSON lines (each lane's last calls,
        tether's docs/recorder.md) to ``file``: a descriptor, or an object
        with ``fileno()`` (flushed first, so the lines follow what it holds).
        With ``payloads``, the captured payload bytes too. Raises
        :class:`WriteFailed` when the write fails."""
        if isinstance(file, int):
            fd = file
        else:
            file.flush()
            fd = file.fileno()
        self._core.dump_recording(fd, payloads)

    # -- closing -------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Stops intake, lets calls in flight finish for up to ``timeout``
        seconds (0: ends them at once), ends the rest with :class:`Closed`,
        and frees the runtime. Every call ends exactly once: awaiting tasks
        get their result or Closed on their loop's thread. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _unregister(self)
        core = self._core
        if core.is_forked:
            core.destroy()  # abandons the parent's handle
            return
        if core.is_open:
            mode = _SHUTDOWN_DRAIN if timeout > 0 else _SHUTDOWN_CANCEL
            try:
                core.shutdown(mode, int(timeout * 1e9))
            except WouldDeadlock:
                self._closed = False
                raise
            except Forked:
                pass
        if self._thread_channel is not None:
            self._thread_channel.finish(max(timeout, 1.0))
        channels, self._channels = self._channels, {}
        for channel in channels.values():
            channel.finish_soon()
        core.destroy()

    def __enter__(self) -> "Runtime":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_closed", True):
            return
        warnings.warn(f"unclosed tether runtime {self!r}", ResourceWarning, source=self)
        try:
            self.close(timeout=0)
        except Exception:  # a finalizer must not raise
            pass

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"lanes={self._config.lanes}"
        return f"<tether.Runtime {state}>"


_open: "weakref.WeakSet[Runtime]" = weakref.WeakSet()


def _register(runtime: Runtime) -> None:
    _open.add(runtime)


def _unregister(runtime: Runtime) -> None:
    _open.discard(runtime)


def close_all(timeout: float = 0.0) -> None:
    """Closes every runtime still open (what interpreter exit does)."""
    for runtime in list(_open):
        try:
            runtime.close(timeout)
        except Exception:
            pass


def _at_exit() -> None:
    close_all()
    log.stop()


# Before threading joins non-daemon threads (which may be waiting in
# call_sync on a runtime nobody closed), so their calls end instead of
# hanging the exit; atexit as well, for runtimes opened later.
_register_atexit = getattr(threading, "_register_atexit", None)
if _register_atexit is not None:
    _register_atexit(close_all)
atexit.register(_at_exit)
