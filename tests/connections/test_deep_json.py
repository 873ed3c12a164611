"""Deep JSON passed on so the SDK can read it: structure to a fixed depth, then its text; event
streams made shallow event by event, wherever the chunks happen to break."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx

from switchboard.connections.deep_json import (
    DEEP_NOTE,
    NAIVE_NOTE,
    LenientStream,
    shallow,
    shallow_event,
)
from tests.support.hostile_agent import nested


class Chunks(httpx.AsyncByteStream):
    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def read(stream: LenientStream) -> bytes:
    async def collect() -> bytes:
        return b"".join([chunk async for chunk in stream])

    return asyncio.run(collect())


def test_json_within_the_depth_is_left_byte_for_byte() -> None:
    assert shallow(json.dumps(nested(5)).encode(), depth=5) is None
    assert shallow(b"not json {{{{{{{{{{{{", depth=3) is None


def test_deeper_values_become_their_json_text() -> None:
    cut = json.loads(shallow(json.dumps({"a": [nested(4)]}).encode(), depth=3) or b"")
    assert cut == {"a": [{"level": json.dumps(nested(3))}]}, "three levels kept: {}, [], {}"


def test_an_event_keeps_its_other_fields_and_gets_one_data_line() -> None:
    event = b"id: 7\ndata: " + json.dumps(nested(6)).encode() + b"\n\n"
    cut = shallow_event(event, depth=2) or b""
    assert cut.startswith(b"id: 7\ndata: ") and cut.endswith(b"\n\n")
    assert json.loads(cut.split(b"data: ", 1)[1]) == {"level": {"level": json.dumps(nested(4))}}


def test_a_stream_is_made_shallow_whatever_its_chunks() -> None:
    deep, small = json.dumps(nested(60)).encode(), b'{"ok": true}'
    body = b"data: " + small + b"\r\n\r\ndata: " + deep + b"\n\n: keep-alive\n\n"
    noticed: list[str] = []
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
    out = read(LenientStream(Chunks(*pieces), events=True, noticed=noticed.append))
    events = [e for e in out.replace(b"\r\n", b"\n").split(b"\n\n") if e]
    assert events[0] == b"data: " + small and events[2] == b": keep-alive"
    assert json.loads(events[1].removeprefix(b"data: "))["level"] and noticed == [DEEP_NOTE]


def test_a_whole_body_is_made_shallow_once_it_has_all_come() -> None:
    deep = json.dumps({"result": nested(60)}).encode()
    stream = LenientStream(Chunks(deep[:10], deep[10:]), events=False, noticed=lambda note: None)
    assert json.loads(read(stream))["result"]["level"]


def test_events_ended_by_bare_carriage_returns_are_made_shallow_too() -> None:
    deep = json.dumps(nested(60)).encode()
    body = b"data: 1\r\rdata: " + deep + b"\r\rdata: 2\r\r"
    pieces = [body[i : i + 5] for i in range(0, len(body), 5)]
    noticed: list[str] = []
    out = read(LenientStream(Chunks(*pieces), events=True, noticed=noticed.append))
    events = [e for e in out.replace(b"\r", b"\n").split(b"\n\n") if e]
    assert events[0] == b"data: 1" and events[2] == b"data: 2" and noticed == [DEEP_NOTE]
    assert json.loads(events[1].removeprefix(b"data: "))["level"]


def test_a_timestamp_without_a_time_zone_is_read_as_utc() -> None:
    naive = b'data: {"status": {"timestamp": "2026-12-01T10:00:00.123456"}}\n\n'
    noticed: list[str] = []
    out = read(LenientStream(Chunks(naive), events=True, noticed=noticed.append))
    assert out == naive.replace(b'.123456"', b'.123456Z"') and noticed == [NAIVE_NOTE]
    dated = b'data: {"status": {"timestamp": "2026-12-01T10:00:00+02:00"}}\n\n'
    assert read(LenientStream(Chunks(dated), events=True, noticed=noticed.append)) == dated
