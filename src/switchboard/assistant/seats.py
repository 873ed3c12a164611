"""Each person's assistant: their own model settings, approvals and model client (so their
own wire log). Everyone starts from the config file's `llm` settings; what one person changes
on the Assistant page, or "always allow"s, is theirs alone."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from switchboard.assistant.model import Model
from switchboard.config import LlmSettings
from switchboard.connections.mcp_questions import Sampler
from switchboard.connections.url_guard import UrlGuard

Answerer = Callable[["Seat", dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(eq=False)
class Seat:
    """One person's settings and the model they make; `sampler` is theirs for as long as the
    app runs (the same object, so calls can tell whose it is)."""

    settings: LlmSettings
    model: Model
    sampler: Sampler = field(init=False, repr=False)


class Seats:
    """Everyone's seat, made on first use from the defaults. Models replaced by new settings
    are kept for closing at shutdown (a running turn keeps the model it started with)."""

    def __init__(self, defaults: LlmSettings, answer: Answerer) -> None:
        self.defaults = defaults
        self._answer = answer
        self._seats: dict[str, Seat] = {}
        self._retired: list[Model] = []
        self._lock = threading.Lock()

    def of(self, user: str) -> Seat:
        """`user`'s seat."""
        with self._lock:
            seat = self._seats.get(user)
            if seat is None:
                seat = self._seats[user] = self._seat(self.defaults)
            return seat

    def configure(self, user: str, settings: LlmSettings, guard: UrlGuard | None = None) -> None:
        """`user`'s settings from their next turn on (`guard`: where an endpoint entered in the
        UI may be reached)."""
        seat = self.of(user)
        with self._lock:
            if _client_settings(settings) != _client_settings(seat.settings):
                self._retired.append(seat.model)
                seat.model = Model(settings, guard)
            seat.settings = settings

    def allow(self, user: str, key: str) -> None:
        """ "Always allow" for `user`: calls matching `key` no longer ask them first."""
        seat = self.of(user)
        with self._lock:
            approval = {**seat.settings.approval, key: "allow"}
            seat.settings = replace(seat.settings, approval=approval)

    def secrets(self) -> list[str]:
        """Every API key anyone configured (to keep out of what is recorded)."""
        with self._lock:
            keys = [seat.settings.api_key for seat in self._seats.values()]
        return [key for key in {self.defaults.api_key, *keys} if key]

    def models(self) -> list[Model]:
        """Every model client made so far (to close)."""
        with self._lock:
            return [*self._retired, *(seat.model for seat in self._seats.values())]

    def _seat(self, settings: LlmSettings) -> Seat:
        seat = Seat(settings, Model(settings))

        async def sample(request: dict[str, Any]) -> dict[str, Any]:
            return await self._answer(seat, request)

        seat.sampler = sample
        return seat


def _client_settings(settings: LlmSettings) -> LlmSettings:
    """What the model client is made from: everything but the approvals (read per call)."""
    return replace(settings, approval={})
