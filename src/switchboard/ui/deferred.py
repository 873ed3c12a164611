"""A drawing put off until something else is on screen, with a bound on how long it waits
(the live turn's controls and sidebar wait for the answer's first words: ui/live_turn.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

PATIENCE = 0.2  # seconds a live turn's page goes without its deferred parts, at most


class Deferred:
    """One drawing, done once: now, or when `due` finds its patience spent."""

    def __init__(self, draw: Callable[[], None], patience: float = PATIENCE) -> None:
        self._draw: Callable[[], None] | None = draw
        self._deadline = time.monotonic() + patience

    def now(self) -> None:
        """Draw it, unless it is drawn already."""
        draw, self._draw = self._draw, None
        if draw is not None:
            draw()

    def due(self) -> None:
        """Draw it if it has waited its patience out (called between waits for the answer)."""
        if time.monotonic() >= self._deadline:
            self.now()
