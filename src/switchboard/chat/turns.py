"""Folding a conversation's events into turns: what one bubble shows. Pure and replayable.

A turn is the counterpart's `Reply` (the one fold of updates, in `connections.fold`) plus what
the chat records around it: the prompt, a resumed task, a direct tool call, the person's
answers, attachments, the assistant's text and steps, and the turn's end. The loop side (the
conversation's own facts) and the script side (the pages) fold through the same `apply`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from switchboard.chat.events import Event
from switchboard.connections.fold import Artifact, Reply, text_of
from switchboard.connections.updates import Kind, Level

__all__ = [
    "Artifact",
    "StepView",
    "TurnView",
    "data_attachment",
    "fold_bubbles",
    "fold_turns",
    "pending_task",
    "text_of",
    "turn_numbers",
]


@dataclass
class StepView(Reply):
    """One call the assistant's model made: the call, what happened in it, its outcome."""

    step: dict[str, Any] = field(default_factory=dict)  # the call (its `step` event)
    tool: dict[str, Any] = field(default_factory=dict)  # server, tool, arguments of an MCP call
    step_end: dict[str, Any] = field(default_factory=dict)  # what went back to the model

    def _step_end(self, data: dict[str, Any]) -> None:
        self.step_end = data


StepView.FOLD = {**Reply.FOLD, Kind.STEP_END: StepView._step_end}


@dataclass
class TurnView(Reply):
    """One turn: the prompt, then everything the counterpart did, reduced to current state."""

    turn: int = 0
    prompt: str = ""
    resumed_task: str = ""
    tool: dict[str, Any] = field(default_factory=dict)  # a call the person made
    answers: dict[str, str] = field(default_factory=dict)  # question id → action
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # The assistant's turn, in order: ("text", what the model wrote) and ("step", step id).
    items: list[tuple[str, str]] = field(default_factory=list)
    steps: dict[str, StepView] = field(default_factory=dict)
    ended: bool = False
    end_reason: str = ""
    continued: list[int] = field(default_factory=list)  # later turns drawn as part of this one

    @property
    def numbers(self) -> tuple[int, ...]:
        """The turns this view holds: its own, then those that continue it."""
        return (self.turn, *self.continued)

    def apply_event(self, event: Event) -> None:
        """Fold one event into the view. Events of a step go to that step, except the
        questions asked in it (approvals included), which the turn shows and answers."""
        step_id = event.data.get("step")
        if step_id and event.kind not in (Kind.STEP, Kind.QUESTION, Kind.ANSWER):
            inner = self.steps.get(step_id)
            if inner is not None:
                inner.apply(event.kind, event.data)
            return
        self.apply(event.kind, event.data)

    @property
    def replied(self) -> bool:
        """A direct reply arrived, or the model wrote text."""
        return bool(self.messages) or any(kind == "text" for kind, _ in self.items)

    @property
    def open_questions(self) -> list[dict[str, Any]]:
        """The questions this turn still waits on (while it runs)."""
        if self.ended:
            return []
        return [q for q in self.questions if q["id"] not in self.answers]

    def text(self) -> str:
        """All text the counterpart produced in this turn (artifacts, messages, the model's)."""
        return super().text() + "".join(value for kind, value in self.items if kind == "text")

    @property
    def sent_data(self) -> list[dict[str, Any]]:
        """The data parts the person sent with this turn's message (their bubble shows them)."""
        return [item for item in self.attachments if "data" in item]

    @property
    def attached(self) -> list[dict[str, Any]]:
        """The resources attached to the conversation in this turn (from a server)."""
        return [item for item in self.attachments if "data" not in item]

    def step_questions(self, step_id: str) -> list[dict[str, Any]]:
        """The questions asked during one of the assistant's steps (approvals included)."""
        return [q for q in self.questions if q.get("step") == step_id]

    def _user(self, data: dict[str, Any]) -> None:
        self.prompt = data.get("text", "")

    def _resume(self, data: dict[str, Any]) -> None:
        self.resumed_task = data.get("task_id", "")

    def _tool_call(self, data: dict[str, Any]) -> None:
        self.tool = data

    def _answer(self, data: dict[str, Any]) -> None:
        self.answers[data["id"]] = data.get("action", "")

    def _attachment(self, data: dict[str, Any]) -> None:
        self.attachments.append(data)

    def _delta(self, data: dict[str, Any]) -> None:
        if self.items and self.items[-1][0] == "text":
            self.items[-1] = ("text", self.items[-1][1] + data.get("text", ""))
        else:
            self.items.append(("text", data.get("text", "")))

    def _step(self, data: dict[str, Any]) -> None:
        inner = StepView(step=data)
        if data.get("kind") == "mcp":
            inner.tool = {k: data.get(k) for k in ("server", "tool", "arguments")}
        self.steps[data["id"]] = inner
        self.items.append(("step", data["id"]))

    def _turn_end(self, data: dict[str, Any]) -> None:
        self.ended, self.end_reason = True, data.get("reason", "")


