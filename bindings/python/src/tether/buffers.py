"""tether's process-wide buffer allocator: its live count, its mode, its
growth watch and its full check (see tether/buffer.h)."""

from __future__ import annotations

from typing import Optional, Tuple

from . import _tether
from .errors import from_status


def live() -> Tuple[int, int]:
    """(count, bytes) of tether buffers alive in this process."""
    return _tether.buffers_live()


def set_debug(debug: bool) -> None:
    """Buffers allocated from now on get debug mode's guards, fill patterns
    and quarantine (True) or release mode's bare header (False)."""
    _tether.buffers_set_mode(1 if debug else 0)


def is_debug() -> bool:
    """Whether new buffers get debug mode."""
    return _tether.buffers_mode() == 1


def set_growth_threshold(count: Optional[int] = None, nbytes: Optional[int] = None) -> None:
    """Restarts the growth watch over live buffers with these thresholds
    (None keeps the default; 2**64-1 turns a watch off)."""
    _tether.buffers_set_growth_threshold(count or 0, nbytes or 0)


def check_all() -> None:
    """Checks every live buffer and the quarantine now; raises
    tether.BufferMisuse if anything was damaged (the log says where)."""
    status = _tether.buffers_check_all()
    if status != 0:
        raise from_status(status, 0, "a tether buffer was damaged")
