"""Counting garbage-collection passes and their durations with `gc.callbacks`."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Collections:
    """GC passes seen in one window: count per generation and each pass's duration."""

    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    durations: list[float] = field(default_factory=list)

    def total(self) -> int:
        """Passes of any generation."""
        return sum(self.counts)

    def longest_ms(self) -> float:
        """The longest pass in milliseconds (0 when none)."""
        return 1000 * max(self.durations, default=0.0)


class GcWatch:
    """Registers one gc callback; `window()` collects what happens inside a `with` block."""

    def __init__(self) -> None:
        self._current: Collections | None = None
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        current = self._current
        if current is None:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            current.counts[info["generation"]] += 1
            current.durations.append(time.perf_counter() - self._started)

    @contextlib.contextmanager
    def window(self) -> Iterator[Collections]:
        """Count the passes that happen inside the block."""
        self._current = Collections()
        try:
            yield self._current
        finally:
            self._current = None

    def close(self) -> None:
        """Unregister the callback."""
        gc.callbacks.remove(self._callback)
