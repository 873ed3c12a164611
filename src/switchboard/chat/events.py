"""The conversation event: one entry of a conversation's append-only log."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

# user: the person's prompt; resume: listening again to a task; task/status/artifact/message/
# notice: what the counterpart did (see connections.updates); tool_call/progress/question/
# answer/tool_result: an MCP tool call and what happened in it; attachment: a resource attached
# as context for the next message; delta: text the assistant's model streamed; step: a tool or
# agent call the model made (events of that call carry its id in `data["step"]`); step_end: what
# the call gave back to the model; turn_end: the turn is over.
KINDS = (
    "user",
    "resume",
    "task",
    "status",
    "artifact",
    "message",
    "notice",
    "tool_call",
    "progress",
    "question",
    "answer",
    "tool_result",
    "attachment",
    "delta",
    "step",
    "step_end",
    "turn_end",
)


@dataclass(frozen=True)
class Event:
    """Something that happened in one turn of a conversation, as JSON-compatible data."""

    turn: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict (for exports and stores)."""
        return {"turn": self.turn, "kind": self.kind, "data": self.data, "ts": self.ts}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        """The inverse of `to_dict`."""
        return cls(int(raw["turn"]), str(raw["kind"]), dict(raw.get("data", {})), float(raw["ts"]))

    def ends(self, turn: int) -> bool:
        """True when this event closes turn `turn`."""
        return self.kind == "turn_end" and self.turn == turn
