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


def test_a_view_result_is_the_tether_buffer_until_released(rt: tether.Runtime) -> None:
    before = tether.buffers.live()[0]
    view = rt.call_sync(ECHO, b"zero copy", view=True)
    assert isinstance(view, memoryview)
    assert bytes(view) == b"zero copy"
    assert tether.buffers.live()[0] == before + 1
    view[0:4] = b"ZERO"  # the bytes are the caller's
    assert bytes(view) == b"ZERO copy"
    view.release()
    assert tether.buffers.live()[0] == before


def test_views_from_every_kind_of_call(rt: tether.Runtime) -> None:
    before = tether.buffers.live()[0]

    async def main() -> "list[memoryview]":
        views = await asyncio.gather(*[rt.call(ECHO, b"v%d" % i, view=True) for i in range(50)])
        views.append(await rt.try_call(ECHO, b"try", view=True))
        return views

    views = asyncio.run(main())
    views.append(rt.submit(ECHO, b"submitted", view=True).result(10))
    assert [bytes(v) for v in views] == [b"v%d" % i for i in range(50)] + [b"try", b"submitted"]
    assert tether.buffers.live()[0] == before + len(views)
    del views
    assert tether.buffers.live()[0] == before


def test_an_empty_view_result(rt: tether.Runtime) -> None:
    view = rt.call_sync(ECHO, b"", view=True)
    assert isinstance(view, memoryview)
    assert len(view) == 0


def test_a_view_of_a_failed_call_is_the_error(rt: tether.Runtime) -> None:
    with pytest.raises(tether.LibraryError):
        rt.call_sync(FAIL, view=True)
