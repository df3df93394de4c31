"""Benchmarks of the Python binding against what Python code would
otherwise write, all in one run (this machine is noisy: compare ratios).

    python bench/bench.py [--quick] [--out results.txt]

Needs the binding installed, pkg-config finding tether, cffi and uvloop
(requirements/release.txt). Builds the test library (tests/support) and
the cffi variant (bench/cffi_variant.py) under build/python/bench."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, List, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import cffi_variant  # noqa: E402
import uvloop  # noqa: E402
from conftest import _build_nooplib  # noqa: E402

import tether  # noqa: E402

NOOP, ECHO = 0, 1


def per_call_gather(call: Callable[[], Awaitable[Any]], loop_factory: Callable[[], asyncio.AbstractEventLoop],
                    batch: int, rounds: int) -> float:
    """Median seconds per call of `batch` calls awaited in one gather."""
    async def main() -> List[float]:
        times = []
        for _ in range(rounds + 2):
            start = time.perf_counter()
            await asyncio.gather(*[call() for _ in range(batch)])
            times.append((time.perf_counter() - start) / batch)
        return times[2:]  # the first rounds warm the queue and the caches

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return statistics.median(runner.run(main()))


def sequential(call: Callable[[], Awaitable[Any]], loop_factory: Callable[[], asyncio.AbstractEventLoop],
               n: int) -> Tuple[float, float]:
    """(p50, p99) seconds of one awaited call at a time."""
    async def main() -> List[float]:
        for _ in range(200):
            await call()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            await call()
            times.append(time.perf_counter() - start)
        return times

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        times = sorted(runner.run(main()))
    return times[len(times) // 2], times[int(len(times) * 0.99)]


def threaded(work: Callable[[int], None], threads: int, n: int) -> float:
    """Seconds per call of n calls split over `threads` threads."""
    per = n // threads
    barrier = threading.Barrier(threads + 1)

    def run() -> None:
        barrier.wait()
        work(per)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in pool:
        t.join()
    return (time.perf_counter() - start) / (per * threads)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:8.2f} us"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one short round (a smoke test)")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    scale = 0.05 if args.quick else 1.0
    rounds = max(2, int(40 * scale))
    seq_n = max(200, int(20000 * scale))

    out_dir = Path(os.environ.get("TETHER_PY_BENCH_BUILD", HERE.parents[2] / "build" / "python" / "bench"))
    out_dir.mkdir(parents=True, exist_ok=True)
    lib_path = _build_nooplib(out_dir)
    cffi_module = cffi_variant.build(out_dir / "cffi")
    direct = ctypes.CDLL(str(lib_path))
    noop_c = direct.nooplib_direct_noop
    noop_c.restype = None
    noop_c.argtypes = []

    lines: List[str] = []

    def report(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    rt = tether.Runtime(lib_path, "nooplib_library", tether.Config(lanes=1))
    spinning = tether.Runtime(lib_path, "nooplib_library", tether.Config(lanes=1, spin_ns=200_000))
    cf = cffi_variant.Runtime(cffi_module, str(lib_path), "nooplib_library")
    loops = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
    report(f"tether Python binding benchmarks ({'quick' if args.quick else 'full'}), "
           f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, 1 lane")

    report("\n1,000 no-op calls in one gather, amortized per call (goal <= 5 us):")
    gather = {}
    for name, factory in loops.items():
        # Interleaved, twice each, the better median kept: the machine's
        # noise comes in bursts.
        ext, via_cffi = [], []
        for _ in range(2):
            ext.append(per_call_gather(lambda: rt.call(NOOP), factory, 1000, rounds))
            via_cffi.append(per_call_gather(lambda: cf.call(NOOP), factory, 1000, rounds))
        gather[("ext", name)] = min(ext)
        gather[("cffi", name)] = min(via_cffi)

        def in_executor() -> Awaitable[None]:
            return asyncio.get_running_loop().run_in_executor(None, noop_c)

        gather[("executor", name)] = min(per_call_gather(in_executor, factory, 1000, rounds)
                                         for _ in range(2))
        report(f"  {name:8} C extension {us(gather[('ext', name)])}   cffi {us(gather[('cffi', name)])}"
               f"   run_in_executor(ctypes) {us(gather[('executor', name)])}")
    for name in loops:
        report(f"  {name:8} throughput vs run_in_executor of the ctypes call (goal >= 5x): "
               f"{gather[('executor', name)] / gather[('ext', name)]:6.1f}x;"
               f" C extension vs cffi: {gather[('cffi', name)] / gather[('ext', name)]:5.2f}x faster")

    report("\nOne awaited no-op call at a time, p50 / p99 (goal p50 <= 30 us):")
    for name, factory in loops.items():
        e50, e99 = sequential(lambda: rt.call(NOOP), factory, seq_n)
        s50, s99 = sequential(lambda: spinning.call(NOOP), factory, seq_n)
        c50, c99 = sequential(lambda: cf.call(NOOP), factory, seq_n)

        def in_executor_one() -> Awaitable[None]:
            return asyncio.get_running_loop().run_in_executor(None, noop_c)

        x50, x99 = sequential(in_executor_one, factory, seq_n)
        report(f"  {name:8} C extension {us(e50)} / {us(e99)}"
               f"   (lane spin 200 us: {us(s50)} / {us(s99)})")
        report(f"  {name:8} cffi        {us(c50)} / {us(c99)}   run_in_executor(ctypes) {us(x50)} / {us(x99)}")
    report("  (a lane parks after spin_ns idle, 20 us by default; a loop slower than that to\n"
           "  send the next call pays for waking the lane)")

    report("\ncall_sync vs a direct ctypes call of the same no-op C function, per call:")
    n_sync = max(2000, int(100000 * scale))
    for threads in (1, 8):
        def sync_work(n: int) -> None:
            for _ in range(n):
                rt.call_sync(NOOP)

        def ctypes_work(n: int) -> None:
            for _ in range(n):
                noop_c()

        t_sync = threaded(sync_work, threads, n_sync)
        t_ctypes = threaded(ctypes_work, threads, n_sync * 10)
        report(f"  {threads} thread{'s' if threads > 1 else ' '}  call_sync {us(t_sync)}   ctypes {us(t_ctypes)}"
               f"   ratio {t_sync / t_ctypes:6.1f}x")

    report("\nResults as bytes (copied, tether buffer freed at once) vs a zero-copy memoryview"
           "\nover the tether buffer (freed when the view dies), ECHO, per call:")
    for size in (16, 4096, 65536, 1 << 20):
        payload = b"x" * size
        batch = 100 if size < 65536 else 20
        copy = per_call_gather(lambda: cf.call(ECHO, payload, True), asyncio.new_event_loop, batch, rounds)
        view = per_call_gather(lambda: cf.call(ECHO, payload, False), asyncio.new_event_loop, batch, rounds)
        ext_bytes = per_call_gather(lambda: rt.call(ECHO, payload), asyncio.new_event_loop, batch, rounds)
        ext_view = per_call_gather(lambda: rt.call(ECHO, payload, view=True), asyncio.new_event_loop,
                                   batch, rounds)
        report(f"  {size:8} B  C extension: bytes {us(ext_bytes)}   view=True {us(ext_view)}"
               f"   cffi: bytes {us(copy)}   memoryview {us(view)}")

    rt.close()
    spinning.close()
    cf.close()
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
