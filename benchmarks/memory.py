"""Memory of stored conversations: the RSS of a process that has opened 2,000 stored
conversations once each, against the same process after its first 100, and against keeping
every one (what the store did before it let conversations go)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.results import Result
from benchmarks.servers import ServerProcess
from benchmarks.stats import ratio
from switchboard.chat.conversation import Conversation
from switchboard.chat.store import SqlStore
from switchboard.chat.store.cache import KEPT

TITLE = "12. Memory of stored conversations"
CONVERSATIONS, FIRST = 2_000, 100
TURNS, CHUNKS, LINE = 4, 8, "A line of a streamed answer, as long as a line of prose is. " * 2
WAIT = 600.0
DESCRIPTION = (
    f"{CONVERSATIONS:,} conversations are written to a SQLite store ({TURNS} turns each: a prompt, "
    f"a task, a status and {CHUNKS} streamed chunks of ~120 characters, then the turn's end). "
    "A fresh process opens the store, lists the conversations (the sidebar's summaries) and "
    "opens each one once as the chat page does (`store.get`, then its turns folded), then "
    "lets it go; its RSS is read after the first "
    f"{FIRST} and after all {CONVERSATIONS:,}. The same again with the store keeping every "
    "conversation it has read (the behaviour before conversations could leave memory). "
    f"The store keeps the {KEPT} most recent in memory besides the ones someone holds."
)


def run(quick: bool) -> Result:
    """Write the conversations once; open them in a child process, bounded and unbounded."""
    result = Result(TITLE, DESCRIPTION)
    with tempfile.TemporaryDirectory() as workdir:
        write(Path(workdir))
        bounded = child(workdir, KEPT)
        everything = child(workdir, CONVERSATIONS * 10)
    for name, measured in (("the store (bounded)", bounded), ("keeping every one", everything)):
        result.add(f"{name}: RSS after opening {FIRST}", measured["first"], "MB")
        result.add(f"{name}: RSS after opening {CONVERSATIONS:,}", measured["all"], "MB")
    grown = ratio(bounded["all"], bounded["first"])
    result.add(f"the store: RSS after {CONVERSATIONS:,} / after {FIRST}", grown, "×")
    result.add(
        f"keeping every one: RSS after {CONVERSATIONS:,} / after {FIRST}",
        ratio(everything["all"], everything["first"]),
        "×",
    )
    result.target(f"RSS after {CONVERSATIONS:,} opened ≤ 1.2× after {FIRST}", grown, 1.2, "×")
    return result


def write(directory: Path) -> None:
    """The conversations, kept in the store in `directory`."""
    store = SqlStore(directory)
    try:
        for number in range(CONVERSATIONS):
            conversation = store.create("Demo Agent", title=f"Conversation {number}")
            for turn in range(1, TURNS + 1):
                record_turn(conversation, turn)
        assert store.flush(WAIT), "the store did not write everything in time"
    finally:
        store.close(WAIT)


def record_turn(conversation: Conversation, turn: int) -> None:
    """One streamed turn, as the chat service records one."""
    task = {"task_id": f"task-{turn}", "context_id": "ctx"}
    record = conversation.record
    record(turn, "user", {"text": f"Tell me story number {turn}"})
    record(turn, "task", {**task, "state": "submitted", "message": [], "artifacts": []})
    record(turn, "status", {**task, "state": "working", "message": []})
    for chunk in range(CHUNKS):
        part = {"kind": "text", "text": f"{LINE}{chunk}\n"}
        data = {**task, "artifact_id": "story", "name": "story", "parts": [part]}
        record(turn, "artifact", {**data, "append": chunk > 0, "last_chunk": chunk == CHUNKS - 1})
    record(turn, "status", {**task, "state": "completed", "message": []})
    record(turn, "turn_end", {"reason": "completed"})


def child(directory: str, kept: int) -> dict[str, float]:
    """RSS (MB) of a fresh process after opening the first FIRST and all conversations."""
    command = [sys.executable, "-m", "benchmarks.memory", directory, str(kept)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=WAIT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def open_all(directory: str, kept: int) -> dict[str, float]:
    """In the child: list, then open each conversation once and let it go."""
    me = ServerProcess("", os.getpid())
    store = SqlStore(directory, kept=kept)
    measured: dict[str, float] = {}
    try:
        listed = store.list()
        for number, summary in enumerate(listed, start=1):
            conversation = store.get(summary.id)
            assert conversation is not None and conversation.turns()
            del conversation
            if number == FIRST:
                gc.collect()
                measured["first"] = me.rss_mb()
        gc.collect()
        measured["all"] = me.rss_mb()
    finally:
        store.close(WAIT)
    return measured


if __name__ == "__main__":
    print(json.dumps(open_all(sys.argv[1], int(sys.argv[2]))))
