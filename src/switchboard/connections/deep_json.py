"""What an agent sends, made readable for the SDK before it parses it: JSON nested deeper
than its parser takes (protobuf stops at 100 levels of messages, about 47 of JSON in a data
part) kept as its JSON text from a fixed depth on, and timestamps without a time zone read as
UTC. A deep data part is shown as it came, and the rest of the stream still arrives."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from typing import Any

import httpx

from switchboard.connections import compat_bytes

MAX_DEPTH = 40  # JSON levels from a body's root kept as structure; deeper values become text
DEEP_NOTE = (
    f"A value nested deeper than {MAX_DEPTH} levels is shown from there on as its JSON text "
    "(the A2A SDK cannot read it as structure)."
)
NAIVE_NOTE = "A timestamp without a time zone was read as UTC (A2A asks for one)."
NAIVE_TIMESTAMP = re.compile(rb'("timestamp"\s*:\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)"')
# An event ends at an empty line: two line ends in a row, each CRLF, LF or CR (atomic, so a
# CRLF is never read as two).
EVENT_END = re.compile(rb"(?>\r\n|\n|\r)(?>\r\n|\n|\r)")
EVENT_END_AT_END = re.compile(rb"(?>\r\n|\n|\r)(?>\r\n|\n|\r)\Z")


class ReadTail:
    """The last piece of a body the SDK was given, so an event it cannot read can be shown
    as it came (it names only what broke)."""

    LIMIT = 8_000  # bytes kept

    def __init__(self) -> None:
        self.value = b""

    def keep(self, chunk: bytes) -> None:
        self.value = chunk[-self.LIMIT :]

    def text(self) -> str:
        return self.value.decode("utf-8", "replace")


# The tail of the stream the current task reads (streams are read in their consumer's task).
READ_TAIL: ContextVar[ReadTail | None] = ContextVar("switchboard_read_tail", default=None)


@contextlib.contextmanager
def tail_kept(tail: ReadTail) -> Iterator[ReadTail]:
    """While inside, what the current task's responses pass to the SDK is kept in `tail`."""
    before = READ_TAIL.get()
    READ_TAIL.set(tail)
    try:
        yield tail
    finally:  # not reset(): a generator may be finished in another context
        READ_TAIL.set(before)


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
    lead = event[: len(event) - len(event.lstrip(b"\r\n"))]  # line ends left of the last one
    return lead + b"\n".join([*others, b"data: " + cut]) + b"\n\n"


class LenientStream(httpx.AsyncByteStream):
    """A JSON body (whole, or each event of an event stream) passed on made readable for the
    SDK: values deeper than it can parse turned into their JSON text, naive timestamps read
    as UTC, and with `mend_bytes` v0.3 file bytes encoded once more (`compat_bytes`);
    `noticed` is told each time."""

    def __init__(
        self,
        inner: httpx.AsyncByteStream,
        events: bool,
        noticed: Callable[[str], None],
        mend_bytes: bool = False,
    ) -> None:
        self._inner = inner
        self._events = events
        self._noticed = noticed
        self._mend_bytes = mend_bytes

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._lenient():
            if (tail := READ_TAIL.get()) is not None:
                tail.keep(chunk)
            yield chunk

    async def _lenient(self) -> AsyncIterator[bytes]:
        buffer, scanned = bytearray(), 0
        async for chunk in self._inner:
            untouched = not (self._mend_bytes and compat_bytes.has_file_bytes(chunk))
            if self._events and not buffer and untouched and _whole_and_shallow(chunk):
                yield chunk  # the common case, passed on untouched and unparsed
                continue
            buffer += chunk
            if not self._events:
                continue
            end = _last_event_end(buffer, max(0, scanned - 3))  # a line end may straddle
            scanned = len(buffer)
            if end:
                ready = bytes(buffer[:end])
                del buffer[:end]
                scanned = len(buffer)
                yield self._events_made_shallow(ready)
        if buffer:
            yield self._made_shallow(bytes(buffer), shallow_event if self._events else shallow)

    def _events_made_shallow(self, events: bytes) -> bytes:
        if events.count(b"{") + events.count(b"[") <= MAX_DEPTH:
            return self._mended(events)
        pieces, start = [], 0
        for match in EVENT_END.finditer(events):
            pieces.append(self._made_shallow(events[start : match.end()], shallow_event))
            start = match.end()
        return b"".join(pieces)

    def _made_shallow(self, body: bytes, make: Callable[[bytes], bytes | None]) -> bytes:
        body = self._mended(body)
        cut = make(body)
        if cut is None:
            return body
        self._noticed(DEEP_NOTE)
        return cut

    def _mended(self, body: bytes) -> bytes:
        """Naive timestamps (no time zone, as fasta2a sends them) read as UTC, which the
        SDK otherwise refuses, failing the whole event; then v0.3 file bytes mended."""
        dated, count = NAIVE_TIMESTAMP.subn(rb'\1Z"', body)
        if count:
            self._noticed(NAIVE_NOTE)
        return compat_bytes.encode_once(dated, self._noticed) if self._mend_bytes else dated

    async def aclose(self) -> None:
        await self._inner.aclose()


def _whole_and_shallow(chunk: bytes) -> bool:
    """Whether `chunk` ends where an event ends, has too few brackets to be too deep, and no
    naive timestamp."""
    ends = EVENT_END_AT_END.search(chunk, max(0, len(chunk) - 4)) is not None
    shallow = chunk.count(b"{") + chunk.count(b"[") <= MAX_DEPTH
    return ends and shallow and NAIVE_TIMESTAMP.search(chunk) is None


def _last_event_end(buffer: bytearray, start: int) -> int:
    """Where the last whole event in `buffer` ends (0: none yet), looking from `start` on."""
    end = 0
    for match in EVENT_END.finditer(buffer, start):
        if match.end() < len(buffer) or buffer[-1:] != b"\r":  # a last CR may begin a CRLF
            end = match.end()
    return end
