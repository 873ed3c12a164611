"""The conversation event: one entry of a conversation's append-only log."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from switchboard.connections.updates import (
    INTERRUPTED,
    SETTLED,
    TERMINAL,
    Action,
    Ending,
    Kind,
    Level,
    QuestionKind,
    StepKind,
    StepStatus,
    TaskState,
)

# The vocabulary of events, for whoever reads them (the pages among them).
__all__ = [
    "INTERRUPTED",
    "SETTLED",
    "TERMINAL",
    "Action",
    "Ending",
    "Event",
    "Kind",
    "Level",
    "QuestionKind",
    "StepKind",
    "StepStatus",
    "TaskState",
]


@dataclass(frozen=True)
class Event:
    """Something that happened in one turn of a conversation, as JSON-compatible data.
    Events inside one of the assistant's steps carry the step's id in `data["step"]`."""

    turn: int
    kind: Kind
    data: dict[str, Any] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict (for exports and stores)."""
        return {"turn": self.turn, "kind": self.kind, "data": self.data, "ts": self.ts}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        """The inverse of `to_dict` (ValueError for a kind this version does not know)."""
        return cls(int(raw["turn"]), Kind(raw["kind"]), dict(raw.get("data", {})), float(raw["ts"]))

    def ends(self, turn: int) -> bool:
        """True when this event closes turn `turn`."""
        return self.kind == Kind.TURN_END and self.turn == turn
