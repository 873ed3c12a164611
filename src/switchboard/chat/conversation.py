"""A conversation: its counterpart and its event log; everything else is derived from the log."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from switchboard.chat.events import KINDS, Event
from switchboard.chat.turns import TurnView, fold_turns
from switchboard.connections.updates import INTERRUPTED
from switchboard.runtime import EventLog


@dataclass
class TurnFacts:
    """What the loop needs to know of a turn, kept up to date as events are recorded."""

    task_id: str = ""
    state: str = ""
    replied: bool = False
    result_error: bool | None = None
    ended: bool = False

    def outcome(self) -> str:
        """The task's state, else how a tool call or direct reply ended, else "error"."""
        if self.state:
            return self.state
        if self.result_error is not None:
            return "failed" if self.result_error else "completed"
        return "replied" if self.replied else "error"


@dataclass
class Conversation:
    """One conversation with one counterpart. Its log is the single source of truth; the few
    facts the loop asks for on every turn are kept up to date as events are recorded, so a turn
    never re-reads the whole history."""

    id: str
    counterpart: str
    title: str = ""
    created: float = field(default_factory=time.time)
    log: EventLog[Event] = field(default_factory=EventLog, repr=False)
    _facts: dict[int, TurnFacts] = field(default_factory=dict, init=False, repr=False)
    _context_id: str | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        for event in self.log.snapshot():
            self._note(event)

    def record(self, turn: int, kind: str, data: dict[str, Any] | None = None) -> Event:
        """Append an event to the log (from any thread) and return it."""
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        event = Event(turn, kind, dict(data or {}))
        with self._lock:
            self._note(event)
        self.log.append(event)
        return event

    def events(self) -> list[Event]:
        return self.log.snapshot()

    def turns(self) -> list[TurnView]:
        return fold_turns(self.log.snapshot())

    def next_turn(self) -> int:
        with self._lock:
            return max(self._facts, default=0) + 1

    def context_id(self) -> str | None:
        """The A2A contextId the counterpart gave this conversation, once it has one."""
        return self._context_id

    def outcome(self, turn: int) -> str:
        """How turn `turn` stands: its task state, a tool call's or reply's end, or "error"."""
        with self._lock:
            facts = self._facts.get(turn)
        return facts.outcome() if facts else "error"

    def pending_task(self) -> str | None:
        """The task waiting for the person's reply (input- or auth-required), if any."""
        with self._lock:
            for number in sorted(self._facts, reverse=True):
                facts = self._facts[number]
                if facts.task_id:
                    return facts.task_id if facts.state in INTERRUPTED else None
                if facts.replied:
                    return None
        return None

    def last_task(self) -> str | None:
        """The most recent task of this conversation (for Cancel task and Resume)."""
        with self._lock:
            for number in sorted(self._facts, reverse=True):
                if self._facts[number].task_id:
                    return self._facts[number].task_id
        return None

    def open_turns(self) -> list[tuple[int, str]]:
        """(turn, task id or "") of every turn that has not ended: after a restart, the turns
        the app was in the middle of."""
        with self._lock:
            return [(n, f.task_id) for n, f in sorted(self._facts.items()) if not f.ended]

    def pending_attachments(self) -> list[dict[str, Any]]:
        """Resources attached since the person's previous message: they go with the next one."""
        events = self.log.snapshot()
        prompts = [i for i, e in enumerate(events) if e.kind == "user"]
        start = prompts[-2] + 1 if len(prompts) >= 2 else 0
        end = prompts[-1] if prompts else len(events)
        return [e.data for e in events[start:end] if e.kind == "attachment"]

    def _note(self, event: Event) -> None:
        facts = self._facts.setdefault(event.turn, TurnFacts())
        data = event.data
        if event.kind == "turn_end":
            facts.ended = True
        if "step" in data or event.kind in ("step", "step_end"):
            return  # the assistant's calls have their own tasks and contexts, not the turn's
        if event.kind == "delta":
            facts.replied = True
        if data.get("context_id"):
            self._context_id = str(data["context_id"])
        if event.kind in ("task", "status", "artifact") and data.get("task_id"):
            facts.task_id = data["task_id"]
        if event.kind in ("task", "status") and data.get("state"):
            facts.state = data["state"]
        elif event.kind == "message":
            facts.replied = True
        elif event.kind == "tool_result":
            facts.result_error = bool(data.get("is_error"))


class ConversationStore:
    """Conversations of this process, in memory. The durable store has the same methods."""

    shared = False  # no other process sees these conversations

    def __init__(self) -> None:
        self._conversations: dict[str, tuple[str, Conversation]] = {}
        self._lock = threading.Lock()

    def create(self, counterpart: str, title: str = "", owner: str = "local") -> Conversation:
        conversation = Conversation(id=uuid.uuid4().hex[:12], counterpart=counterpart, title=title)
        with self._lock:
            self._conversations[conversation.id] = (owner, conversation)
        return conversation

    def get(self, conversation_id: str, owner: str | None = "local") -> Conversation | None:
        """The conversation, or None (unknown, or someone else's; `owner` None: anyone's)."""
        with self._lock:
            found = self._conversations.get(conversation_id)
        return found[1] if found and owner in (None, found[0]) else None

    def list(self, owner: str = "local", search: str = "") -> list[Conversation]:
        """Newest first; `search` matches titles and the person's prompts, in any case."""
        with self._lock:
            mine = [c for who, c in self._conversations.values() if who == owner]
        if search:
            mine = [c for c in mine if matches(c, search)]
        return sorted(mine, key=lambda c: c.created, reverse=True)

    def add(
        self, counterpart: str, title: str, events: list[Event], owner: str = "local"
    ) -> Conversation:
        """A new conversation holding `events` (an import), under a new id."""
        conversation = Conversation(
            id=uuid.uuid4().hex[:12],
            counterpart=counterpart,
            title=title,
            created=events[0].ts if events else time.time(),
            log=EventLog(events),
        )
        with self._lock:
            self._conversations[conversation.id] = (owner, conversation)
        return conversation

    def rename(self, conversation_id: str, title: str) -> None:
        with self._lock:
            found = self._conversations.get(conversation_id)
        if found is not None:
            found[1].title = title.strip() or found[1].title

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._conversations.pop(conversation_id, None)

    def unfinished(self) -> list[Conversation]:
        """Conversations with a turn that has not ended."""
        with self._lock:
            everything = [c for _, c in self._conversations.values()]
        return [c for c in everything if c.open_turns()]

    def claim(self, conversation_id: str) -> bool:
        """Always granted: no other process shares these conversations."""
        return True

    def release(self, conversation_id: str) -> None:
        """Nothing to give back."""

    def flush(self, timeout: float = 10.0) -> bool:
        """Nothing to write: everything is in memory."""
        return True

    def health(self) -> str | None:
        """Always healthy (and always forgetful: nothing survives a restart)."""
        return None

    def close(self, timeout: float = 10.0) -> None:
        """Nothing to release."""


def matches(conversation: Conversation, search: str) -> bool:
    """True when the title or one of the person's prompts contains `search` (any case)."""
    needle = search.casefold()
    prompts = (e.data.get("text", "") for e in conversation.events() if e.kind == "user")
    return any(needle in text.casefold() for text in (conversation.title, *prompts))
