"""When storage fails under the app: writes that fail keep the journal for the next start, a
database file deleted while the app runs is made again with what the app holds, and each kind
of failure gets advice for what it is."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from switchboard.chat.store import DB_FILE, SqlStore, StoreError
from tests.support.stores import WAIT

EVENTS_TABLE = (
    "CREATE TABLE events (conversation_id VARCHAR(64) NOT NULL REFERENCES conversations (id) "
    "ON DELETE CASCADE, seq INTEGER NOT NULL, turn INTEGER NOT NULL, kind VARCHAR(32) NOT NULL, "
    "data TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL, PRIMARY KEY (conversation_id, seq))"
)


def sql(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute(statement)
    raw.close()


def test_events_that_could_not_be_written_are_kept_in_the_journal_for_the_next_start(
    tmp_path: Path,
) -> None:
    store = SqlStore(tmp_path)
    conversation = store.create("a", title="kept")
    conversation.record(1, "user", {"text": "before"})
    assert store.flush(WAIT)
    sql(tmp_path / DB_FILE, "DROP TABLE events")  # every event write fails from here on
    for n in range(5):
        conversation.record(1, "notice", {"text": f"during {n}"})
    assert store.flush(WAIT)
    problem = store.health()
    assert problem is not None and "no such table" in problem
    assert "changed or replaced while the app ran" in problem
    store.close(WAIT)
    assert (tmp_path / "journal.jsonl").stat().st_size > 0, "the journal was kept"
    sql(tmp_path / DB_FILE, EVENTS_TABLE)  # the problem is fixed before the next start
    again = SqlStore(tmp_path)
    try:
        loaded = again.get(conversation.id)
        assert loaded is not None
        texts = [e.data["text"] for e in loaded.events()]
        assert texts == ["during 0", "during 1", "during 2", "during 3", "during 4"], (
            "the events written before are gone with the dropped table; the rest came back"
        )
    finally:
        again.close(WAIT)


def test_a_database_file_deleted_while_the_app_runs_is_made_again(tmp_path: Path) -> None:
    store = SqlStore(tmp_path)
    conversations = [store.create("a", title=f"c{n}") for n in range(8)]
    for conversation in conversations:
        conversation.record(1, "user", {"text": f"hello from {conversation.title}"})
    assert store.flush(WAIT)
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / (DB_FILE + suffix)).unlink(missing_ok=True)
    for conversation in conversations:
        conversation.record(1, "notice", {"text": "after the deletion"})
    assert store.flush(WAIT)
    assert "vanished while the app ran; it was made again" in (store.health() or "")
    store.close(WAIT)
    again = SqlStore(tmp_path)
    try:
        listed = [again.get(s.id) for s in again.list()]
        assert sorted(c.title for c in listed if c) == [f"c{n}" for n in range(8)]
        assert all([e.kind for e in c.events()] == ["user", "notice"] for c in listed if c)
    finally:
        again.close(WAIT)


def test_a_database_that_cannot_be_written_is_called_that_not_damage(tmp_path: Path) -> None:
    SqlStore(tmp_path).close(WAIT)
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    files = [tmp_path / name for name in (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm")]
    present = [f for f in files if f.exists()] + [tmp_path]  # nor can files be made beside it
    done = subprocess.run([chattr, "+i", *map(str, present)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make the file read-only here: {done.stderr.strip()}")
    try:
        with pytest.raises(StoreError) as raised:
            SqlStore(tmp_path, lock_timeout=0.2)
    finally:
        subprocess.run([chattr, "-i", *map(str, present)], check=True)
    message = str(raised.value)
    assert "cannot be written to" in message and "damaged" not in message
    assert "server is running" not in message
