"""tether: call a native library that tether serves on threads it owns,
from asyncio, from threads, or blocking.

    import tether

    async def main() -> None:
        with tether.Runtime("libkvstore.so", "tether_kvstore_library") as rt:
            stats = await rt.call(5)   # kvstore's STATS method

The binding's C layer is tether._tether (private); this package re-exports
everything public."""

from __future__ import annotations

from . import _tether
from .errors import (
    AlreadyCompleted,
    BufferMisuse,
    Busy,
    Cancelled,
    Closed,
    DeadlineExceeded,
    Forked,
    InvalidArgument,
    LibraryError,
    LoadError,
    NoMemory,
    StaleTicket,
    Status,
    TetherError,
    TooLarge,
    VersionError,
    WriteFailed,
    WouldDeadlock,
    from_status,
)

_tether._set_error_factory(from_status)

from . import buffers, log  # noqa: E402
from .config import GROWTH_WATCH_OFF, Config, Delivery, LeakCheck  # noqa: E402
from .runtime import KEY_ANY, Result, Runtime, close_all  # noqa: E402
from .stats import LeakReport, Stats  # noqa: E402

__version__ = "0.1.0"

#: The tether version the C layer was compiled against, and the libtether
#: loaded (the import fails when they are incompatible).
HEADER_VERSION: str = _tether.HEADER_VERSION
LIBRARY_VERSION: str = _tether.LIBRARY_VERSION


def install_crash_handler() -> None:
    """Installs tether's crash handler (tether/crash.h): a fault on a lane
    writes a report of the lane, the call and its frames to stderr, then
    chains to the handler it replaced (faulthandler's, if enabled first)."""
    _tether.crash_handler_install()


def handles_live() -> int:
    """Library handles alive in this process (tether/handle.h)."""
    return _tether.handles_live()


__all__ = [
    "AlreadyCompleted",
    "BufferMisuse",
    "Busy",
    "Cancelled",
    "Closed",
    "Config",
    "DeadlineExceeded",
    "Delivery",
    "Forked",
    "GROWTH_WATCH_OFF",
    "HEADER_VERSION",
    "InvalidArgument",
    "KEY_ANY",
    "LIBRARY_VERSION",
    "LeakCheck",
    "LeakReport",
    "LibraryError",
    "LoadError",
    "NoMemory",
    "Result",
    "Runtime",
    "StaleTicket",
    "Stats",
    "Status",
    "TetherError",
    "TooLarge",
    "VersionError",
    "WriteFailed",
    "WouldDeadlock",
    "buffers",
    "close_all",
    "from_status",
    "handles_live",
    "install_crash_handler",
    "log",
]
