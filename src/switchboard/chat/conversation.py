"""A conversation: its counterpart and its event log; everything else is derived from the log."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from switchboard.chat.events import Event
from switchboard.chat.turns import TurnView, fold_turns, pending_task
from switchboard.runtime import EventLog


@dataclass
class Conversation:
    """One conversation with one counterpart. Its log is the single source of truth."""

    id: str
    counterpart: str
    title: str = ""
    created: float = field(default_factory=time.time)
    log: EventLog[Event] = field(default_factory=EventLog, repr=False)

    def record(self, turn: int, kind: str, data: dict[str, Any] | None = None) -> Event:
        """Append an event to the log (from any thread) and return it."""
        event = Event(turn, kind, dict(data or {}))
        self.log.append(event)
        return event

    def events(self) -> list[Event]:
        return self.log.snapshot()

    def turns(self) -> list[TurnView]:
        return fold_turns(self.log.snapshot())

    def next_turn(self) -> int:
        events = self.log.snapshot()
        return max((e.turn for e in events), default=0) + 1

    def context_id(self) -> str | None:
        """The A2A contextId the counterpart gave this conversation, once it has one."""
        for event in reversed(self.log.snapshot()):
            if event.data.get("context_id"):
                return str(event.data["context_id"])
        return None

    def pending_task(self) -> str | None:
        """The task waiting for the person's reply (input- or auth-required), if any."""
        return pending_task(self.turns())

    def pending_attachments(self) -> list[dict[str, Any]]:
        """Resources attached since the person's previous message: they go with the next one."""
        events = self.log.snapshot()
        prompts = [i for i, e in enumerate(events) if e.kind == "user"]
        start = prompts[-2] + 1 if len(prompts) >= 2 else 0
        end = prompts[-1] if prompts else len(events)
        return [e.data for e in events[start:end] if e.kind == "attachment"]

    def last_task(self) -> str | None:
        """The most recent task of this conversation (for Cancel task and Resume)."""
        for view in reversed(self.turns()):
            if view.task_id:
                return view.task_id
        return None


class ConversationStore:
    """Conversations of this process, in memory. The persistence issue puts a durable store
    behind the same methods."""

    def __init__(self) -> None:
        self._conversations: dict[str, Conversation] = {}
        self._lock = threading.Lock()

    def create(self, counterpart: str, title: str = "") -> Conversation:
        conversation = Conversation(id=uuid.uuid4().hex[:12], counterpart=counterpart, title=title)
        with self._lock:
            self._conversations[conversation.id] = conversation
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        with self._lock:
            return self._conversations.get(conversation_id)

    def list(self) -> list[Conversation]:
        """Newest first."""
        with self._lock:
            conversations = list(self._conversations.values())
        return sorted(conversations, key=lambda c: c.created, reverse=True)

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._conversations.pop(conversation_id, None)
