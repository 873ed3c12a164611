"""The raw wire log of one connection: requests, responses, stream events; secrets redacted.

Entries keep their payload and are formatted (and redacted) when first read: logging every
stream event must cost next to nothing on the loop, and most entries are never opened.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from switchboard.connections.redaction import Redactor
from switchboard.runtime import EventLog

MAX_BODY = 20_000


@dataclass(frozen=True)
class WireEntry:
    """One line of the wire log. `direction` is one of: request, response, event, error, info."""

    ts: float
    direction: str
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
    """Append-only wire log of one connection, bounded in length."""

    def __init__(self, redactor: Redactor | None = None, limit: int = 5000) -> None:
        self.redactor = redactor or Redactor()
        self.entries: EventLog[WireEntry] = EventLog()
        self._limit = limit

    def record(self, direction: str, title: str, payload: Any = "") -> None:
        """Add an entry; `payload` may be text, a JSON-like structure or a protobuf message
        (not mutated afterwards)."""
        if len(self.entries) >= self._limit:
            return
        entry = WireEntry(time.time(), direction, self.redactor.text(title), payload, self.redactor)
        self.entries.append(entry)

    def record_headers(
        self, direction: str, title: str, headers: dict[str, str], body: str
    ) -> None:
        """Add a request or response entry with its (redacted) headers above the body."""
        lines = [f"{name}: {value}" for name, value in self.redactor.headers(headers).items()]
        self.record(direction, title, "\n".join(lines) + ("\n\n" + body if body else ""))
