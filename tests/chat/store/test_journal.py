"""The journal: every recorded event survives a hard kill, each process keeps its own, and a
line torn by a kill is skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from switchboard.chat.events import Event
from switchboard.chat.store import SqlStore
from switchboard.chat.store.journal import decode, encode
from switchboard.chat.store.rows import event_row
from tests.support.stores import WAIT, Opener

KILLED_MID_WRITE = """
import os, signal, sys
from switchboard.chat.store import SqlStore
store = SqlStore(sys.argv[1], url=sys.argv[3] or None)
conversation = store.create("demo", title="killed")
for n in range(int(sys.argv[2])):
    part = {"type": "text", "text": str(n)}
    conversation.record(1, "artifact", {"artifact_id": "a", "parts": [part]})
print(conversation.id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no close, no flush: the process just dies
"""


def test_a_hard_kill_loses_no_recorded_event(opener: Opener, tmp_path: Path) -> None:
    """Every event `record` returned for is back after a SIGKILL, however many were still
    waiting for the writer thread."""
    opener().close()
    count = 3000
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_MID_WRITE,
            str(tmp_path),
            str(count),
            opener.url,
        ],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == -9, done.stderr
    store = opener()
    conversation = store.get(done.stdout.strip())
    assert conversation is not None and conversation.title == "killed"
    texts = [e.data["parts"][0]["text"] for e in conversation.events()]
    assert texts == [str(n) for n in range(count)]
    assert (tmp_path / "journal.jsonl").stat().st_size == 0, "replayed, then emptied"


def test_two_processes_on_one_data_directory_keep_their_own_journals(tmp_path: Path) -> None:
    first = SqlStore(tmp_path)
    second = SqlStore(tmp_path)  # another process would do the same: the first one's is locked
    try:
        names = sorted(p.name for p in tmp_path.glob("journal*.jsonl"))
        assert names == ["journal-2.jsonl", "journal.jsonl"]
        conversation = first.create("demo")
        conversation.record(1, "user", {"text": "mine"})
        first.flush()
        again = second.get(conversation.id)
        assert again is not None and [e.data["text"] for e in again.events()] == ["mine"]
    finally:
        first.close()
        second.close()


def test_a_journal_line_reads_back_as_the_write_and_a_torn_one_is_refused() -> None:
    event = Event(3, "artifact", {"parts": [{"type": "text", "text": "tab\tand\nnewline é"}]})
    row = event_row("c1", 7, event)
    line = encode(("event", row)).decode()
    assert line.endswith("\n") and line.count("\n") == 1, "one line per write, always"
    assert decode(line.rstrip("\n")) == ("event", row)
    title = ("title", "c1", "Été\tà Paris")
    assert decode(encode(title).decode().rstrip("\n")) == title
    torn = line[: len(line) // 2]
    for broken in (torn, "E\tc1\t7", "nonsense"):
        try:
            decode(broken)
        except (ValueError, IndexError):
            continue
        raise AssertionError(f"{broken!r} was read as a write")
