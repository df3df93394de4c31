"""The exceptions tether raises, one class per status that a caller may want
to catch, all under :class:`TetherError`."""

from __future__ import annotations

import enum
from typing import Optional


class Status(enum.IntEnum):
    """tether_status values (pinned in tether/status.h)."""

    OK = 0
    INVALID_ARG = 1
    BUSY = 2
    CLOSED = 3
    CANCELLED = 4
    DEADLINE = 5
    LIBRARY = 6
    STALE_TICKET = 7
    ALREADY_COMPLETED = 8
    WOULD_DEADLOCK = 9
    FORKED = 10
    NO_MEMORY = 11
    TOO_LARGE = 12
    LOAD = 13
    VERSION = 14
    WRONG_THREAD = 15
    FOREIGN_BUFFER = 16
    DOUBLE_FREE = 17
    INTERNAL = 18
    BUFFER_CORRUPT = 19
    IO = 20


class TetherError(Exception):
    """A call or operation tether refused or ended with a status other than
    OK. ``status`` is the :class:`Status`; ``message`` tether's detail, if
    any."""

    status: int
    message: Optional[str]

    def __init__(self, status: int, message: Optional[str] = None) -> None:
        self.status = status
        self.message = message
        try:
            name = "TETHER_E_" + Status(status).name
        except ValueError:
            name = "TETHER_E_UNKNOWN(%d)" % status
        super().__init__(f"{name}: {message}" if message else name)


class InvalidArgument(TetherError, ValueError):
    """An argument tether rejected (TETHER_E_INVALID_ARG)."""


class Busy(TetherError):
    """Over the runtime's credits (calls or bytes in flight): nothing was
    submitted; retry later (TETHER_E_BUSY)."""


class Closed(TetherError):
    """The runtime is closed, or closed before the library replied
    (TETHER_E_CLOSED)."""


class Cancelled(TetherError):
    """The call was cancelled in tether (TETHER_E_CANCELLED). A cancelled
    asyncio task raises asyncio.CancelledError as usual instead."""


class DeadlineExceeded(TetherError, TimeoutError):
    """The call's timeout passed before the library replied
    (TETHER_E_DEADLINE). Also a TimeoutError, which asyncio.TimeoutError
    is."""


class LibraryError(TetherError):
    """The library reported an error: ``code`` is its own error code and
    ``message`` its text (TETHER_E_LIBRARY)."""

    code: int

    def __init__(self, code: int, message: Optional[str] = None) -> None:
        self.code = code
        super().__init__(Status.LIBRARY, message)
        self.args = (code, message)

    def __str__(self) -> str:
        return f"library error {self.code}: {self.message}"


class StaleTicket(TetherError):
    """The ticket names no live call (TETHER_E_STALE_TICKET)."""


class AlreadyCompleted(TetherError):
    """The call already has its outcome (TETHER_E_ALREADY_COMPLETED)."""


class WouldDeadlock(TetherError, RuntimeError):
    """The operation would wait for the thread it was called from
    (TETHER_E_WOULD_DEADLOCK)."""


class Forked(TetherError):
    """The runtime was opened before fork(): in this child its threads do
    not exist. Open a new runtime in the child (TETHER_E_FORKED)."""


class NoMemory(TetherError, MemoryError):
    """tether could not allocate memory (TETHER_E_NO_MEMORY)."""


class TooLarge(TetherError, ValueError):
    """A payload over the runtime's max_payload_bytes (TETHER_E_TOO_LARGE)."""


class LoadError(TetherError):
    """Loading the library failed: a bad path, a missing symbol, a lane that
    failed to start (TETHER_E_LOAD)."""


class VersionError(TetherError):
    """A struct or ABI version newer than the loaded tether knows
    (TETHER_E_VERSION)."""


class BufferMisuse(TetherError):
    """A tether buffer misused: foreign, freed twice or overwritten
    (TETHER_E_FOREIGN_BUFFER, TETHER_E_DOUBLE_FREE,
    TETHER_E_BUFFER_CORRUPT)."""


class WriteFailed(TetherError):
    """Writing to a file descriptor failed (TETHER_E_IO): a recording dump
    to a file that cannot be written."""


_CLASSES: "dict[int, type[TetherError]]" = {
    Status.INVALID_ARG: InvalidArgument,
    Status.BUSY: Busy,
    Status.CLOSED: Closed,
    Status.CANCELLED: Cancelled,
    Status.DEADLINE: DeadlineExceeded,
    Status.STALE_TICKET: StaleTicket,
    Status.ALREADY_COMPLETED: AlreadyCompleted,
    Status.WOULD_DEADLOCK: WouldDeadlock,
    Status.FORKED: Forked,
    Status.NO_MEMORY: NoMemory,
    Status.TOO_LARGE: TooLarge,
    Status.LOAD: LoadError,
    Status.VERSION: VersionError,
    Status.FOREIGN_BUFFER: BufferMisuse,
    Status.DOUBLE_FREE: BufferMisuse,
    Status.BUFFER_CORRUPT: BufferMisuse,
    Status.IO: WriteFailed,
}


def from_status(
    status: int, library_code: int = 0, message: Optional[str] = None
) -> TetherError:
    """The exception for a status (the C layer builds every exception it
    raises or hands to a future through this)."""
    if status == Status.LIBRARY:
        return LibraryError(library_code, message)
    return _CLASSES.get(status, TetherError)(status, message)
