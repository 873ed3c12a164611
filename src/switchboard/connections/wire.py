"""The raw wire log of one connection: requests, responses, stream events; secrets redacted.

Entries keep their payload and are formatted (and redacted) when first read: logging every
stream event must cost next to nothing on the loop, and most entries are never opened.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from switchboard.connections.redaction import Redactor

MAX_BODY = 20_000  # characters of an entry's body shown
MAX_KEPT = 64_000  # characters (or bytes of a message) an entry keeps at all
SEVERAL = "\x00several"  # an entry that may belong to any of several people: shown to no one

# Whose traffic the current task makes: the owner of the conversation a turn belongs to, or
# of the page that asked; None for a connection's own traffic (connecting, listing).
ORIGIN: ContextVar[str | None] = ContextVar("switchboard_wire_origin", default=None)


@contextlib.contextmanager
def on_behalf_of(user: str | None) -> Iterator[None]:
    """What the current task sends and receives while inside belongs to `user`."""
    token = ORIGIN.set(user)
    try:
        yield
    finally:
        ORIGIN.reset(token)


class Direction(StrEnum):
    """What a wire entry is."""

    REQUEST = "request"  # sent to the counterpart
    RESPONSE = "response"  # received from it
    EVENT = "event"  # one event of a stream, or a task snapshot
    ERROR = "error"
    WARNING = "warning"  # the counterpart was off the spec; what it sent was read anyway
    INFO = "info"  # something the connection did (connected, chose an endpoint…)


class Role(StrEnum):
    """What part an entry plays in an exchange: the inspector pairs a call with its answer
    (and a stream's events) by the entries' shared key."""

    CALL = "call"  # a request that expects an answer (ours, or the counterpart's)
    ANSWER = "answer"  # the answer to a call
    NOTIFICATION = "notification"  # a one-way message


# The exchange the current task's A2A stream belongs to: set when its response starts, so each
# event read from it is filed under that exchange.
STREAM: ContextVar[str | None] = ContextVar("switchboard_wire_stream", default=None)


@dataclass(frozen=True)
class WireEntry:
    """One line of the wire log."""

    ts: float
    direction: Direction
    title: str
    payload: Any = field(default="", repr=False)
    redactor: Redactor = field(default_factory=Redactor, repr=False, compare=False)
    owner: str | None = None  # whose conversation or page it was for; None: the connection's
    key: str | None = None  # the exchange it belongs to (a call, its answer, a stream's events)
    role: Role | None = None
    method: str = ""  # what was asked: a JSON-RPC method, or an HTTP method and path
    status: str = ""  # an answer's outcome: an HTTP status, "ok", "error -32602"…
    checked: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)  # memo

    def seen_by(self, user: str) -> bool:
        """Whether `user` may read it: the connection's own traffic, or their own."""
        return self.owner is None or self.owner == user

    @cached_property
    def body(self) -> str:
        """The payload as text (indented JSON for structures), cut if long, secrets masked."""
        payload = self.payload
        if isinstance(payload, Message):  # protobuf (A2A)
            payload = MessageToDict(payload)
        elif hasattr(payload, "model_dump"):  # pydantic (MCP)
            payload = payload.model_dump(mode="json", by_alias=True, exclude_none=True)
        text = payload if isinstance(payload, str) else json.dumps(payload, indent=2, default=str)
        if len(text) > MAX_BODY:
            text = text[:MAX_BODY] + f"\n… ({len(text) - MAX_BODY} more characters)"
        return self.redactor.text(text)


class WireLog:
    """The wire log of one connection: its newest `limit` entries."""

    def __init__(self, redactor: Redactor | None = None, limit: int = 5000) -> None:
        self.redactor = redactor or Redactor()
        self.entries = RecentEntries(limit)
        self.protocol = ""  # the MCP protocol version in use, to check messages against
        self._keys = itertools.count(1)

    def new_key(self, prefix: str) -> str:
        """A key no other exchange of this log has."""
        return f"{prefix}{next(self._keys)}"

    def record(
        self,
        direction: Direction,
        title: str,
        payload: Any = "",
        owner: str | None = None,
        **exchange: Any,
    ) -> None:
        """Add an entry; `payload` may be text, a JSON-like structure, or a protobuf or pydantic
        message (not mutated afterwards). A huge payload is kept as an excerpt, so the log's
        memory stays bounded whatever a counterpart sends. It belongs to `owner`, else to
        whoever the current task works for (ORIGIN). `exchange` holds the entry's key, role,
        method and status (WireEntry's fields of those names)."""
        payload, title = excerpt(payload), self.redactor.text(title)
        owner = owner or ORIGIN.get()
        entry = WireEntry(time.time(), direction, title, payload, self.redactor, owner, **exchange)
        self.entries.append(entry)

    def seen_by(self, user: str) -> list[WireEntry]:
        """The entries `user` may read, oldest first."""
        return [entry for entry in self.entries.snapshot() if entry.seen_by(user)]

    def record_headers(
        self, direction: Direction, title: str, headers: dict[str, str], body: str, **exchange: Any
    ) -> None:
        """Add a request or response entry with its (redacted) headers above the body."""
        lines = [f"{name}: {value}" for name, value in self.redactor.headers(headers).items()]
        text = "\n".join(lines) + ("\n\n" + body if body else "")
        self.record(direction, title, text, **exchange)


def excerpt(payload: Any) -> Any:
    """The payload, or what is kept of one that is too big: the start of a long text, a line
    saying how big a large message was."""
    if isinstance(payload, str) and len(payload) > MAX_KEPT:
        return payload[:MAX_KEPT] + f"\n… ({len(payload) - MAX_KEPT:,} more characters not kept)"
    if isinstance(payload, Message):
        size = payload.ByteSize()
        if size > MAX_KEPT:
            kind = type(payload).__name__
            return f"(a {kind} of {size:,} bytes: too large to keep here; see the conversation)"
    return payload


class RecentEntries:
    """The newest entries, oldest first; appended on the loop, read from anywhere."""

    def __init__(self, limit: int) -> None:
        self._entries: deque[WireEntry] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def append(self, entry: WireEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def snapshot(self) -> list[WireEntry]:
        with self._lock:
            return list(self._entries)
