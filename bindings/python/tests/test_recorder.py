"""The boundary recorder's dump and settings."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, List

import pytest

import tether
from conftest import ECHO, Opener


def dump(rt: tether.Runtime, payloads: bool) -> List[Dict[str, Any]]:
    with tempfile.TemporaryFile("w+") as file:
        rt.dump_recording(file, payloads)
        file.seek(0)
        return [json.loads(line) for line in file]


def test_a_call_is_recorded_with_its_payload_when_captured(open_runtime: Opener) -> None:
    rt = open_runtime(lanes=1, recorder_entries=256, capture_bytes=4096)
    rt.call_sync(ECHO, b"recorded", key=21)
    header, record = dump(rt, payloads=True)
    assert header["format"] == "tether-recording" and header["version"] == 1
    assert header["capture_bytes"] == 4096
    assert record["method"] == ECHO and record["key"] == 21 and record["len"] == 8
    assert record["outcome"] == "done" and record["status"] == 0
    assert bytes.fromhex(record["payload"]) == b"recorded"
    assert "payload" not in dump(rt, payloads=False)[1]


def test_the_recorder_off_dumps_the_header_alone(open_runtime: Opener) -> None:
    rt = open_runtime()  # off by default
    rt.call_sync(ECHO, b"x")
    lines = dump(rt, payloads=False)
    assert len(lines) == 1 and lines[0]["entries"] == 0


def test_a_descriptor_works_as_well_as_a_file(open_runtime: Opener) -> None:
    rt = open_runtime(lanes=1, recorder_entries=256)
    rt.call_sync(ECHO, b"fd")
    read_end, write_end = os.pipe()
    try:
        rt.dump_recording(write_end)
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end) as text:
            read_end = -1
            lines = [json.loads(line) for line in text]
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)
    assert len(lines) == 2 and lines[1]["len"] == 2


def test_a_write_that_fails_raises_write_failed(rt: tether.Runtime) -> None:
    with open(os.devnull, "rb") as read_only:
        with pytest.raises(tether.WriteFailed) as caught:
            rt.dump_recording(read_only.fileno())
    assert caught.value.status == tether.Status.IO


def test_settings_out_of_range_are_refused(open_runtime: Opener) -> None:
    with pytest.raises(tether.InvalidArgument):
        open_runtime(capture_bytes=100, capture_max_payload=101)
