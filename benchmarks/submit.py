"""Benchmark 1: the cost of handing a coroutine to the loop from a foreign thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from benchmarks.results import Result
from benchmarks.stats import median, percentile, ratio
from switchboard.runtime import Runtime

TITLE = "1. Submit overhead"
DESCRIPTION = (
    "A no-op coroutine submitted from a foreign (non-loop) thread and waited for: through "
    "`Runtime.call(coro, timeout=...)` (the product's bridge) and through raw "
    "`asyncio.run_coroutine_threadsafe(coro, loop).result()` (the baseline), interleaved in "
    "blocks, each call timed alone. The floor is a direct `await` of the same no-op on the loop "
    "(many awaits inside one coroutine, divided). Medians and p99 in µs."
)
FLOOR_AWAITS = 100_000


async def _noop() -> None:
    return None


async def _awaits_ns(count: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(count):
        await _noop()
    return (time.perf_counter_ns() - start) / count


def _time_calls(call: Callable[[], None], count: int, into: list[float]) -> None:
    for _ in range(count):
        start = time.perf_counter_ns()
        call()
        into.append((time.perf_counter_ns() - start) / 1000)


def run(quick: bool) -> Result:
    """Measure Runtime.call, raw run_coroutine_threadsafe and the direct-await floor."""
    rounds, block = (10, 200) if quick else (20, 500)
    runtime = Runtime(name="bench-submit")
    try:
        loop = runtime.loop

        def bridged() -> None:
            runtime.call(_noop(), timeout=10)

        def raw() -> None:
            asyncio.run_coroutine_threadsafe(_noop(), loop).result()

        samples: dict[str, list[float]] = {"runtime": [], "raw": []}
        _time_calls(bridged, block, [])  # warm-up
        _time_calls(raw, block, [])
        for index in range(rounds):  # alternate which goes first, so drift hits both alike
            order = [("runtime", bridged), ("raw", raw)]
            for name, call in order if index % 2 == 0 else order[::-1]:
                _time_calls(call, block, samples[name])
        floor_ns = median([runtime.call(_awaits_ns(FLOOR_AWAITS), timeout=60) for _ in range(5)])
    finally:
        runtime.close()
    result = Result(TITLE, DESCRIPTION)
    count = rounds * block
    for name, label in (("runtime", "Runtime.call"), ("raw", "raw run_coroutine_threadsafe")):
        result.add(f"{label}: median of {count}", median(samples[name]), "µs")
        result.add(f"{label}: p99", percentile(samples[name], 99), "µs")
    result.add("direct await on the loop (floor)", floor_ns / 1000, "µs")
    bridged_over_raw = ratio(median(samples["runtime"]), median(samples["raw"]))
    result.add("Runtime.call / raw", bridged_over_raw, "×")
    result.target("Runtime.call ≤ 1.2× raw run_coroutine_threadsafe", bridged_over_raw, 1.2, "×")
    return result
