"""tether's log lines reach the "tether" logger."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

import tether


def _wait_for(caplog: pytest.LogCaptureFixture, text: str) -> logging.LogRecord:
    for _ in range(200):
        tether.log.flush()
        for record in caplog.records:
            if text in record.getMessage():
                return record
        time.sleep(0.01)
    raise AssertionError(f"no log line with {text!r}: {[r.getMessage() for r in caplog.records]}")


def test_a_refused_cancel_is_logged_as_a_warning(
    rt: tether.Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tether")
    assert rt._core.cancel(12345) == tether.Status.STALE_TICKET
    record = _wait_for(caplog, "ticket 12345 names no live call")
    assert record.name == "tether"
    assert record.levelno == logging.WARNING


def test_a_failed_open_is_logged_and_raised(
    nooplib_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tether")
    with pytest.raises(tether.LoadError):
        tether.Runtime(nooplib_path, "missing_entry_point")
    _wait_for(caplog, "missing_entry_point")
