"""The raw wire log of one connection: requests, responses, stream events; secrets redacted.

Entries keep their payload and are formatted (and redacted) when first read: logging every
stream event must cost next to nothing on the loop, and most entries are never opened.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from switchboard.connections.redaction import Redactor

MAX_BODY = 20_000  # characters of an entry's body shown
MAX_KEPT = 64_000  # characters (or bytes of a message) an entry keeps at all


class Direction(StrEnum):
    """What a wire entry is."""

    REQUEST = "request"  # sent to the counterpart
    RESPONSE = "response"  # received from it
    EVENT = "event"  # one event of a stream, or a task snapshot
    ERROR = "error"
    INFO = "info"  # something the connection did (connected, chose an endpoint…)


@dataclass(frozen=True)
class WireEntry:
    """One line of the wire log."""

    ts: float
    direction: Direction
    title: str
    payload: Any = field(default="", repr=False)
    redactor: Redactor = field(default_factory=Redactor, repr=False, compare=False)

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

    def record(self, direction: Direction, title: str, payload: Any = "") -> None:
        """Add an entry; `payload` may be text, a JSON-like structure, or a protobuf or pydantic
        message (not mutated afterwards). A huge payload is kept as an excerpt, so the log's
        memory stays bounded whatever a counterpart sends."""
        payload = excerpt(payload)
        entry = WireEntry(time.time(), direction, self.redactor.text(title), payload, self.redactor)
        self.entries.append(entry)

    def record_headers(
        self, direction: Direction, title: str, headers: dict[str, str], body: str
    ) -> None:
        """Add a request or response entry with its (redacted) headers above the body."""
        lines = [f"{name}: {value}" for name, value in self.redactor.headers(headers).items()]
        self.record(direction, title, "\n".join(lines) + ("\n\n" + body if body else ""))


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
