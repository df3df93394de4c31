"""The process-wide buffer functions, and results leaving no buffer."""

from __future__ import annotations

import asyncio

import pytest

import tether
from conftest import ECHO, FAIL


def test_results_free_their_buffers(rt: tether.Runtime) -> None:
    before = tether.buffers.live()
    for _ in range(100):
        rt.call_sync(ECHO, b"z" * 100)
        with pytest.raises(tether.LibraryError):
            rt.call_sync(FAIL)

    async def main() -> None:
        await asyncio.gather(*[rt.call(ECHO, b"q" * 50) for _ in range(100)])

    asyncio.run(main())
    assert tether.buffers.live() == before


def test_debug_mode_can_be_switched(rt: tether.Runtime) -> None:
    was = tether.buffers.is_debug()
    try:
        tether.buffers.set_debug(True)
        assert tether.buffers.is_debug()
        assert rt.call_sync(ECHO, b"guarded") == b"guarded"
        tether.buffers.check_all()
    finally:
        tether.buffers.set_debug(was)
    assert tether.buffers.is_debug() == was


def test_config_turns_debug_mode_on(open_runtime: object) -> None:
    was = tether.buffers.is_debug()
    try:
        rt = open_runtime(buffer_debug=True)  # type: ignore[operator]
        assert tether.buffers.is_debug()
        assert rt.call_sync(ECHO, b"x") == b"x"
    finally:
        tether.buffers.set_debug(was)


def test_handles_live_counts_none_here() -> None:
    assert tether.handles_live() == 0
