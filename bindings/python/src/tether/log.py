"""tether's log lines, routed to the ``tether`` logger.

tether writes log lines from its own threads, which never enter Python: the
C layer queues each line, and one daemon thread (``tether-log``) hands them
to :mod:`logging`. Lines reach the logger a moment after tether wrote them;
:func:`flush` waits for those already written."""

from __future__ import annotations

import logging
import os
import threading
from typing import Optional

from . import _tether

logger = logging.getLogger("tether")

_TO_PYTHON = {0: logging.DEBUG, 1: logging.INFO, 2: logging.WARNING, 3: logging.ERROR}

_lock = threading.Lock()
_thread: Optional[threading.Thread] = None
_level = logging.WARNING
# The process that set tether's sink. A forked child inherits the sink and
# never sets it again: tether_log_set_sink waits for lines other threads
# were writing, and in a child those threads are gone.
_sink_pid = 0


def _tether_level(level: int) -> int:
    if level <= logging.DEBUG:
        return 0
    if level <= logging.INFO:
        return 1
    if level <= logging.WARNING:
        return 2
    if level <= logging.ERROR:
        return 3
    return 4


def _emit(batch: "list[tuple[int, str, int]]") -> None:
    for level, text, dropped in batch:
        if dropped:
            logger.warning("%d tether log lines were dropped (queue full)", dropped)
        if text:
            logger.log(_TO_PYTHON.get(level, logging.ERROR), "%s", text)


def _run() -> None:
    while True:
        batch = _tether.log_wait(3600.0)
        if batch is None:
            return
        _emit(batch)


def start(level: Optional[int] = None) -> None:
    """Routes tether's lines at ``level`` (a logging level; default WARNING,
    tether's own default) and above to the ``tether`` logger. Opening a
    runtime calls this; call it earlier to change the level (in a forked
    child the parent's level stays)."""
    global _thread, _level, _sink_pid
    with _lock:
        if _sink_pid == 0 or (level is not None and _sink_pid == os.getpid()):
            if level is not None:
                _level = level
            _tether.log_install(_tether_level(_level))
            _sink_pid = os.getpid()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="tether-log", daemon=True)
            _thread.start()


def flush() -> None:
    """Hands every line tether has already written to the logger, on this
    thread."""
    batch = _tether.log_wait(0.0)
    if batch:
        _emit(batch)


def stop() -> None:
    """Gives tether back its default sink (stderr), hands over what is
    queued, and ends the thread."""
    global _thread, _sink_pid
    with _lock:
        if _sink_pid == os.getpid():
            _tether.log_uninstall()
            _sink_pid = 0
        _tether.log_stop()
        thread, _thread = _thread, None
    if thread is not None and thread is not threading.current_thread():
        thread.join(5.0)
    flush()


def _after_fork_in_child() -> None:
    global _thread, _lock
    _thread = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
