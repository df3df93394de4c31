"""The exception hierarchy and the status each class stands for."""

from __future__ import annotations

import asyncio

import pytest

import tether


@pytest.mark.parametrize(
    "status, cls",
    [
        (tether.Status.INVALID_ARG, tether.InvalidArgument),
        (tether.Status.BUSY, tether.Busy),
        (tether.Status.CLOSED, tether.Closed),
        (tether.Status.CANCELLED, tether.Cancelled),
        (tether.Status.DEADLINE, tether.DeadlineExceeded),
        (tether.Status.STALE_TICKET, tether.StaleTicket),
        (tether.Status.ALREADY_COMPLETED, tether.AlreadyCompleted),
        (tether.Status.WOULD_DEADLOCK, tether.WouldDeadlock),
        (tether.Status.FORKED, tether.Forked),
        (tether.Status.NO_MEMORY, tether.NoMemory),
        (tether.Status.TOO_LARGE, tether.TooLarge),
        (tether.Status.LOAD, tether.LoadError),
        (tether.Status.VERSION, tether.VersionError),
        (tether.Status.DOUBLE_FREE, tether.BufferMisuse),
        (tether.Status.INTERNAL, tether.TetherError),
    ],
)
def test_each_status_has_its_class(status: int, cls: type) -> None:
    exc = tether.from_status(status, 0, "detail")
    assert type(exc) is cls
    assert isinstance(exc, tether.TetherError)
    assert exc.status == status
    assert exc.message == "detail"
    assert "detail" in str(exc)


def test_library_error_carries_code_and_message() -> None:
    exc = tether.from_status(tether.Status.LIBRARY, 7, "no such key")
    assert isinstance(exc, tether.LibraryError)
    assert exc.code == 7
    assert exc.message == "no such key"
    assert "7" in str(exc) and "no such key" in str(exc)


def test_deadline_is_a_timeout_error() -> None:
    exc = tether.from_status(tether.Status.DEADLINE)
    assert isinstance(exc, TimeoutError)
    assert isinstance(exc, asyncio.TimeoutError)


def test_argument_errors_are_value_errors() -> None:
    assert isinstance(tether.from_status(tether.Status.INVALID_ARG), ValueError)
    assert isinstance(tether.from_status(tether.Status.TOO_LARGE), ValueError)


def test_unknown_status_is_a_plain_tether_error() -> None:
    exc = tether.from_status(999)
    assert type(exc) is tether.TetherError
    assert "999" in str(exc)


def test_tether_cancelled_is_not_asyncio_cancelled() -> None:
    # A call cancelled in tether is an error of the call; asyncio's own
    # CancelledError stays the signal that a task is being cancelled.
    assert not isinstance(tether.from_status(tether.Status.CANCELLED), asyncio.CancelledError)
