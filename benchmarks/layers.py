"""What each client layer costs per streamed chunk, timed alone on one typical chunk event."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from a2a.helpers import new_text_part
from a2a.types import Artifact, StreamResponse, TaskArtifactUpdateEvent
from a2a.utils.proto_utils import parse_lenient
from google.protobuf.json_format import MessageToJson

from benchmarks.results import Result
from benchmarks.stats import median
from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.turns import fold_turns
from switchboard.connections.a2a_convert import to_updates
from switchboard.connections.wire import WireLog

TASK_ID, CONTEXT_ID = "bbd5914e-b369-470c-8776-684b49e9f65b", "7d2464e7-e310-457e-8177-7164c6498bb8"


def chunk_event(size: int = 16) -> StreamResponse:
    """An artifact chunk like the benchmark agent streams."""
    update = TaskArtifactUpdateEvent(
        task_id=TASK_ID,
        context_id=CONTEXT_ID,
        artifact=Artifact(artifact_id="stream", name="stream", parts=[new_text_part("x" * size)]),
        append=True,
    )
    return StreamResponse(artifact_update=update)


def _per_call_us(call: Callable[[], object], count: int) -> float:
    """Median over 5 batches of the mean time per call, in µs."""
    batches = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(count):
            call()
        batches.append((time.perf_counter() - start) / count * 1e6)
    return median(batches)


def measure(result: Result, quick: bool) -> None:
    """Add one row per layer: the SDK's own decoding, then each layer the product adds."""
    count = 2_000 if quick else 10_000
    event = chunk_event()
    sse_data = json.dumps({"jsonrpc": "2.0", "id": 1, "result": json.loads(MessageToJson(event))})
    wire = WireLog(limit=10**9)
    update = to_updates(event)[0]
    conversation = Conversation("bench", "fast")
    costs = {
        "SDK: json.loads + parse_lenient of one chunk (its own decode)": lambda: parse_lenient(
            json.loads(sse_data)["result"], StreamResponse()
        ),
        "product: WireLog.record(event), as AgentConnection._updates calls it": lambda: wire.record(
            "event", f"stream event: {event.WhichOneof('payload')}", event
        ),
        "product: to_updates(event)": lambda: to_updates(event),
        "product: Conversation.record(update)": lambda: conversation.record(
            1, update.kind, update.data
        ),
    }
    for name, call in costs.items():
        result.add(f"per chunk, {name}", _per_call_us(call, count), "µs")
    for chunks in (2_000, 10_000):
        result.add(
            f"fold_turns of one answer of {chunks:,} chunks",
            1000 * _fold_seconds(update.data, chunks),
            "ms",
        )
    result.add(
        "Conversation.pending_task() after 5 answers of 10,000 chunks (ChatService runs it on "
        "the loop before each prompt)",
        1000 * _history_seconds(update.data, 5, 10_000),
        "ms",
    )


def _history_seconds(data: dict[str, object], answers: int, chunks: int) -> float:
    """Seconds `Conversation.pending_task()` takes after `answers` answers of `chunks` chunks."""
    conversation = Conversation("bench", "fast")
    for turn in range(1, answers + 1):
        conversation.record(turn, "user", {"text": "go"})
        for i in range(chunks):
            conversation.record(turn, "artifact", {**data, "append": i > 0})
        conversation.record(turn, "status", {**data, "state": "completed", "message": []})
        conversation.record(turn, "turn_end", {"reason": "completed"})
    start = time.perf_counter()
    conversation.pending_task()
    return time.perf_counter() - start


def _fold_seconds(data: dict[str, object], chunks: int) -> float:
    """Seconds to fold one turn whose answer arrived in `chunks` appended chunks."""
    events = [Event(1, "user", {"text": "go"})]
    events += [Event(1, "artifact", {**data, "append": i > 0}) for i in range(chunks)]
    start = time.perf_counter()
    fold_turns(events)
    return time.perf_counter() - start
