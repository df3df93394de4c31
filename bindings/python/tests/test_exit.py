"""Interpreter exit with calls in flight: no hang, no crash, every call
ends once."""

from __future__ import annotations

from pathlib import Path

from conftest import run_python

PRELUDE = """
import asyncio, sys, threading
import tether
SLEEP = 2
ten_s = int(10e9).to_bytes(8, "little")
rt = tether.Runtime({path!r}, "nooplib_library", tether.Config(lanes=2))
"""


def _check(result: "object") -> None:
    import subprocess

    assert isinstance(result, subprocess.CompletedProcess)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "Fatal Python error" not in result.stderr, result.stderr


def test_exit_with_blocking_calls_in_threads(nooplib_path: Path) -> None:
    code = PRELUDE.format(path=str(nooplib_path)) + """
outcomes = []
def worker():
    try:
        rt.call_sync(SLEEP, ten_s)
        outcomes.append("ok")
    except tether.Closed:
        outcomes.append("closed")
        sys.stdout.write("closed\\n")
# Non-daemon threads: the interpreter waits for them, after tether closed
# the runtime under them.
threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads: t.start()
import time; time.sleep(0.1)
"""
    result = run_python(code, timeout=30)
    _check(result)
    assert result.stdout.split() == ["closed"] * 8


def test_exit_with_daemon_threads_and_futures(nooplib_path: Path) -> None:
    code = PRELUDE.format(path=str(nooplib_path)) + """
def worker():
    try:
        rt.call_sync(SLEEP, ten_s)
    except tether.Closed:
        pass
for _ in range(4): threading.Thread(target=worker, daemon=True).start()
futures = [rt.submit(SLEEP, ten_s) for _ in range(50)]
def done(f):
    sys.stdout.write("future " + type(f.exception()).__name__ + "\\n")
for f in futures: f.add_done_callback(done)
import time; time.sleep(0.1)
"""
    result = run_python(code, timeout=30)
    _check(result)
    assert result.stdout.count("future Closed") == 50


def test_exit_from_a_running_loop(nooplib_path: Path) -> None:
    code = PRELUDE.format(path=str(nooplib_path)) + """
async def main():
    tasks = [asyncio.ensure_future(rt.call(SLEEP, ten_s)) for _ in range(100)]
    await asyncio.sleep(0.05)
    sys.exit(0)
asyncio.run(main())
"""
    _check(run_python(code, timeout=30))


def test_exit_with_a_loop_running_in_a_daemon_thread(nooplib_path: Path) -> None:
    code = PRELUDE.format(path=str(nooplib_path)) + """
started = threading.Event()
async def main():
    calls = [rt.call(SLEEP, ten_s) for _ in range(100)]
    started.set()
    results = await asyncio.gather(*calls, return_exceptions=True)
    sys.stdout.write("loop %d\\n" % sum(isinstance(r, tether.Closed) for r in results))
    await asyncio.sleep(10)
threading.Thread(target=asyncio.run, args=(main(),), daemon=True).start()
started.wait()
"""
    result = run_python(code, timeout=30)
    _check(result)
    # The loop may or may not get to run before its daemon thread is
    # stopped; if it does, every call ended Closed.
    assert result.stdout in ("", "loop 100\n")


def test_exit_without_closing_after_calls_finished(nooplib_path: Path) -> None:
    code = PRELUDE.format(path=str(nooplib_path)) + """
assert rt.call_sync(1, b"echo") == b"echo"
"""
    result = run_python(code, timeout=30)
    _check(result)
    assert result.stderr == ""
