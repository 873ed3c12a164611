"""Benchmark 3: a long streamed answer through the runtime and the log vs the bare SDK."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks import layers
from benchmarks.clients import (
    WAIT,
    BareClient,
    ConverseClock,
    freeze_heap,
    open_workspace,
    sdk_events,
)
from benchmarks.fast_agent import prompt
from benchmarks.results import Result
from benchmarks.stats import median, percentile, ratio
from switchboard.chat.turns import TurnView
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.workspace import Workspace

TITLE = "3. Streaming"
DESCRIPTION = (
    "A benchmark-only A2A agent (`benchmarks/fast_agent.py`, its own process) streams N small "
    "artifact chunks (16 characters) as fast as it can. **ui** — through the runtime as the "
    "UI does it: `ws.chat.send`, then this script thread follows `Conversation.log.follow`, "
    "folds each batch into a `TurnView` and sleeps 30 ms between batches (the chat page's "
    "coalescing; rendering itself excluded); **ui, no coalescing** — the same without the "
    "sleep (a wake-up per batch: the worst case); **converse** — `agent.converse(...)` "
    "consumed on the loop (the connection layer, no bridge, no log); **sdk** — a bare SDK "
    "client (`ClientFactory(...).create(card)` over a plain `httpx.AsyncClient` with the "
    "product's timeouts, i.e. no read timeout) consumed directly on the loop: the SDK's own "
    "cost. Client CPU is `time.process_time()` of the whole client process over the stream "
    "(the agent's CPU is in the other process). First-chunk latency is measured on short "
    "streams (3 chunks), interleaved, 50 ms apart: send → first artifact chunk seen by the "
    "consumer. The bridge's share is paired per exchange, on the no-coalescing follower: its "
    "latency minus the latency `agent.converse` itself saw on the loop in that same exchange "
    "(split into before and after converse). Last, each client layer's cost per chunk is "
    "timed alone on one typical chunk event (`layers.py`), next to the SDK's own decoding of "
    "that event, and `fold_turns` (what the script thread and, through `ChatService`, the "
    "loop run over a conversation's events) on long answers."
)
NOTES = (
    "The bridge's first-chunk share is judged on the follower without coalescing: the chat "
    "page's 30 ms pause after each batch is a rendering choice; when the task and status "
    "events arrive in a batch of their own, it delays the first chunk by up to 30 ms (the "
    "ui p99).",
    "The benchmark agent sets TCP_NODELAY on its listening socket: asyncio sets it only on "
    "sockets created with proto=IPPROTO_TCP, and without it a stream on a reused keep-alive "
    "connection is held back by Nagle's algorithm until the client's delayed ACK (~40 ms).",
    "The product's wire log keeps the first 5,000 entries of a connection and then records "
    "nothing more (`WireLog.record` returns early), so after the first long streams of this "
    "benchmark the ui and converse CPU figures no longer include it; the per-chunk row gives "
    "what it costs while it records.",
)
CHUNK = 16
SETTLE = 0.05  # seconds of quiet before each short stream
COALESCE = 0.03  # the chat page's pause between redraws (switchboard.ui.live_turn.COALESCE)


@dataclass
class Stream:
    """One consumed stream: chunk count, wall seconds, process CPU seconds, first-chunk s."""

    chunks: int
    wall: float
    cpu: float
    first: float
    bridge: float = float("nan")  # first-chunk latency added over converse's own (ui only)
    before: float = float("nan")  # of which: send() → converse starts on the loop
    after: float = float("nan")  # of which: first chunk on the loop → seen by the script


def _ui(ws: Workspace, clock: ConverseClock, count: int, coalesce: float) -> Stream:
    conversation = ws.chat.new_conversation("fast")
    view, first, last = TurnView(turn=0), float("nan"), float("nan")
    cpu, start = time.process_time(), time.perf_counter()
    turn = ws.chat.send(conversation.id, prompt(count, 0, CHUNK))
    view.turn = turn
    view.apply_event(
        conversation.events()[0]
    )  # the prompt, as the page renders it before following
    for batch in conversation.log.follow(1, until=lambda e: e.ends(turn), timeout=WAIT):
        last = time.perf_counter()
        if math.isnan(first) and any(e.kind == "artifact" for e in batch):
            first = last
        for event in batch:
            view.apply_event(event)
        if coalesce:
            time.sleep(coalesce)
    cpu = time.process_time() - cpu
    if view.end_reason != "completed" or len(view.text()) != count * CHUNK:
        raise RuntimeError(f"ui stream ended {view.end_reason!r} with {len(view.text())} chars")
    span = clock.spans[-1]
    own = (span.first_chunk or float("nan")) - span.start
    before, after = span.start - start, first - (span.first_chunk or float("nan"))
    return Stream(count, last - start, cpu, first - start, (first - start) - own, before, after)


async def _converse_on_loop(agent: AgentConnection, text: str) -> Stream:
    chunks, first = 0, float("nan")
    cpu, start = time.process_time(), time.perf_counter()
    async with contextlib.aclosing(agent.converse(text)) as updates:
        async for update in updates:
            if update.kind == "artifact":
                chunks += 1
                if chunks == 1:
                    first = time.perf_counter()
    return Stream(chunks, time.perf_counter() - start, time.process_time() - cpu, first - start)


async def _sdk_on_loop(bare: BareClient, text: str) -> Stream:
    chunks, first = 0, float("nan")
    cpu, start = time.process_time(), time.perf_counter()
    async for event in sdk_events(bare.client, text):
        if event.WhichOneof("payload") == "artifact_update":
            chunks += 1
            if chunks == 1:
                first = time.perf_counter()
    return Stream(chunks, time.perf_counter() - start, time.process_time() - cpu, first - start)


def _checked(stream: Stream, count: int) -> Stream:
    if stream.chunks != count:
        raise RuntimeError(f"expected {count} chunks, got {stream.chunks}")
    return stream


def _interleave(
    variants: dict[str, Callable[[], Stream]], reps: int, settle: float = 0.0
) -> dict[str, list[Stream]]:
    for variant in variants.values():  # warm-up, not recorded
        variant()
    out: dict[str, list[Stream]] = {name: [] for name in variants}
    names = list(variants)
    for index in range(reps):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            time.sleep(settle)  # untimed: the agent finishes the previous request first
            out[name].append(variants[name]())
    return out


def _variants(
    ws: Workspace, agent: AgentConnection, clock: ConverseClock, bare: BareClient, count: int
) -> dict[str, Callable[[], Stream]]:
    text = prompt(count, 0, CHUNK)
    call = ws.runtime.call
    return {
        "ui": lambda: _ui(ws, clock, count, COALESCE),
        "ui, no coalescing": lambda: _ui(ws, clock, count, 0),
        "converse": lambda: _checked(call(_converse_on_loop(agent, text), timeout=WAIT), count),
        "sdk": lambda: _checked(call(_sdk_on_loop(bare, text), timeout=WAIT), count),
    }


def _report_long(result: Result, runs: dict[str, list[Stream]], count: int) -> None:
    for name, streams in runs.items():
        rate = median([s.chunks / s.wall for s in streams])
        cpu = median([1e6 * s.cpu / s.chunks for s in streams])
        result.add(f"{name}: chunks/s ({count} chunks, median of {len(streams)})", rate, "/s")
        result.add(f"{name}: client CPU per chunk", cpu, "µs")
    sdk_cpu = median([s.cpu / s.chunks for s in runs["sdk"]])
    for name in ("ui", "ui, no coalescing", "converse"):
        cpu_ratio = ratio(median([s.cpu / s.chunks for s in runs[name]]), sdk_cpu)
        result.add(f"{name}: CPU per chunk / sdk", cpu_ratio, "×")
    ui_ratio = ratio(median([s.cpu / s.chunks for s in runs["ui"]]), sdk_cpu)
    result.target("ui: client CPU per chunk ≤ 1.1× the SDK's own", ui_ratio, 1.1, "×")


def _report_first(result: Result, runs: dict[str, list[Stream]]) -> None:
    for name in runs:
        firsts = [1000 * s.first for s in runs[name]]
        result.add(f"{name}: first-chunk latency p50", median(firsts), "ms")
        result.add(f"{name}: first-chunk latency p99", percentile(firsts, 99), "ms")
    bridge = [1000 * s.bridge for s in runs["ui, no coalescing"]]
    result.add("bridge's share of the first-chunk latency (paired) p50", median(bridge), "ms")
    result.add("bridge's share (paired) p99", percentile(bridge, 99), "ms")
    before = median([1000 * s.before for s in runs["ui, no coalescing"]])
    after = median([1000 * s.after for s in runs["ui, no coalescing"]])
    result.add("… of which send() → converse starts on the loop, p50", before, "ms")
    result.add("… of which first chunk on the loop → seen by the script thread, p50", after, "ms")
    over_sdk = median([1000 * s.first for s in runs["ui, no coalescing"]]) - median(
        [1000 * s.first for s in runs["sdk"]]
    )
    result.add("ui, no coalescing p50 − sdk p50 (unpaired)", over_sdk, "ms")
    result.target("first-chunk latency added by the bridge ≤ 0.5 ms p50", median(bridge), 0.5, "ms")


def run(quick: bool, fast_url: str) -> Result:
    """Throughput, CPU per chunk and first-chunk latency: ui vs converse vs bare SDK."""
    count, reps, short_reps = (500, 3, 15) if quick else (2000, 9, 60)
    result = Result(TITLE, DESCRIPTION, notes=list(NOTES))
    ws, agent = open_workspace(fast_url, "fast")
    bare = BareClient(ws.runtime, fast_url)
    try:
        clock = ConverseClock(agent)
        freeze_heap()
        _report_long(result, _interleave(_variants(ws, agent, clock, bare, count), reps), count)
        _report_first(result, _interleave(_variants(ws, agent, clock, bare, 3), short_reps, SETTLE))
        layers.measure(result, quick)
    finally:
        bare.close()
        ws.close()
    return result
