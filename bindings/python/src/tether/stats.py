"""A runtime's counters and its leak report, as Python values."""

from __future__ import annotations

import dataclasses
from typing import Tuple


@dataclasses.dataclass(frozen=True)
class Stats:
    """A snapshot of tether_stats (see tether/stats.h): counters summed over
    the runtime's threads, read one by one."""

    submitted: int
    rejected_busy: int
    completed_ok: int
    completed_library: int
    completed_cancelled: int
    completed_deadline: int
    completed_closed: int
    in_flight: int
    bytes_in_flight: int
    late_replies: int
    callback_exceptions: int
    lanes: int
    queue_depth: int
    cq_backlog: int
    buffers_live: int
    buffer_bytes_live: int
    latency_p50_ns: int
    latency_p99_ns: int
    latency_p999_ns: int

    @classmethod
    def _from_tuple(cls, values: Tuple[int, ...]) -> "Stats":
        return cls(*values)


@dataclasses.dataclass(frozen=True)
class LeakReport:
    """tether_runtime_leak_report: ``text`` is "" and ``findings`` 0 when
    nothing is alive that should have been let go of."""

    text: str
    findings: int

    def __bool__(self) -> bool:
        return self.findings != 0
