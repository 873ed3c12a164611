"""The wire log: what it keeps, and secrets masked when an entry is read."""

from __future__ import annotations

from switchboard.connections.redaction import MASK, Redactor
from switchboard.connections.wire import Direction, WireLog


def test_the_wire_log_keeps_its_newest_entries() -> None:
    wire = WireLog(limit=3)
    for n in range(5):
        wire.record(Direction.INFO, f"entry {n}")
    assert [e.title for e in wire.entries.snapshot()] == ["entry 2", "entry 3", "entry 4"]


def test_known_secrets_and_sensitive_headers_are_masked_when_read() -> None:
    token = "tok-0123456789-secret"
    wire = WireLog(Redactor([f"Bearer {token}"], ["X-Custom"]))
    headers = {"Authorization": f"Bearer {token}", "X-Custom": "plain", "Accept": "json"}
    wire.record_headers(Direction.REQUEST, f"GET /?t={token}", headers, f'{{"echo": "{token}"}}')
    (entry,) = wire.entries.snapshot()
    shown = entry.title + entry.body
    assert token not in shown
    assert f"Authorization: {MASK}" in entry.body and f"X-Custom: {MASK}" in entry.body
    assert "Accept: json" in entry.body


def test_a_huge_payload_is_kept_as_an_excerpt() -> None:
    from a2a.types import Artifact, Part, StreamResponse, TaskArtifactUpdateEvent

    wire = WireLog()
    wire.record(Direction.RESPONSE, "big body", "x" * 5_000_000)
    artifact = Artifact(artifact_id="a", parts=[Part(text="y" * 1_000_000)])
    event = StreamResponse(artifact_update=TaskArtifactUpdateEvent(artifact=artifact))
    wire.record(Direction.EVENT, "big event", event)
    text, message = wire.entries.snapshot()
    assert len(text.payload) < 70_000 and "more characters not kept" in text.payload
    assert "StreamResponse of 1,000,0" in message.body and len(message.body) < 200
