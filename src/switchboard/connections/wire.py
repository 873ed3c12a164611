"""The raw wire log of one connection: requests, responses, stream events; secrets redacted."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from switchboard.connections.redaction import Redactor
from switchboard.runtime import EventLog

MAX_BODY = 20_000


@dataclass(frozen=True)
class WireEntry:
    """One line of the wire log. `direction` is one of: request, response, event, error, info."""

    ts: float
    direction: str
    title: str
    body: str = ""


class WireLog:
    """Append-only wire log; every entry passes through the connection's redactor first."""

    def __init__(self, redactor: Redactor | None = None, limit: int = 5000) -> None:
        self.redactor = redactor or Redactor()
        self.entries: EventLog[WireEntry] = EventLog()
        self._limit = limit

    def record(self, direction: str, title: str, body: Any = "") -> None:
        """Add an entry; dict/list bodies are shown as indented JSON, long bodies are cut."""
        if len(self.entries) >= self._limit:
            return
        text = body if isinstance(body, str) else json.dumps(body, indent=2, default=str)
        if len(text) > MAX_BODY:
            text = text[:MAX_BODY] + f"\n… ({len(text) - MAX_BODY} more characters)"
        self.entries.append(
            WireEntry(time.time(), direction, self.redactor.text(title), self.redactor.text(text))
        )

    def record_headers(
        self, direction: str, title: str, headers: dict[str, str], body: str
    ) -> None:
        """Add a request or response entry with its (redacted) headers above the body."""
        lines = [f"{name}: {value}" for name, value in self.redactor.headers(headers).items()]
        self.record(direction, title, "\n".join(lines) + ("\n\n" + body if body else ""))
