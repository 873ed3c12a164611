"""Enter → first chunk visible with a long history, in real Chromium: the same prompt sent in
a conversation of 500 stored turns and in an empty one, by turns, to the same app process."""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from benchmarks import first_chunk, reruns
from benchmarks.fast_agent import prompt
from benchmarks.results import Result
from benchmarks.servers import agent_process, fast_agent_command, free_port
from switchboard.ui import state
from switchboard.ui.state import CONVERSATION_PARAM

TITLE = "13. Enter → first chunk visible with a long history (browser)"
TURNS = 500
EMPTY, LONG = "e", "h"  # the trial marks' prefixes
ROWS = (first_chunk.REQUEST, first_chunk.VISIBLE, first_chunk.OVER)
DESCRIPTION = (
    f"As benchmark 10, with the app on the same benchmark agent: each trial sends the prompt "
    f"once in a new, empty conversation and once in a stored conversation of {TURNS} turns "
    "(a real turn of the agent's, 20 streamed lines, copied under new turn numbers, written "
    "to the app's store before it starts; opened by its link, so each trial is a new session "
    "that loads it). p50 over the trials; the ratio is of Enter → first chunk visible over "
    "the agent's own time, the part the app adds."
)


def run(quick: bool) -> Result:
    """The splits of both cases, and the long one's time over the empty one's."""
    result = Result(TITLE, DESCRIPTION)
    trials = 8 if quick else 20
    with tempfile.TemporaryDirectory() as workdir:
        times = Path(workdir) / "times.jsonl"
        port = free_port()
        with agent_process(fast_agent_command(port, str(times)), port) as agent:
            long_id = seeded(Path(workdir), agent.url)
            served = first_chunk.served(Path(workdir) / "switchboard.json", Path(workdir) / "data")
            visits = {EMPTY: "", LONG: f"/?{CONVERSATION_PARAM}={long_id}"}
            seen = first_chunk.browse(*served, trials, visits)
        noted = [json.loads(line) for line in times.read_text().splitlines()]
    by_mark = {n["prompt"].split()[-1]: n for n in noted}
    over: dict[str, float] = {}
    for prefix, name in ((EMPTY, "empty conversation"), (LONG, f"{TURNS} turns")):
        rows = first_chunk.split({m: t for m, t in seen.items() if m[0] == prefix}, by_mark)
        for row in (*ROWS, first_chunk.HANDLED, first_chunk.BUSY_ROW):
            values = rows[row]
            result.add(f"{name}: {row} (p50 of {len(values)})", *first_chunk.p50(row, values))
        over[prefix] = statistics.median(rows[first_chunk.OVER])
    ratio = over[LONG] / over[EMPTY]
    result.add(f"{TURNS} turns / empty: Enter → first chunk visible (over the agent's)", ratio, "×")
    result.target(f"with {TURNS} turns ≤ 1.3× with none", ratio, 1.3, "×")
    return result


def seeded(workdir: Path, agent_url: str) -> str:
    """The app's store in `workdir`, holding a conversation of TURNS real turns; its id. The
    workspace that wrote it is closed before the app opens the store."""
    ws = reruns.workspace(workdir, agent_url)
    try:
        conversation = ws.chat.new_conversation(reruns.AGENT)
        turn = ws.chat.send(conversation.id, prompt(first_chunk.CHUNKS, 0, first_chunk.SIZE))
        for _ in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=reruns.WAIT):
            pass
        return reruns.conversation_of(ws, conversation.events(), TURNS)
    finally:
        state.forget_workspace().close()
