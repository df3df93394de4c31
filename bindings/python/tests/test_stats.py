"""Stats and the leak report while calls are in flight."""

from __future__ import annotations

import dataclasses

import tether
from conftest import HOLD, Noop, Opener


def test_stats_is_a_frozen_dataclass(rt: tether.Runtime) -> None:
    stats = rt.stats()
    assert dataclasses.is_dataclass(stats)
    assert [f.name for f in dataclasses.fields(stats)][:3] == [
        "submitted", "rejected_busy", "completed_ok"
    ]


def test_leak_report_names_a_call_in_flight(open_runtime: Opener, noop: Noop) -> None:
    rt = open_runtime(lanes=1)
    noop.holds_close()
    held = rt.submit(HOLD)
    while noop.holding() == 0:
        pass
    report = rt.leak_report()
    assert report.findings >= 1
    assert "in flight" in report.text
    assert rt.stats().in_flight == 1
    noop.holds_open()
    held.result(10)
    assert rt.leak_report().findings == 0


def test_stats_work_after_close(open_runtime: Opener) -> None:
    rt = open_runtime()
    rt.call_sync(0)
    rt.close()
    try:
        rt.stats()
    except tether.Closed:
        pass
    else:
        raise AssertionError("stats after close should raise Closed")
