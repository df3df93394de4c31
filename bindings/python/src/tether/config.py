"""How a runtime is opened: tether_runtime_config, with its defaults."""

from __future__ import annotations

import dataclasses
import enum
from typing import Optional, Tuple


class Delivery(enum.IntEnum):
    """Which tether thread hands a reply to the completion queue."""

    LANE = 0  #: the lane that ran the call: lowest latency
    THREAD = 1  #: tether's delivery thread: the lane goes back to work


class LeakCheck(enum.IntEnum):
    """What closing does with a non-empty leak report (the environment
    variable TETHER_LEAK_CHECK=off|log|fail overrides it)."""

    OFF = 0
    LOG = 1  #: write it to the log at WARN
    FAIL = 2  #: log it, and abort if calls of this runtime are left


#: A growth_threshold that turns the growth watch off.
GROWTH_WATCH_OFF = 2**64 - 1


@dataclasses.dataclass(frozen=True)
class Config:
    """tether_runtime_config; each field's meaning is in tether/runtime.h.
    The defaults are those of tether_runtime_config_init."""

    lanes: int = 1
    pin_lanes: bool = False
    deliver: Delivery = Delivery.LANE
    max_calls_in_flight: int = 16384
    max_bytes_in_flight: int = 256 << 20
    max_payload_bytes: int = 64 << 20
    spin_ns: int = 20000
    growth_threshold: int = 4096
    leak_check: LeakCheck = LeakCheck.LOG
    buffer_debug: bool = False
    #: The boundary recorder: records kept per lane (0, the default, leaves
    #: it off; 256 is a good start).
    recorder_entries: int = 0
    #: Payload capture: the largest payload kept, and bytes kept per lane
    #: (0: none).
    capture_max_payload: int = 4096
    capture_bytes: int = 0
    #: Where a crash on a lane writes the recording, or None.
    capture_dir: Optional[str] = None

    def as_tuple(
        self,
    ) -> Tuple[int, int, int, int, int, int, int, int, int, int, int, int, int, Optional[str]]:
        """The fields in the order the C layer reads them."""
        return (
            int(self.lanes),
            int(self.pin_lanes),
            int(self.deliver),
            int(self.max_calls_in_flight),
            int(self.max_bytes_in_flight),
            int(self.max_payload_bytes),
            int(self.spin_ns),
            int(self.growth_threshold),
            int(self.leak_check),
            int(self.buffer_debug),
            int(self.recorder_entries),
            int(self.capture_max_payload),
            int(self.capture_bytes),
            None if self.capture_dir is None else str(self.capture_dir),
        )
