"""Folding a conversation's events into turns: what one bubble shows. Pure and replayable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from switchboard.chat.events import Event
from switchboard.connections.updates import INTERRUPTED, SETTLED


@dataclass
class Artifact:
    """An artifact as received so far: chunks with `append` extend it in place."""

    artifact_id: str
    name: str
    parts: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False


@dataclass
class TurnView:
    """One turn: the prompt, then everything the counterpart did, reduced to current state."""

    turn: int
    prompt: str = ""
    resumed_task: str = ""
    task_id: str = ""
    context_id: str = ""
    state: str = ""
    status_parts: list[dict[str, Any]] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    messages: list[list[dict[str, Any]]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    tool: dict[str, Any] = field(default_factory=dict)
    progress: dict[str, Any] = field(default_factory=dict)
    questions: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # The assistant's turn, in order: ("text", what the model wrote) and ("step", step id).
    items: list[tuple[str, str]] = field(default_factory=list)
    steps: dict[str, TurnView] = field(default_factory=dict)
    step: dict[str, Any] = field(default_factory=dict)  # in a step's view: the call
    step_end: dict[str, Any] = field(default_factory=dict)  # in a step's view: its outcome
    ended: bool = False
    end_reason: str = ""

    @property
    def settled(self) -> bool:
        """The task is terminal or waits for the person (or a direct reply arrived)."""
        return self.state in SETTLED or (bool(self.messages) and not self.task_id)

    @property
    def waiting_for_input(self) -> bool:
        return self.state in INTERRUPTED

    @property
    def open_questions(self) -> list[dict[str, Any]]:
        """The server's questions this turn still waits on (while it runs)."""
        if self.ended:
            return []
        return [q for q in self.questions if q["id"] not in self.answers]

    def text(self) -> str:
        """All text the counterpart produced in this turn (artifacts, messages, the model's)."""
        parts = [p for a in self.artifacts.values() for p in a.parts]
        parts += [p for message in self.messages for p in message]
        texts = [p.get("text", "") for p in parts if p.get("type") == "text"]
        return "".join(texts + [value for kind, value in self.items if kind == "text"])

    def step_questions(self, step_id: str) -> list[dict[str, Any]]:
        """The questions asked during one of the assistant's steps (approvals included)."""
        return [q for q in self.questions if q.get("step") == step_id]

    def apply(self, event: Event) -> None:
        """Fold one event into the view."""
        data = event.data
        step_id = data.get("step")
        if step_id and not self.step and event.kind not in ("step", "question", "answer"):
            inner = self.steps.get(step_id)
            if inner is not None:
                inner.apply(event)
            return
        if event.kind == "delta":
            if self.items and self.items[-1][0] == "text":
                self.items[-1] = ("text", self.items[-1][1] + data.get("text", ""))
            else:
                self.items.append(("text", data.get("text", "")))
        elif event.kind == "step":
            inner = TurnView(self.turn, step=data)
            if data.get("kind") == "mcp":
                inner.tool = {k: data.get(k) for k in ("server", "tool", "arguments")}
            self.steps[data["id"]] = inner
            self.items.append(("step", data["id"]))
        elif event.kind == "step_end":
            self.step_end = data
        elif event.kind == "user":
            self.prompt = data.get("text", "")
        elif event.kind == "resume":
            self.resumed_task = data.get("task_id", "")
        elif event.kind == "task":
            self._see_task(data)
            self.artifacts = {}
            for raw in data.get("artifacts", []):
                artifact = Artifact(raw["artifact_id"], raw.get("name", ""), complete=True)
                for part in raw.get("parts", []):
                    append_part(artifact.parts, part)
                self.artifacts[artifact.artifact_id] = artifact
        elif event.kind == "status":
            self._see_task(data)
        elif event.kind == "artifact":
            self._see_chunk(data)
        elif event.kind == "message":
            self.context_id = data.get("context_id") or self.context_id
            self.messages.append(list(data.get("parts", [])))
        elif event.kind == "notice":
            self.notices.append(data)
        elif event.kind == "tool_call":
            self.tool = data
        elif event.kind == "progress":
            self.progress = data
        elif event.kind == "question":
            self.questions.append(data)
        elif event.kind == "answer":
            self.answers[data["id"]] = data.get("action", "")
        elif event.kind == "tool_result":
            self.result = data
        elif event.kind == "attachment":
            self.attachments.append(data)
        elif event.kind == "turn_end":
            self.ended, self.end_reason = True, data.get("reason", "")

    def _see_task(self, data: dict[str, Any]) -> None:
        self.task_id = data.get("task_id") or self.task_id
        self.context_id = data.get("context_id") or self.context_id
        state, parts = data.get("state", ""), data.get("message", [])
        if state:
            self.state = state
            self.status_parts = parts
            text = "".join(p.get("text", "") for p in parts if p.get("type") == "text")
            if not self.history or self.history[-1] != (state, text):
                self.history.append((state, text))

    def _see_chunk(self, data: dict[str, Any]) -> None:
        self.task_id = data.get("task_id") or self.task_id
        artifact_id = data["artifact_id"]
        current = self.artifacts.get(artifact_id)
        if current is None or not data.get("append"):
            current = Artifact(artifact_id, data.get("name", ""))
            self.artifacts[artifact_id] = current
        for part in data.get("parts", []):
            append_part(current.parts, part)
        current.complete = bool(data.get("last_chunk"))


def pending_task(views: list[TurnView]) -> str | None:
    """The task waiting for the person's reply (input- or auth-required) after these turns."""
    for view in reversed(views):
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
            view = turns[event.turn] = TurnView(event.turn)
        view.apply(event)
    return [turns[number] for number in sorted(turns)]


def append_part(parts: list[dict[str, Any]], part: dict[str, Any]) -> None:
    """Append a part; consecutive text chunks join into one so markdown renders whole."""
    if parts and part.get("type") == "text" and parts[-1].get("type") == "text":
        parts[-1] = {**parts[-1], "text": parts[-1].get("text", "") + part.get("text", "")}
    else:
        parts.append(dict(part))
