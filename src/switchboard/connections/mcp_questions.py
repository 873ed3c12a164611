"""A server's questions for the person (elicitation, sampling), routed to the call that asked.

In the 2026-07-28 era the SDK answers a call's input-required result inside the calling task,
so the call is known exactly (a context variable set around the call). A push-style request
(`elicitation/create` mid-call in the handshake era) names no call on the wire: with one call
in flight it is that one; with several the protocol cannot tell, so the question is shown to
every call in flight as the server's, and only withdrawn when the last of them has ended,
never by an unrelated call's end. A sampling request is answered with the model of the
person whose call it came from; with calls of several people in flight it is declined.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import mcp.types as types

from switchboard.connections.mcp_url_required import openable
from switchboard.connections.updates import Action, QuestionKind

Answer = types.ElicitResult | types.ErrorData
# Answers an approved sampling request (plain data in, {"text", "model", "stop_reason"} out)
# with one person's model.
Sampler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass
class Interaction:
    """A server's request for the person, waiting for an answer."""

    id: str
    kind: QuestionKind
    server: str
    message: str
    schema: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    shared: bool = False  # asked while several calls ran: it may be any one's
    answer: asyncio.Future[Answer] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future(), repr=False
    )

    def describe(self) -> dict[str, Any]:
        """The question as plain data for the conversation log."""
        return {
            "id": self.id,
            "kind": self.kind,
            "server": self.server,
            "message": self.message,
            "schema": self.schema,
            "url": self.url,
            "openable": openable(self.url),  # offered as a link (http or https only)
            "details": self.details,
            "shared": self.shared,
        }

    def resolve(self, action: str, content: dict[str, Any] | None = None) -> None:
        """Answer it (accept with content, decline or cancel), once; on the loop."""
        if not self.answer.done():
            accepted = content if action == Action.ACCEPT else None
            self.answer.set_result(types.ElicitResult(action=action, content=accepted))


InteractionHandler = Callable[[Interaction], Awaitable[None]]


@dataclass(eq=False)
class Call:
    """One tools/call in flight, who shows its questions to the person (None: nobody) and
    whose model answers its sampling requests (None: they are declined)."""

    ask: InteractionHandler | None
    sampler: Sampler | None = None


_CURRENT: contextvars.ContextVar[Call | None] = contextvars.ContextVar(
    "switchboard_mcp_call", default=None
)


class Asking:
    """The calls in flight on one server and the questions they were asked."""

    def __init__(self, server: str) -> None:
        self.server = server
        self._calls: list[Call] = []
        self._open: dict[str, tuple[Interaction, set[Call]]] = {}
        self._ids = itertools.count(1)

    @contextlib.contextmanager
    def call(
        self, ask: InteractionHandler | None, sampler: Sampler | None = None
    ) -> Iterator[Call]:
        """Register a call for as long as it runs. Questions the SDK handles in this task go
        to it; its end withdraws the questions only it could have asked."""
        call = Call(ask, sampler)
        self._calls.append(call)
        token = _CURRENT.set(call)
        try:
            yield call
        finally:
            _CURRENT.reset(token)
            self._calls.remove(call)
            self._ended(call)

    def in_flight(self) -> list[Call]:
        """Every call running now."""
        return list(self._calls)

    def askers(self) -> list[Call]:
        """The calls a question now may be from, with someone to show it to: the call of this
        task, else every call in flight."""
        exact = _CURRENT.get()
        if exact is not None and exact in self._calls:
            return [exact] if exact.ask else []
        return [call for call in self._calls if call.ask]

    async def ask(
        self, kind: QuestionKind, message: str, targets: list[Call] | None = None, **fields: Any
    ) -> Interaction | None:
        """A new question, handed to `targets` (by default every call that may have asked);
        None when no running call has anyone to show it to."""
        targets = self.askers() if targets is None else targets
        if not targets:
            return None
        interaction = Interaction(
            f"{self.server}-{next(self._ids)}",
            kind,
            self.server,
            message,
            shared=len(targets) > 1,
            **fields,
        )
        self._open[interaction.id] = (interaction, set(targets))
        for call in targets:
            assert call.ask is not None
            await call.ask(interaction)
        return interaction

    def done(self, interaction: Interaction) -> None:
        """The server has its answer: the question is no longer open."""
        self._open.pop(interaction.id, None)

    def _ended(self, call: Call) -> None:
        for question_id, (interaction, calls) in list(self._open.items()):
            calls.discard(call)
            if not calls:  # no call left that could have asked it
                del self._open[question_id]
                interaction.resolve(Action.CANCEL)
