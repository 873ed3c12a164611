"""A conversation: its counterpart and its event log; everything else is derived from the log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from switchboard.chat.events import Event
from switchboard.chat.turns import TurnView, fold_turns, pending_task
from switchboard.connections.updates import Kind
from switchboard.runtime import EventLog

LOCAL_OWNER = "local"  # whose conversations they are when nobody signs in
IMPORT_TURN = 0  # the turn of an import's notice, before the copy's own turns
IMPORTED = "imported"  # that notice's flag

# Where a recorded event goes besides the log (the store's writer): (sequence number, event).
Sink = Callable[[str, int, Event], None]


@dataclass(frozen=True)
class Summary:
    """What the conversation list shows of a conversation, read without its events (so a
    list of thousands costs a few rows, not every log)."""

    id: str
    counterpart: str
    title: str
    created: float
    owner: str = LOCAL_OWNER
    last_prompt: str = ""  # what the person said last
    imported: bool = False  # an imported copy


@dataclass(eq=False)
class Conversation:
    """One conversation with one counterpart. Its log is the single source of truth. Each
    event is folded as it is recorded into the turn it belongs to (the same fold the pages
    use), so the facts a turn needs (context, pending task, outcome) never re-read history."""

    id: str
    counterpart: str
    title: str = ""
    created: float = field(default_factory=time.time)
    log: EventLog[Event] = field(default_factory=EventLog, repr=False)
    owner: str = LOCAL_OWNER  # whose conversation it is (the store says)
    _views: dict[int, TurnView] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _sink: Sink | None = field(default=None, init=False, repr=False)
    _seq: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        events = self.log.snapshot()
        for event in events:
            self._fold(event)
        self._seq = len(events)

    def record(self, turn: int, kind: Kind, data: dict[str, Any] | None = None) -> Event:
        """Append an event to the log (from any thread), hand it to the sink, return it."""
        event = Event(turn, kind if isinstance(kind, Kind) else Kind(kind), dict(data or {}))
        with self._lock:  # the log's order and the sink's order are the same
            self._append(event)
        return event

    def adopt(self, rows: Iterable[tuple[int, Event]]) -> None:
        """Take events another replica recorded (by sequence number), not handing them on;
        rows below our own count are ours, recorded meanwhile."""
        with self._lock:
            for seq, event in rows:
                if seq == self._seq:
                    self._fold(event)
                    self.log.append(event)
                    self._seq += 1

    def attach(self, sink: Sink | None, seq: int | None = None) -> None:
        """From now on hand every recorded event to `sink` (None: to no one); `seq` is the
        sequence number the next event takes, when the store knows better than the log."""
        with self._lock:
            self._sink = sink
            if seq is not None:
                self._seq = seq

    @property
    def seq(self) -> int:
        """How many events the log holds as far as the store is concerned."""
        return self._seq

    def events(self) -> list[Event]:
        return self.log.snapshot()

    def turns(self) -> list[TurnView]:
        """Every turn, freshly folded from the log (for readers on any thread)."""
        return fold_turns(self.log.snapshot())

    def next_turn(self) -> int:
        with self._lock:
            return max(self._views, default=0) + 1

    def context_id(self) -> str | None:
        """The A2A contextId the counterpart gave this conversation, once it has one."""
        with self._lock:
            for view in reversed(self._views.values()):
                if view.context_id:
                    return view.context_id
        return None

    def outcome(self, turn: int) -> str:
        """How turn `turn` stands: its task state, a tool call's or reply's end, or "error"."""
        with self._lock:
            view = self._views.get(turn)
            return view.outcome() if view else "error"

    def task_of(self, turn: int) -> str:
        """The task turn `turn` is in: the one it listens to again, or the one the counterpart
        named ("" before it did)."""
        with self._lock:
            view = self._views.get(turn)
            return (view.task_id or view.resumed_task) if view else ""

    def pending_task(self) -> str | None:
        """The task waiting for the person's reply (input- or auth-required), if any."""
        with self._lock:
            return pending_task(self._views[n] for n in sorted(self._views))

    def last_task(self) -> str | None:
        """The most recent task of this conversation (for Cancel task and Resume)."""
        with self._lock:
            for number in sorted(self._views, reverse=True):
                if self._views[number].task_id:
                    return self._views[number].task_id
        return None

    @property
    def last_prompt(self) -> str:
        """What the person said last ("" before they said anything), from the folded turns."""
        with self._lock:
            newest = max(self._views, default=None)
            return self._views[newest].prompt if newest is not None else ""

    @property
    def imported(self) -> bool:
        """Whether it is an imported copy (its log opens with the import's notice)."""
        with self._lock:
            first = self._views.get(IMPORT_TURN)
            return first is not None and any(n.get(IMPORTED) for n in first.notices)

    def summary(self) -> Summary:
        """The conversation as the list shows it."""
        return Summary(
            self.id,
            self.counterpart,
            self.title,
            self.created,
            self.owner,
            self.last_prompt,
            self.imported,
        )

    def holds_task(self, task_id: str) -> bool:
        """Whether any turn of this conversation was in task `task_id`."""
        with self._lock:
            return any(task_id in (v.task_id, v.resumed_task) for v in self._views.values())

    def open_turns(self) -> list[tuple[int, str]]:
        """(turn, task id or "") of every turn that has not ended: after a restart, the turns
        the app was in the middle of."""
        with self._lock:
            return [(n, v.task_id) for n, v in sorted(self._views.items()) if not v.ended]

    def pending_attachments(self) -> list[dict[str, Any]]:
        """Resources attached since the person's previous message: they go with the next one."""
        events = self.log.snapshot()
        prompts = [i for i, e in enumerate(events) if e.kind == Kind.USER]
        start = prompts[-2] + 1 if len(prompts) >= 2 else 0
        end = prompts[-1] if prompts else len(events)
        return [e.data for e in events[start:end] if e.kind == Kind.ATTACHMENT]

    def _append(self, event: Event) -> None:
        self._fold(event)
        self.log.append(event)
        if self._sink is not None:
            self._sink(self.id, self._seq, event)
        self._seq += 1

    def _fold(self, event: Event) -> None:
        view = self._views.get(event.turn)
        if view is None:
            view = self._views[event.turn] = TurnView(turn=event.turn)
        view.apply_event(event)


def matches(conversation: Conversation, search: str) -> bool:
    """True when the title or one of the person's prompts contains `search` (any case)."""
    prompts = (e.data.get("text", "") for e in conversation.events() if e.kind == Kind.USER)
    return said_in(search, conversation.title, prompts)


def said_in(search: str, title: str, prompts: Iterable[Any]) -> bool:
    """True when `title` or one of `prompts` contains `search`, in any case (the one rule of
    the conversation search, for logs in memory and rows in a database alike)."""
    needle = search.casefold()
    texts = (title, *(p for p in prompts if isinstance(p, str)))
    return any(needle in text.casefold() for text in texts)
