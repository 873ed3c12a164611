"""How long an MCP tool call may run: `timeout` bounds its silence, not its length. Progress
resets the clock, and so does waiting for the person (a question of the call still open); an
optional `max_timeout` bounds the whole call. A long call that keeps reporting is never cut."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
Progress = Callable[[float, float | None, str | None], Awaitable[None]]


class CallBounds:
    """The clock of one call: `idle` seconds of silence, `whole` seconds in all (None: none)."""

    def __init__(self, idle: float | None, whole: float | None) -> None:
        self.idle, self.whole = idle, whole
        self.started = self.heard = time.monotonic()
        self._waiting: list[asyncio.Future[Any]] = []  # the person's answers still to come

    def progress(self, inner: Progress | None) -> Progress:
        """A progress handler that resets the clock, then passes progress on to `inner`."""

        async def progressed(progress: float, total: float | None, message: str | None) -> None:
            self.heard = time.monotonic()
            if inner is not None:
                await inner(progress, total, message)

        return progressed

    def asking(self, answer: asyncio.Future[Any]) -> None:
        """A question of this call is open until `answer` is done: the silence is the person's."""
        self._waiting.append(answer)

    async def run(self, call: Coroutine[Any, Any, T]) -> T:
        """The call's result; TimeoutError naming the bound that ran out (the call is then
        cancelled, as Stop would)."""
        task = asyncio.ensure_future(call)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self._next_check())
                if done:
                    return task.result()
                if reason := self._expired():
                    raise TimeoutError(reason)
        finally:
            if not task.done():
                task.cancel()
                await asyncio.wait({task})

    def _next_check(self) -> float | None:
        limits = [self.heard + self.idle] if self.idle else []
        limits += [self.started + self.whole] if self.whole else []
        return max(0.01, min(limits) - time.monotonic()) if limits else None

    def _expired(self) -> str:
        now = time.monotonic()
        if any(not answer.done() for answer in self._waiting):
            self.heard = now  # the person is answering: not the server's silence
        if self.whole and now - self.started >= self.whole:
            return f"it ran longer than its {self.whole:g} s in all (maxTimeout)"
        if self.idle and now - self.heard >= self.idle:
            return f"the server sent no progress for {self.idle:g} s (timeout)"
        return ""
