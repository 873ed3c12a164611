"""JSON nested deeper than the SDK's parser takes (protobuf stops at 100 levels of messages,
about 47 of JSON in a data part) kept as its JSON text from a fixed depth on, so a deep data
part is shown as it came and the rest of the stream still arrives."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

MAX_DEPTH = 40  # JSON levels from a body's root kept as structure; deeper values become text
EVENT_END = (b"\n\n", b"\r\n\r\n")


def shallow(body: bytes, depth: int = MAX_DEPTH) -> bytes | None:
    """`body` with every JSON value deeper than `depth` replaced by its JSON text; None when
    nothing is that deep (or the body is not JSON: the SDK says what is wrong with it)."""
    if body.count(b"{") + body.count(b"[") <= depth:  # cannot be that deep: the common case
        return None
    try:
        value = json.loads(body)
        cut, changed = _cut(value, depth)
    except (ValueError, RecursionError):
        return None
    return json.dumps(cut, ensure_ascii=False).encode() if changed else None


def _cut(value: Any, depth: int) -> tuple[Any, bool]:
    if not isinstance(value, dict | list):
        return value, False
    if depth == 0:
        return json.dumps(value, ensure_ascii=False), True
    items = value.items() if isinstance(value, dict) else enumerate(value)
    changed, out = False, {} if isinstance(value, dict) else [None] * len(value)
    for key, item in items:
        out[key], cut = _cut(item, depth - 1)
        changed = changed or cut
    return (out if changed else value), changed


def shallow_event(event: bytes, depth: int = MAX_DEPTH) -> bytes | None:
    """One server-sent event with its data made shallow (data lines joined into one)."""
    lines = event.splitlines()
    data = b"\n".join(line[5:].removeprefix(b" ") for line in lines if line.startswith(b"data:"))
    cut = shallow(data, depth)
    if cut is None:
        return None
    others = [line for line in lines if line and not line.startswith(b"data:")]
    return b"\n".join([*others, b"data: " + cut]) + b"\n\n"


class ShallowStream(httpx.AsyncByteStream):
    """A JSON body (whole, or each event of an event stream) passed on with values deeper
    than the SDK can parse turned into their JSON text; `noticed` is told each time."""

    def __init__(
        self, inner: httpx.AsyncByteStream, events: bool, noticed: Callable[[], None]
    ) -> None:
        self._inner = inner
        self._events = events
        self._noticed = noticed

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pending = b""
        async for chunk in self._inner:
            pending += chunk
            if self._events:
                ready, pending = _complete_events(pending)
                for event in ready:
                    yield self._made_shallow(event, shallow_event)
        if pending:
            yield self._made_shallow(pending, shallow_event if self._events else shallow)

    def _made_shallow(self, body: bytes, make: Callable[[bytes], bytes | None]) -> bytes:
        cut = make(body)
        if cut is None:
            return body
        self._noticed()
        return cut

    async def aclose(self) -> None:
        await self._inner.aclose()


def _complete_events(buffer: bytes) -> tuple[list[bytes], bytes]:
    """The whole events at the start of `buffer` (each with its blank line), and the rest."""
    events: list[bytes] = []
    while True:
        ends = [(buffer.find(end), end) for end in EVENT_END if end in buffer]
        if not ends:
            return events, buffer
        at, end = min(ends)
        events.append(buffer[: at + len(end)])
        buffer = buffer[at + len(end) :]
