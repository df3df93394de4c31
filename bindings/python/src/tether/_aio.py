"""asyncio: one completion queue per (runtime, event loop), its eventfd
registered with the loop's add_reader, drained in batches on the loop's
thread. No thread per call and no call_soon_threadsafe per completion: a
completion reaches its future when the loop runs the reader."""

from __future__ import annotations

import asyncio
import collections
import os
import threading
from typing import Any, Deque, List, Optional, Tuple

from . import _tether
from .errors import Busy, Closed, DeadlineExceeded

# How often callers waiting for credit retry when no completion of their own
# loop frees any (credits are shared with other loops and threads).
_CREDIT_RETRY_S = 0.002


class CallFuture(asyncio.Future):  # type: ignore[type-arg]
    """The future of one call. Cancelling it (as cancelling the task that
    awaits it does) also cancels the call in tether; the late completion is
    still taken from the queue and freed. A call waiting for credit is not
    in tether yet: cancelling it just takes it out of the line."""

    __slots__ = ("_tether_core", "_tether_ticket", "_tether_request")

    _tether_core: _tether.Core
    _tether_ticket: int
    # (method, payload, key, deadline on the loop's clock or None, view)
    # while the call waits for credit.
    _tether_request: "Optional[Tuple[int, bytes, int, Optional[float], bool]]"

    def cancel(self, msg: Any = None) -> bool:
        if not super().cancel(msg):
            return False
        core = getattr(self, "_tether_core", None)
        if core is not None:
            core.cancel(self._tether_ticket)
        return True


class LoopChannel:
    """A completion queue serving one loop, and the line of calls waiting
    for credit. Every method but finish_soon runs on the loop's thread."""

    def __init__(self, core: _tether.Core, loop: asyncio.AbstractEventLoop) -> None:
        self.core = core
        self.loop = loop
        self.queue = _tether.Queue(core)
        # The loop watches a duplicate of tether's eventfd: the queue may be
        # freed (closing tether's fd) from another thread before the loop's
        # thread can remove its reader, and a closed fd number could be
        # reused meanwhile.
        self.fd = os.dup(self.queue.fd())
        self.waiting: Deque[CallFuture] = collections.deque()
        self._credit_timer: Optional[asyncio.TimerHandle] = None
        self._thread = threading.get_ident()
        loop.add_reader(self.fd, self._readable)

    def _readable(self) -> None:
        if self.queue.drain() and self.waiting:
            self._submit_waiting()

    def submit(
        self, method: int, payload: Any, key: int, timeout_ns: int, wait_for_credit: bool,
        view: bool = False,
    ) -> "asyncio.Future[Any]":
        future = CallFuture(loop=self.loop)
        if not self.waiting:
            try:
                ticket = self.queue.submit(method, payload, key, timeout_ns, future, view)
            except Busy:
                if not wait_for_credit:
                    raise
            else:
                future._tether_core = self.core
                future._tether_ticket = ticket
                return future
        elif not wait_for_credit:
            raise Busy(2, "calls are waiting for credit")
        # Wait in line (first come, first served) for credit: the payload is
        # copied now, as a submit would have.
        deadline = None
        if timeout_ns:
            deadline = self.loop.time() + timeout_ns / 1e9
            self.loop.call_at(deadline, _expire, future)
        future._tether_request = (method, bytes(payload or b""), key, deadline, view)
        self.waiting.append(future)
        if self._credit_timer is None:
            self._credit_timer = self.loop.call_later(_CREDIT_RETRY_S, self._credit_tick)
        return future

    def _submit_waiting(self) -> None:
        """Submits waiting calls in order until tether says busy."""
        waiting, queue, loop = self.waiting, self.queue, self.loop
        while waiting:
            future = waiting[0]
            request = future._tether_request
            if future.done() or request is None:
                waiting.popleft()
                continue
            method, payload, key, deadline, view = request
            timeout_ns = 0
            if deadline is not None:
                timeout_ns = int((deadline - loop.time()) * 1e9)
                if timeout_ns <= 0:
                    waiting.popleft()
                    _expire(future)
                    continue
            try:
                ticket = queue.submit(method, payload, key, timeout_ns, future, view)
            except Busy:
                return
            except Exception as e:  # closed, forked: this call ends here
                waiting.popleft()
                future._tether_request = None
                future.set_exception(e)
                continue
            waiting.popleft()
            future._tether_request = None
            future._tether_core = self.core
            future._tether_ticket = ticket

    def _credit_tick(self) -> None:
        # Credits freed by other loops and threads announce nothing here.
        self._credit_timer = None
        if self.waiting:
            self._submit_waiting()
        if self.waiting:
            self._credit_timer = self.loop.call_later(_CREDIT_RETRY_S, self._credit_tick)

    def finish(self) -> None:
        """On the loop's thread, or with the loop not running: delivers what
        the runtime's shutdown left in the queue and frees it."""
        if not self.loop.is_closed():
            self.queue.drain()
        leftovers = self.queue.destroy()
        self._on_loop([], leftovers)

    def finish_soon(self) -> None:
        """From any thread, after the runtime's shutdown: frees the queue
        now, and completes its futures on the loop's thread (one
        call_soon_threadsafe for the whole queue) when that thread is
        running the loop, else here."""
        loop = self.loop
        if not loop.is_running() or threading.get_ident() == self._thread:
            self.finish()
            return
        outcomes = self.queue.collect()
        leftovers = self.queue.destroy()
        try:
            loop.call_soon_threadsafe(self._on_loop, outcomes, leftovers)
        except RuntimeError:  # the loop closed meanwhile: nobody awaits these
            self._close_fd()

    def _on_loop(self, outcomes: "List[Tuple[Any, Any, bool]]", leftovers: "List[Any]") -> None:
        self._close_fd()
        if self._credit_timer is not None:
            self._credit_timer.cancel()
            self._credit_timer = None
        if self.loop.is_closed():
            return
        for future, value, is_error in outcomes:
            if not future.done():
                if is_error:
                    future.set_exception(value)
                else:
                    future.set_result(value)
        closed = [f for f in leftovers if not f.done()]
        waiting, self.waiting = self.waiting, collections.deque()
        closed.extend(f for f in waiting if not f.done())
        for future in closed:
            future.set_exception(Closed(3, "the runtime closed"))

    def _close_fd(self) -> None:
        if self.fd < 0:
            return
        try:
            if not self.loop.is_closed():
                self.loop.remove_reader(self.fd)
        except (RuntimeError, ValueError, OSError):
            pass
        os.close(self.fd)
        self.fd = -1


def _expire(future: CallFuture) -> None:
    """A call still waiting for credit at its deadline ends here."""
    if getattr(future, "_tether_request", None) is not None and not future.done():
        future._tether_request = None
        future.set_exception(DeadlineExceeded(5, "no credit came back before the timeout"))
