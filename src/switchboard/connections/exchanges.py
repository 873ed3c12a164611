"""The wire log read as exchanges: a call paired with its answer (and a stream's events), each
notification and note in a row of its own — the inspector's rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from switchboard.connections.wire import Direction, Role, WireEntry

FAILED_STATUS = ("4", "5", "error", "tool error")  # how a failed answer's status begins


class Row(StrEnum):
    """What one inspector row is."""

    CALL = "call"  # our request and its answer
    SERVER_REQUEST = "server request"  # the counterpart asks us (MCP sampling, elicitation…)
    NOTIFICATION = "notification"  # a one-way message, either way
    EVENT = "event"  # an event or snapshot outside any exchange
    NOTE = "note"  # what the connection did or noticed (info, warning, error)


@dataclass
class Exchange:
    """One inspector row: its first entry, the answer if it came, and the events under it."""

    first: WireEntry
    source: str = ""  # the connection's label
    protocol: str = ""  # the MCP protocol version its messages are checked against
    endpoint: str = ""  # where an MCP server over HTTP is (secrets masked), for curl
    answer: WireEntry | None = None
    events: list[WireEntry] = field(default_factory=list)

    @property
    def row(self) -> Row:
        entry = self.first
        if entry.role is Role.CALL:
            return Row.CALL if entry.direction is Direction.REQUEST else Row.SERVER_REQUEST
        if entry.role is Role.NOTIFICATION:
            return Row.NOTIFICATION
        return Row.EVENT if entry.direction is Direction.EVENT else Row.NOTE

    @property
    def ts(self) -> float:
        return self.first.ts

    @property
    def last_ts(self) -> float:
        """When anything of it was last logged (for newest-first ordering of live streams)."""
        return max([self.first.ts] + [e.ts for e in self.entries[1:]])

    @property
    def method(self) -> str:
        return self.first.method or self.first.title

    @property
    def status(self) -> str:
        """The answer's status; "…" while a call waits for it; "" for rows that have none."""
        if self.answer is not None:
            return self.answer.status or "answered"
        return "…" if self.first.role is Role.CALL else ""

    @property
    def duration_ms(self) -> float | None:
        """From the call to its answer (to its last event, for a stream)."""
        if self.answer is None:
            return None
        return 1000 * (max([self.answer.ts] + [e.ts for e in self.events]) - self.first.ts)

    @property
    def failed(self) -> bool:
        if self.first.direction is Direction.ERROR:
            return True
        return any(e.direction is Direction.ERROR for e in self.events) or self.status.startswith(
            FAILED_STATUS
        )

    @property
    def entries(self) -> list[WireEntry]:
        """Everything logged for it, in order."""
        return [self.first, *([self.answer] if self.answer else []), *self.events]


def exchanges(
    entries: Iterable[WireEntry], source: str = "", protocol: str = "", endpoint: str = ""
) -> list[Exchange]:
    """The entries (oldest first) as rows, oldest first: an answer joins the latest call with
    its key (an MCP session's ids start again after a reconnect), an event the exchange whose
    stream it came from."""
    rows: list[Exchange] = []
    open_calls: dict[str, Exchange] = {}
    for entry in entries:
        call = open_calls.get(entry.key) if entry.key else None
        if entry.role is Role.CALL and entry.key:
            open_calls[entry.key] = Exchange(entry, source, protocol, endpoint)
            rows.append(open_calls[entry.key])
        elif call is not None and entry.role is Role.ANSWER and call.answer is None:
            call.answer = entry
        elif call is not None and entry.direction in (Direction.EVENT, Direction.ERROR):
            call.events.append(entry)
        else:
            rows.append(Exchange(entry, source, protocol, endpoint))
    return rows