TurnView.FOLD = {
    **Reply.FOLD,
    Kind.USER: TurnView._user,
    Kind.RESUME: TurnView._resume,
    Kind.TOOL_CALL: TurnView._tool_call,
    Kind.ANSWER: TurnView._answer,
    Kind.ATTACHMENT: TurnView._attachment,
    Kind.DELTA: TurnView._delta,
    Kind.STEP: TurnView._step,
    Kind.TURN_END: TurnView._turn_end,
}


def data_attachment(data: dict[str, Any]) -> dict[str, Any]:
    """A JSON object the person sends with a message, as an attachment (no server, no URI):
    it goes with that message as an A2A data part."""
    return {"server": "", "uri": "", "media_type": "application/json", "data": data}


def pending_task(views: Iterable[TurnView]) -> str | None:
    """The task waiting for the person's reply (input- or auth-required) after these turns,
    oldest first: the newest turn with a task or a reply decides."""
    for view in reversed(list(views)):
        if view.task_id:
            return view.task_id if view.waiting_for_input else None
        if view.messages:
            return None
    return None


def fold_turns(events: Iterable[Event]) -> list[TurnView]:
    """Every turn of a conversation, in turn order."""
    turns: dict[int, TurnView] = {}
    for event in events:
        view = turns.get(event.turn)
        if view is None:
            view = turns[event.turn] = TurnView(turn=event.turn)
        view.apply_event(event)
    return [turns[number] for number in sorted(turns)]


def turn_numbers(events: Iterable[Event]) -> list[int]:
    """The turns these events are in, in order."""
    return sorted({event.turn for event in events})


def fold_bubbles(events: Iterable[Event], since: int = 0) -> list[TurnView]:
    """The turns from turn `since` on as the chat draws them: a turn that only listens again
    to the task of the turn before it (Resume after Stop) continues that turn, so one answer
    is one bubble whose state is the task's latest."""
    events = [event for event in events if event.turn >= since] if since else list(events)
    views = fold_turns(events)
    head: dict[int, int] = {}  # a continuing turn → the turn it continues
    for before, view in itertools.pairwise(views):
        alone = view.resumed_task and not view.prompt and not view.tool
        if alone and view.resumed_task in (before.task_id, before.resumed_task):
            head[view.turn] = head.get(before.turn, before.turn)
    if not head:
        return views
    joined: dict[int, TurnView] = {}
    for event in events:
        number = head.get(event.turn, event.turn)
        view = joined.setdefault(number, TurnView(turn=number))
        if number != event.turn and event.kind == Kind.RESUME:
            view.continued.append(event.turn)
            view.ended, view.end_reason = False, ""  # it goes on
            view.notices = [n for n in view.notices if n.get("level") != Level.INFO]  # "Stopped…"
        view.apply_event(event)
    return [joined[number] for number in sorted(joined)]
