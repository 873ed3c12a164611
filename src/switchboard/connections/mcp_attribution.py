"""Whose each MCP message is, so the Inspector shows a person only their own traffic.

A request belongs to whoever the sending task works for (the wire ORIGIN); its response and
its progress are that person's too. What the server sends on its own while requests are in
flight (a question, a log line) names no request in the handshake era: it is theirs when every
request in flight is one person's, else it is shown to no one. The answer to a server's
question belongs to whoever the question did.
"""

from __future__ import annotations

from typing import Any

from switchboard.connections.wire import ORIGIN, SEVERAL

MAX_REMEMBERED = 1000  # requests in flight remembered at most (a server may never answer some)
CANCELLED = "notifications/cancelled"
PROGRESS = "notifications/progress"


class Attribution:
    """The owners of one session's requests in flight, both ways."""

    def __init__(self) -> None:
        self._sent: dict[Any, str | None] = {}  # our requests by id
        self._asked: dict[Any, str | None] = {}  # the server's requests by id

    def sent(self, message: Any) -> str | None:
        """The owner of a message we send (and remember it for the answer)."""
        method, request_id = getattr(message, "method", None), getattr(message, "id", None)
        if method is None and request_id is not None:  # our answer to the server's question
            return self._asked.pop(request_id, None)
        owner = ORIGIN.get()
        if method == CANCELLED:
            self._sent.pop(_param(message, "requestId"), None)
        elif request_id is not None:
            _remember(self._sent, request_id, owner)
        return owner

    def received(self, message: Any) -> str | None:
        """The owner of a message the server sends."""
        method, request_id = getattr(message, "method", None), getattr(message, "id", None)
        if method is None:  # an answer to one of ours
            return self._sent.pop(request_id, None)
        if method == PROGRESS:
            token = _param(message, "progressToken")
            if token in self._sent:
                return self._sent[token]
        owner = self._in_flight()
        if request_id is not None:
            _remember(self._asked, request_id, owner)
        return owner

    def _in_flight(self) -> str | None:
        owners = {owner for owner in self._sent.values() if owner is not None}
        if len(owners) > 1:
            return SEVERAL
        return owners.pop() if owners else None


def _param(message: Any, name: str) -> Any:
    params = getattr(message, "params", None)
    return params.get(name) if isinstance(params, dict) else None


def _remember(table: dict[Any, str | None], request_id: Any, owner: str | None) -> None:
    table[request_id] = owner
    while len(table) > MAX_REMEMBERED:
        del table[next(iter(table))]
