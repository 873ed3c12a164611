"""Benchmark 2: one full A2A exchange with the demo agent, persistent client vs per message."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks.clients import (
    WAIT,
    ConverseClock,
    consume,
    follow_turn,
    freeze_heap,
    open_workspace,
    sdk_client,
    sdk_events,
)
from benchmarks.results import Result
from benchmarks.stats import median, ratio
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.a2a_convert import to_updates
from switchboard.connections.updates import Update
from switchboard.workspace import Workspace

TITLE = "2. One A2A exchange"
DESCRIPTION = (
    "One message to the demo agent (its own process) until the answer is complete: `hello` "
    "(a direct Message reply) and `story` (a streamed task: 12 artifact chunks the agent "
    "itself paces 50 ms apart, so ≥ 600 ms by design). Variants, interleaved per iteration: "
    "**chat** — the persistent connection through the runtime as the UI does it "
    "(`ws.chat.send` on a new conversation, then this script thread follows the conversation "
    "log until `turn_end`); **call** — `runtime.call` of a coroutine consuming "
    "`agent.converse(...)`; **fresh** — the pattern this project replaces: per message a new "
    "thread running `asyncio.run(...)` that builds an `httpx.AsyncClient`, fetches the card, "
    "builds the SDK client, sends, consumes, closes. The floor, **direct**, is the same "
    "consumption awaited on the loop, timed on the loop inside each bridged exchange (for "
    "chat: `agent.converse` wrapped with a timer on that one instance; for call: inside the "
    "submitted coroutine). Pairing each bridged time with its own floor cancels the agent's "
    "jitter (±30 % between exchanges), which dwarfs the bridge; the bridged/direct ratio is "
    "the median of the per-exchange ratios. Medians in ms. The targets are judged on **chat**, "
    "the UI's real path (send → follow the log)."
)
NOTES = (
    "`story` is paced by the demo agent itself (12 chunks, 50 ms apart), so fixed "
    "per-message client costs are a few percent of it whatever the client does; the 8× "
    "goal can only be approached by exchanges the agent does not pace, like `hello`.",
    "a2a-sdk stops reading a stream right after a Message (`BaseClient._process_stream`), "
    "so each `hello` abandons its response and its connection: every `hello` opens a new TCP "
    "connection, through the persistent client too.",
)
COUNTS = {"hello": (30, 200), "story": (2, 6)}  # iterations per variant: (quick, full)
EXPECTED = {"hello": "replied", "story": "completed"}

Sample = tuple[float, float]  # (total seconds, on-loop floor seconds; NaN if none)


def _outcome(updates: list[Update]) -> str:
    states = [u.data["state"] for u in updates if u.data.get("state")]
    if states:
        return str(states[-1])
    return "replied" if any(u.kind == "message" for u in updates) else "error"


def _check(prompt: str, outcome: str) -> None:
    if outcome != EXPECTED[prompt]:
        raise RuntimeError(f"{prompt!r} ended {outcome!r}, expected {EXPECTED[prompt]!r}")


def _chat(ws: Workspace, agent: AgentConnection, clock: ConverseClock, prompt: str) -> Sample:
    conversation = ws.chat.new_conversation(agent.name)
    start = time.perf_counter()
    turn = ws.chat.send(conversation.id, prompt)
    follow_turn(conversation, turn)
    elapsed = time.perf_counter() - start
    _check(prompt, conversation.turns()[-1].end_reason)
    return elapsed, clock.spans[-1].seconds


async def _timed(agent: AgentConnection, prompt: str) -> tuple[float, list[Update]]:
    start = time.perf_counter()
    updates = await consume(agent, prompt)
    return time.perf_counter() - start, updates


def _call(ws: Workspace, agent: AgentConnection, prompt: str) -> Sample:
    start = time.perf_counter()
    inner, updates = ws.runtime.call(_timed(agent, prompt), timeout=WAIT)
    elapsed = time.perf_counter() - start
    _check(prompt, _outcome(updates))
    return elapsed, inner


async def _fresh_exchange(url: str, prompt: str) -> list[Update]:
    async with sdk_client(url) as client:
        return [u async for event in sdk_events(client, prompt) for u in to_updates(event)]


def _fresh(url: str, prompt: str) -> Sample:
    box: dict[str, Any] = {}

    def main() -> None:
        try:
            box["updates"] = asyncio.run(_fresh_exchange(url, prompt))
        except Exception as error:
            box["error"] = error

    start = time.perf_counter()
    thread = threading.Thread(target=main, name="bench-fresh")
    thread.start()
    thread.join(WAIT)
    elapsed = time.perf_counter() - start
    if "error" in box:
        raise box["error"]
    _check(prompt, _outcome(box["updates"]))
    return elapsed, float("nan")


def _measure(variants: dict[str, Callable[[], Sample]], count: int) -> dict[str, list[Sample]]:
    for variant in variants.values():  # warm-up, not recorded
        variant()
    samples: dict[str, list[Sample]] = {name: [] for name in variants}
    names = list(variants)
    for index in range(count):  # rotate the order so no variant always runs first
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(variants[name]())
    return samples


def _report(result: Result, prompt: str, samples: dict[str, list[Sample]], count: int) -> None:
    ms = {name: median([1000 * s[0] for s in rows]) for name, rows in samples.items()}
    for name in ("chat", "call"):
        rows = samples[name]
        result.add(f"{prompt}: {name} (median of {count})", ms[name], "ms")
        result.add(
            f"{prompt}: {name} — its direct floor", median([1000 * s[1] for s in rows]), "ms"
        )
        added = median([1000 * (s[0] - s[1]) for s in rows])
        result.add(f"{prompt}: {name} — added over direct", added, "ms")
    result.add(f"{prompt}: fresh (median of {count})", ms["fresh"], "ms")
    chat_ratio = median([s[0] / s[1] for s in samples["chat"]])
    call_ratio = median([s[0] / s[1] for s in samples["call"]])
    speedup = ratio(ms["fresh"], ms["chat"])
    result.add(f"{prompt}: chat / direct", chat_ratio, "×")
    result.add(f"{prompt}: call / direct", call_ratio, "×")
    result.add(f"{prompt}: fresh / chat (speed-up)", speedup, "×")
    result.target(f"{prompt}: bridged (chat) ≤ 1.05× direct", chat_ratio, 1.05, "×")
    result.target(f"{prompt}: bridged (chat) ≥ 8× faster than fresh", speedup, 8.0, "×", True)


def run(quick: bool, demo_url: str) -> Result:
    """Measure chat, call and fresh for `hello` and `story` against the demo agent."""
    result = Result(TITLE, DESCRIPTION, notes=list(NOTES))
    ws, agent = open_workspace(demo_url, "demo")
    try:
        clock = ConverseClock(agent)
        freeze_heap()
        for prompt, counts in COUNTS.items():
            count = counts[0] if quick else counts[1]
            variants: dict[str, Callable[[], Sample]] = {
                "chat": lambda p=prompt: _chat(ws, agent, clock, p),
                "call": lambda p=prompt: _call(ws, agent, p),
                "fresh": lambda p=prompt: _fresh(demo_url, p),
            }
            _report(result, prompt, _measure(variants, count), count)
    finally:
        ws.close()
    return result
