"""The app as the browser benchmarks run it: `python -m switchboard …` with, on its runtime
loop, a ticker that appends when each 10 ms tick fired and how late (ms) to a file; so loop
lag is measured inside the very process the browsers talk to.

Usage: python -m benchmarks.ticking_app LAG_FILE [the app's options]
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any, TextIO

from switchboard import cli
from switchboard.runtime import loop

PERIOD = 0.010


def main(argv: list[str]) -> int:
    """Run the app; every runtime it makes starts the ticker on its loop."""
    path, options = argv[0], argv[1:]
    made = loop.Runtime.__init__

    def ticking(runtime: loop.Runtime, *args: Any, **kwargs: Any) -> None:
        made(runtime, *args, **kwargs)
        runtime.submit(tick(open(path, "a", encoding="ascii", buffering=1)))  # noqa: SIM115

    loop.Runtime.__init__ = ticking  # type: ignore[method-assign]
    return cli.main(options)


async def tick(out: TextIO) -> None:
    """Until the loop ends: sleep PERIOD, write `wall-clock-seconds lateness-ms` (a line, so
    each is on disk for the benchmark to read while the app runs)."""
    with out:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(PERIOD)
            late = 1000 * (time.perf_counter() - start - PERIOD)
            out.write(f"{time.time():.4f} {late:.3f}\n")


def lags(path: str, start: float, end: float) -> list[float]:
    """The lateness (ms) of the ticks written between `start` and `end` (wall clock)."""
    found: list[float] = []
    with open(path, encoding="ascii") as ticks:
        for line in ticks:
            when, late = line.split()
            if start <= float(when) <= end:
                found.append(float(late))
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
