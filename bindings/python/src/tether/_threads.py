"""Calls from threads: Runtime.submit's concurrent.futures.Future, completed
by one thread per runtime that waits on a completion queue with the GIL
released and delivers each batch."""

from __future__ import annotations

import concurrent.futures
import threading
from typing import Any, Optional

from . import _tether
from .errors import Closed

_FOREVER = 2**64 - 1


class SubmitFuture(concurrent.futures.Future):  # type: ignore[type-arg]
    """The future of one submitted call. Cancelling it while the call is in
    flight also cancels the call in tether."""

    _tether_core: Optional[_tether.Core] = None
    _tether_ticket = 0

    def cancel(self) -> bool:
        # Future.cancel only succeeds while pending; the call is in flight
        # from submit on, so a successful cancel always reaches tether.
        if not super().cancel():
            return False
        if self._tether_core is not None:
            self._tether_core.cancel(self._tether_ticket)
        return True


class ThreadChannel:
    """The completion queue behind Runtime.submit and the thread that
    drains it."""

    def __init__(self, core: _tether.Core) -> None:
        self.core = core
        self.queue = _tether.Queue(core)
        self.thread = threading.Thread(
            target=self._run, name="tether-completions", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        queue = self.queue
        try:
            while queue.wait(_FOREVER) is not None:
                pass
        except Closed:
            pass  # freed by close() called from a future's callback here

    def submit(
        self, method: int, payload: Any, key: int, timeout_ns: int, view: bool = False
    ) -> SubmitFuture:
        future = SubmitFuture()
        ticket = self.queue.submit(method, payload, key, timeout_ns, future, view)
        future._tether_core = self.core
        future._tether_ticket = ticket
        return future

    def finish(self, timeout: float) -> None:
        """After the runtime's shutdown: lets the thread deliver what is
        left, then frees the queue."""
        self.queue.shutdown()
        if self.thread is threading.current_thread():
            # close() from a future's callback: deliver the rest here.
            for future, value, is_error in self.queue.collect():
                _complete(future, value, is_error)
        else:
            self.thread.join(timeout)
            if self.thread.is_alive():
                return  # still delivering: never free a queue being polled
        for future in self.queue.destroy():
            _complete(future, Closed(3, "the runtime closed"), True)


def _complete(future: Any, value: Any, is_error: bool) -> None:
    if future.cancelled():
        return
    try:
        if is_error:
            future.set_exception(value)
        else:
            future.set_result(value)
    except concurrent.futures.InvalidStateError:
        pass  # cancelled meanwhile
