"""asyncio: one completion queue per (runtime, event loop), its eventfd
registered with the loop's add_reader, drained in batches on the loop's
thread. No thread per call and no call_soon_threadsafe per completion: a
completion reaches its future when the loop runs the reader."""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import Any, Deque, Optional

from . import _tether
from .errors import Busy, Closed, DeadlineExceeded

# How often callers waiting for credit retry when no completion of their own
# loop frees any (credits are shared with other loops and threads).
_CREDIT_RETRY_S = 0.002


class CallFuture(asyncio.Future):  # type: ignore[type-arg]
    """The future of one call. Cancelling it (as cancelling the task that
    awaits it does) also cancels the call in tether; the late completion is
    still taken from the queue and freed."""

    __slots__ = ("_tether_core", "_tether_ticket")

    _tether_core: _tether.Core
    _tether_ticket: int

    def cancel(self, msg: Any = None) -> bool:
        if not super().cancel(msg):
            return False
        core = getattr(self, "_tether_core", None)
        if core is not None:
            core.cancel(self._tether_ticket)
        return True


class LoopChannel:
    """A completion queue serving one loop. Every method but finish_soon
    runs on the loop's thread."""

    def __init__(self, core: _tether.Core, loop: asyncio.AbstractEventLoop) -> None:
        self.core = core
        self.loop = loop
        self.queue = _tether.Queue(core)
        self.fd = self.queue.fd()
        self.credit_waiters: Deque["asyncio.Future[None]"] = collections.deque()
        self._credit_timer: Optional[asyncio.TimerHandle] = None
        self._thread = threading.get_ident()
        loop.add_reader(self.fd, self._readable)

    def _readable(self) -> None:
        n = self.queue.drain()
        if n and self.credit_waiters:
            self._wake(n)

    def _wake(self, n: int) -> None:
        waiters = self.credit_waiters
        while n and waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                n -= 1

    def _credit_tick(self) -> None:
        self._credit_timer = None
        if self.credit_waiters:
            self._wake(len(self.credit_waiters))

    def submit(
        self, method: int, payload: Any, key: int, timeout_ns: int, wait_for_credit: bool
    ) -> "asyncio.Future[bytes]":
        future = CallFuture(loop=self.loop)
        try:
            ticket = self.queue.submit(method, payload, key, timeout_ns, future)
        except Busy:
            if not wait_for_credit:
                raise
            return asyncio.ensure_future(
                self._call_with_credit(method, bytes(payload or b""), key, timeout_ns),
                loop=self.loop,
            )
        future._tether_core = self.core
        future._tether_ticket = ticket
        return future

    async def _call_with_credit(
        self, method: int, payload: bytes, key: int, timeout_ns: int
    ) -> bytes:
        loop = self.loop
        end = loop.time() + timeout_ns / 1e9 if timeout_ns else None
        front = False
        while True:
            waiter: "asyncio.Future[None]" = loop.create_future()
            if front:
                self.credit_waiters.appendleft(waiter)
            else:
                self.credit_waiters.append(waiter)
            if self._credit_timer is None:
                self._credit_timer = loop.call_later(_CREDIT_RETRY_S, self._credit_tick)
            expiry = None
            if end is not None:
                expiry = loop.call_at(end, _expire, waiter)
            try:
                await waiter
            except BaseException:
                # Cancelled while queued: a wake-up this waiter got is
                # passed on, so none is lost.
                if waiter.done() and not waiter.cancelled():
                    self._wake(1)
                raise
            finally:
                if expiry is not None:
                    expiry.cancel()
            remaining = 0
            if end is not None:
                remaining = int((end - loop.time()) * 1e9)
                if remaining <= 0:
                    raise DeadlineExceeded(5, "no credit came back before the timeout")
            if not self.queue.is_open:
                raise Closed(3, "the runtime is closed")
            future = CallFuture(loop=loop)
            try:
                ticket = self.queue.submit(method, payload, key, remaining, future)
            except Busy:
                front = True
                continue
            future._tether_core = self.core
            future._tether_ticket = ticket
            return await future

    def finish(self) -> None:
        """On the loop's thread (or with the loop closed): delivers what the
        runtime's shutdown left in the queue, then frees it. Futures whose
        completions never came (the queue was destroyed first) end Closed."""
        try:
            if not self.loop.is_closed():
                self.loop.remove_reader(self.fd)
        except (RuntimeError, ValueError, OSError):
            pass
        if not self.loop.is_closed():
            self.queue.drain()
        leftovers = self.queue.destroy()
        if self._credit_timer is not None:
            self._credit_timer.cancel()
            self._credit_timer = None
        if self.loop.is_closed():
            return
        for waiter in leftovers:
            if not waiter.cancelled():
                waiter.set_exception(Closed(3, "the runtime closed"))
        waiters, self.credit_waiters = self.credit_waiters, collections.deque()
        for credit_waiter in waiters:
            if not credit_waiter.done():
                credit_waiter.set_result(None)

    def finish_soon(self) -> None:
        """From any thread: finish on the loop's thread if that thread is
        running the loop now, else here."""
        loop = self.loop
        here = threading.get_ident() == self._thread
        if loop.is_running() and not here:
            try:
                loop.call_soon_threadsafe(self.finish)
                return
            except RuntimeError:  # closed meanwhile
                pass
        self.finish()


def _expire(waiter: "asyncio.Future[None]") -> None:
    if not waiter.done():
        waiter.set_result(None)
