"""The one fold of a counterpart's updates into where things stand: the task (id, context,
state, status message, artifacts), direct replies, notices, an MCP call's progress, questions
and result. A dispatch by `Kind`; the A2A connection, the assistant's steps and the chat's
turns all fold through it, on the loop and in the script thread alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from switchboard.connections.updates import INTERRUPTED, SETTLED, Ending, Kind, TaskState

# Failures, whose message says why: arriving without one, they keep the last message said
# ("The agent needs more from you." or a working "The index is gone", then a bare failed).
EXPLAINED = frozenset({TaskState.FAILED, TaskState.REJECTED})


@dataclass
class Artifact:
    """An artifact as received so far; chunks with `append` extend it. Consecutive text chunks
    join into one part (so markdown renders whole), in linear time."""

    artifact_id: str
    name: str
    complete: bool = False
    _parts: list[dict[str, Any]] = field(default_factory=list, repr=False)
    _tail: list[str] = field(default_factory=list, repr=False)  # text still to join

    @property
    def parts(self) -> list[dict[str, Any]]:
        """The parts received so far (text chunks joined)."""
        self._join()
        return self._parts

    def add(self, part: dict[str, Any]) -> None:
        """Append a part, joining it to the text before it when both are text."""
        if part.get("type") == "text" and self._tail:
            self._tail.append(part.get("text", ""))
            return
        self._join()
        self._parts.append(dict(part))
        self._tail = [part.get("text", "")] if part.get("type") == "text" else []

    def _join(self) -> None:
        """Make the last text part hold every chunk received for it (once per read)."""
        if len(self._tail) > 1:
            joined = "".join(self._tail)
            self._tail = [joined]
            self._parts[-1] = {**self._parts[-1], "text": joined}

    def text(self) -> str:
        """The artifact's text parts, joined."""
        return "".join(p.get("text", "") for p in self.parts if p.get("type") == "text")


Handler = Callable[[Any, dict[str, Any]], None]


@dataclass
class Reply:
    """What a counterpart did in one exchange, folded from its updates."""

    task_id: str = ""
    context_id: str = ""
    state: str = ""  # a TaskState, or a raw value an agent sent
    status_parts: list[dict[str, Any]] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # (state, its message)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    messages: list[list[dict[str, Any]]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    progress: dict[str, Any] = field(default_factory=dict)
    questions: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)

    # Kind → how it is folded; a subclass that folds more kinds extends it (one dispatch).
    FOLD: ClassVar[dict[Kind, Handler]] = {}

    def apply(self, kind: str, data: dict[str, Any]) -> None:
        """Fold one update (or event) into where things stand; unknown kinds change nothing."""
        handler = self.FOLD.get(kind)  # type: ignore[call-overload]
        if handler is not None:
            handler(self, data)

    @property
    def replied(self) -> bool:
        """A direct reply (a message, the model's text) arrived."""
        return bool(self.messages)

    @property
    def settled(self) -> bool:
        """The task is terminal or waits for the person, or a reply came without a task."""
        return self.state in SETTLED or (self.replied and not self.task_id)

    @property
    def waiting_for_input(self) -> bool:
        """The task waits for the person (input- or auth-required)."""
        return self.state in INTERRUPTED

    def outcome(self) -> str:
        """The task's state, else how an MCP call or a direct reply ended, else "error"."""
        if self.state:
            return self.state
        if self.result:
            return TaskState.FAILED if self.result.get("is_error") else TaskState.COMPLETED
        return Ending.REPLIED if self.replied else Ending.ERROR

    def text(self) -> str:
        """All text of the artifacts and the replies."""
        texts = [artifact.text() for artifact in self.artifacts.values()]
        texts += [text_of(message) for message in self.messages]
        return "".join(texts)

    def _task(self, data: dict[str, Any]) -> None:
        self._status(data, snapshot=True)
        self.artifacts = {}
        for raw in data.get("artifacts", []):
            artifact = Artifact(raw["artifact_id"], raw.get("name", ""), complete=True)
            for part in raw.get("parts", []):
                artifact.add(part)
            self.artifacts[artifact.artifact_id] = artifact

    def _status(self, data: dict[str, Any], snapshot: bool = False) -> None:
        self.task_id = data.get("task_id") or self.task_id
        self.context_id = data.get("context_id") or self.context_id
        state, parts = data.get("state", ""), data.get("message", [])
        if not state:
            return
        if state == self.state and not parts:
            return  # the same state again, saying nothing: what it said before still holds
        if not parts and state in EXPLAINED and self.status_parts:
            parts = self.status_parts  # a failure with no reason: the last one given stands
        grown = self._grown(state, parts, snapshot)
        self.state = state
        self.status_parts = grown or parts
        entry = (state, text_of(self.status_parts))
        if grown:
            self.history[-1] = entry  # the same message, longer
        elif not self.history or self.history[-1] != entry:
            self.history.append(entry)

    def _grown(
        self, state: str, parts: list[dict[str, Any]], snapshot: bool
    ) -> list[dict[str, Any]]:
        """Text streamed as successive status messages of one running state (as ADK agents
        do), as one message: a message that starts with the text so far holds all of it
        (cumulative), any other is the next piece (a delta). A snapshot's message is the
        agent's latest: one the text so far ends with was had already. [] when it is not
        that."""
        old, new = self.status_parts, parts
        if state != self.state or state in SETTLED or not (old and new and self.history):
            return []
        if not all(p.get("type") == "text" for p in (*old, *new)):
            return []
        before, after = text_of(old), text_of(new)
        if not before or after == before:
            return []
        if after.startswith(before):
            return [{**new[0], "text": after}]
        if snapshot:
            return list(old) if before.endswith(after) else []
        return [{**new[0], "text": before + after}]

    def _artifact(self, data: dict[str, Any]) -> None:
        self.task_id = data.get("task_id") or self.task_id
        self.context_id = data.get("context_id") or self.context_id
        artifact_id = data["artifact_id"]
        current = self.artifacts.get(artifact_id)
        if current is None or not data.get("append"):
            current = Artifact(artifact_id, data.get("name", ""))
            self.artifacts[artifact_id] = current
        for part in data.get("parts", []):
            current.add(part)
        current.complete = bool(data.get("last_chunk"))

    def _message(self, data: dict[str, Any]) -> None:
        self.task_id = data.get("task_id") or self.task_id  # a message may belong to a task
        self.context_id = data.get("context_id") or self.context_id
        self.messages.append(list(data.get("parts", [])))

    def _notice(self, data: dict[str, Any]) -> None:
        self.notices.append(data)

    def _progress(self, data: dict[str, Any]) -> None:
        self.progress = data

    def _question(self, data: dict[str, Any]) -> None:
        self.questions.append(data)

    def _tool_result(self, data: dict[str, Any]) -> None:
        self.result = data


Reply.FOLD = {
    Kind.TASK: Reply._task,
    Kind.STATUS: Reply._status,
    Kind.ARTIFACT: Reply._artifact,
    Kind.MESSAGE: Reply._message,
    Kind.NOTICE: Reply._notice,
    Kind.PROGRESS: Reply._progress,
    Kind.QUESTION: Reply._question,
    Kind.TOOL_RESULT: Reply._tool_result,
}


def text_of(parts: list[dict[str, Any]]) -> str:
    """The text of a list of parts, joined without separators."""
    return "".join(p.get("text", "") for p in parts if p.get("type") == "text")
