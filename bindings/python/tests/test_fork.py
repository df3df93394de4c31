"""fork(): a child that touches its parent's runtime gets Forked at once,
never a hang, and can open a runtime of its own."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
from pathlib import Path
from typing import Callable

import pytest

import tether
from conftest import ECHO, SLEEP, sleep_payload


def _child_uses_parent_runtime(rt: tether.Runtime, conn: multiprocessing.connection.Connection) -> None:
    outcomes = []
    try:
        rt.call_sync(ECHO, b"x")
        outcomes.append("call_sync returned")
    except tether.Forked as e:
        outcomes.append(f"call_sync Forked {e.status}")
    try:
        rt.submit(ECHO, b"x")
        outcomes.append("submit returned")
    except tether.Forked:
        outcomes.append("submit Forked")

    async def on_loop() -> None:
        try:
            await rt.call(ECHO, b"x")
            outcomes.append("call returned")
        except tether.Forked:
            outcomes.append("call Forked")

    asyncio.run(on_loop())
    try:
        rt.stats()
        outcomes.append("stats returned")
    except tether.Forked:
        outcomes.append("stats Forked")
    rt.close()
    outcomes.append(f"closed {rt.closed}")
    conn.send(outcomes)


def _child_opens_its_own(path: str, conn: multiprocessing.connection.Connection) -> None:
    with tether.Runtime(path, "nooplib_library") as own:
        conn.send(own.call_sync(ECHO, b"child's own"))


def _run_child(target: Callable[..., None], *args: object) -> object:
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    child = ctx.Process(target=target, args=(*args, child_end))
    child.start()
    child.join(30)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung")
    assert child.exitcode == 0
    assert parent_end.poll(1)
    return parent_end.recv()


def test_child_gets_forked_not_a_hang(rt: tether.Runtime) -> None:
    # Calls in flight in the parent while it forks, and submit's thread and
    # an event loop's queue already running.
    rt.submit(ECHO, b"warm").result(10)
    asyncio.run(_warm_loop(rt))
    in_flight = rt.submit(SLEEP, sleep_payload(0.2))
    outcomes = _run_child(_child_uses_parent_runtime, rt)
    assert outcomes == [
        f"call_sync Forked {tether.Status.FORKED}",
        "submit Forked",
        "call Forked",
        "stats Forked",
        "closed True",
    ]
    assert in_flight.result(10) == b""
    assert rt.call_sync(ECHO, b"parent") == b"parent"


def test_child_can_open_its_own_runtime(rt: tether.Runtime, nooplib_path: Path) -> None:
    rt.call_sync(ECHO, b"parent first")
    assert _run_child(_child_opens_its_own, str(nooplib_path)) == b"child's own"


async def _warm_loop(rt: tether.Runtime) -> None:
    assert await rt.call(ECHO, b"loop") == b"loop"
