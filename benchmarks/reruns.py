"""A rerun's cost against a conversation's length: the chat page's script run (AppTest) on a
conversation of a few turns and of hundreds, made of real demo-agent turns copied."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from benchmarks.results import Result
from switchboard.chat.events import Event, Kind
from switchboard.ui import state
from switchboard.ui.launch import APP
from switchboard.workspace import Workspace

AGENT = "Demo Agent"
WAIT = 60.0


def run(quick: bool, agent_url: str) -> Result:
    """Median script time of a rerun for each length, and the ratio of the longest to the
    shortest (the goal: a rerun that does not grow with the conversation)."""
    result = Result(
        "9. Reruns against a conversation's length",
        "The chat page's script run, as AppTest runs it (median of 7 reruns after one to "
        "warm up), on a conversation of 5 turns and on longer ones, each made of a real "
        "`hello` turn and a real `story` turn of the demo agent (its own process) copied "
        "under new turn numbers, so every turn is drawn as a real one is; and on one `story` "
        "turn whose artifact is 20 MB of text, or 20,000 content blocks.",
    )
    lengths = (5, 100) if quick else (5, 100, 500)
    with tempfile.TemporaryDirectory() as workdir:
        ws = workspace(Path(workdir), agent_url)
        try:
            pair = real_turns(ws)
            times = {n: rerun_seconds(conversation_of(ws, pair, n)) for n in lengths}
            line = "x" * 99 + "\n"
            large = {
                "a 20 MB artifact": [{"type": "text", "text": line * (20 * 1024 * 1024 // 100)}],
                "20,000 content blocks": [
                    {"type": "data", "data": {"block": i}} for i in range(20_000)
                ],
            }
            sizes = {
                what: rerun_seconds(one_artifact(ws, pair, parts)) for what, parts in large.items()
            }
        finally:
            state.forget_workspace().close()
    for n, seconds in times.items():
        result.add(f"{n} turns: one rerun (median of 7)", 1000 * seconds, "ms")
    for what, seconds in sizes.items():
        result.add(f"one turn with {what}: one rerun (median of 7)", 1000 * seconds, "ms")
        result.add(f"{what} / 5 turns", seconds / times[lengths[0]], "×")
        result.target(f"a rerun with {what} ≤ 1.3× one of 5 turns", seconds / times[5], 1.3, "×")
    longest = max(lengths)
    ratio = times[longest] / times[lengths[0]]
    result.add(f"{longest} turns / 5 turns", ratio, "×")
    result.target(f"a rerun of {longest} turns ≤ 1.3× one of 5", ratio, 1.3, "×")
    return result


def workspace(workdir: Path, agent_url: str) -> Workspace:
    """The app's workspace on a config naming the demo agent, in a data directory of its own."""
    config = workdir / "switchboard.json"
    config.write_text(json.dumps({"agents": [{"name": AGENT, "url": agent_url}]}))
    os.environ["SWITCHBOARD_CONFIG"] = str(config)
    os.environ["SWITCHBOARD_DATA_DIR"] = str(workdir / "data")
    ws = state.workspace()
    ws.await_connections([AGENT], WAIT)
    return ws


def real_turns(ws: Workspace) -> list[Event]:
    """The events of one `hello` and one `story` turn, as the demo agent answered them."""
    conversation = ws.chat.new_conversation(AGENT)
    for prompt in ("hello", "story"):
        turn = ws.chat.send(conversation.id, prompt)
        for _ in conversation.log.follow(0, until=lambda e, t=turn: e.ends(t), timeout=WAIT):
            pass
    return conversation.events()


def conversation_of(ws: Workspace, real: list[Event], turns: int) -> str:
    """A stored conversation of `turns` turns (the real turns repeated); its id."""
    period = max(event.turn for event in real)
    events = [
        Event(event.turn + period * copy, event.kind, event.data, event.ts)
        for copy in range(-(-turns // period))
        for event in real
        if event.turn + period * copy <= turns
    ]
    stored = ws.store.add(AGENT, f"{turns} turns", events)
    return stored.id


def one_artifact(ws: Workspace, pair: list[Event], parts: list[dict]) -> str:
    """A conversation of the real `story` turn whose artifact is `parts`; its id."""
    story = max(event.turn for event in pair)
    events, placed = [], False
    for event in pair:
        if event.turn != story:
            continue
        if event.kind == Kind.ARTIFACT:
            if placed:
                continue
            event = Event(1, event.kind, {**event.data, "parts": parts, "append": False}, event.ts)
            placed = True
        events.append(Event(1, event.kind, event.data, event.ts))
    return ws.store.add(AGENT, "large", events).id


def rerun_seconds(conversation_id: str) -> float:
    """The median time of one rerun of the chat page on that conversation."""
    at = AppTest.from_file(str(APP), default_timeout=WAIT)
    at.query_params["c"] = conversation_id
    at.run()
    runs = []
    for _ in range(7):
        started = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)
