"""The crash handler: a fault on a lane is reported first-hand by tether,
then by faulthandler, which it chains to."""

from __future__ import annotations

import signal
from pathlib import Path

from conftest import run_python


def test_fault_on_a_lane_is_reported_then_chained(nooplib_path: Path) -> None:
    code = f"""
import faulthandler, tether
faulthandler.enable()
tether.install_crash_handler()
rt = tether.Runtime({str(nooplib_path)!r}, "nooplib_library")
rt.call_sync(5)
"""
    result = run_python(code, timeout=60)
    assert result.returncode == -signal.SIGSEGV
    assert "tether: fatal" in result.stderr
    assert "nooplib_store_through_null" in result.stderr
    assert "Fatal Python error: Segmentation fault" in result.stderr
    assert result.stderr.index("tether: fatal") < result.stderr.index("Fatal Python error")
