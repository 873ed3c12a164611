"""The durable conversation store, on SQLite and on a throwaway PostgreSQL cluster: what is
kept, in order, per owner; and a clear message for every store that cannot be used."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from switchboard.chat.store import DB_FILE, SqlStore, StoreError
from tests.support.servers import free_port
from tests.support.stores import WAIT, Opener


def test_migrates_an_empty_database_and_reopens_an_up_to_date_one(opener: Opener) -> None:
    store = opener()
    assert opener.versions() == [1, 2]
    with opener.database() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert {"schema_version", "conversations", "events", "vault"} <= tables
    store.close(WAIT)
    again = opener()
    assert opener.versions() == [1, 2]
    assert again.list() == []


def test_reopening_keeps_every_conversation_and_event_in_order(opener: Opener) -> None:
    store = opener()
    first = store.create("Demo Agent", title="First")
    second = store.create("assistant")
    first.record(1, "user", {"text": "Hello, wörld"})
    first.record(1, "task", {"task_id": "t1", "context_id": "c1", "state": "submitted"})
    first.record(1, "status", {"task_id": "t1", "state": "input-required", "text": "More?"})
    first.record(1, "turn_end", {"reason": "input-required"})
    second.record(1, "tool_call", {"server": "s", "tool": "add", "arguments": {"a": [1, 2]}})
    second.record(1, "tool_result", {"is_error": False, "content": [{"type": "text"}]})
    store.rename(second.id, "🔧 add · s")
    expected = {c.id: c.events() for c in (first, second)}
    store.close(WAIT)

    again = opener()
    loaded = again.get(first.id)
    assert loaded is not None and loaded.events() == expected[first.id]
    assert (loaded.title, loaded.counterpart, loaded.created) == (
        "First",
        "Demo Agent",
        first.created,
    )
    assert loaded.context_id() == "c1" and loaded.pending_task() == "t1"
    assert loaded.next_turn() == 2
    other = again.get(second.id)
    assert other is not None and other.events() == expected[second.id]
    assert other.title == "🔧 add · s" and other.outcome(1) == "completed"
    assert again.get(first.id) is loaded  # one object per conversation: one shared log

    loaded.record(2, "user", {"text": "Yes"})
    again.close(WAIT)
    third = opener().get(first.id)
    assert third is not None and [e.kind for e in third.events()][-2:] == ["turn_end", "user"]


def test_a_conversation_is_kept_once_it_holds_its_first_event(opener: Opener) -> None:
    """Opening the app makes a conversation to type into: until something is said in it,
    it is no row in the database and no line in the list."""
    store = opener()
    empty, said = store.create("a"), store.create("a")
    said.record(1, "user", {"text": "hello"})
    store.rename(empty.id, "renamed before anything was said")
    assert [c.id for c in store.list()] == [said.id]
    assert store.get(empty.id) is empty, "still there to type into"
    store.close(WAIT)
    again = opener()
    assert [c.id for c in again.list()] == [said.id] and again.get(empty.id) is None
    with opener.database() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM conversations")).scalar() == 1


def test_list_is_newest_first_and_per_owner(opener: Opener) -> None:
    store = opener()
    made = [store.create("a", title=f"c{i}") for i in range(4)]
    theirs = store.create("a", title="theirs", owner="someone")
    for conversation in [*made, theirs]:
        conversation.record(1, "user", {"text": "hello"})
    assert [c.id for c in store.list()] == [c.id for c in reversed(made)]
    assert store.get(theirs.id) is None
    store.close(WAIT)
    again = opener()
    assert [c.title for c in again.list()] == ["c3", "c2", "c1", "c0"]
    assert [c.title for c in again.list(owner="someone")] == ["theirs"]
    assert again.get(theirs.id, owner="someone") is not None
    assert again.get(theirs.id) is None
    assert again.get("nope") is None


def test_search_matches_titles_and_prompts_in_any_case(opener: Opener) -> None:
    store = opener()
    by_title = store.create("a", title="Weather in PARIS")
    by_title.record(1, "user", {"text": "Forecast?"})
    by_prompt = store.create("a")
    by_prompt.record(1, "user", {"text": "Book a table in paris"})
    by_reply = store.create("a", title="Other")
    by_reply.record(1, "message", {"text": "Paris is nice"})
    store.close(WAIT)
    again = opener()
    assert [c.id for c in again.list(search="pArIs")] == [by_prompt.id, by_title.id]
    assert again.list(search="nowhere") == []
    assert len(again.list(search="")) == 3


def test_rename_is_kept_and_a_blank_title_changes_nothing(opener: Opener) -> None:
    store = opener()
    conversation = store.create("a", title="Old")
    conversation.record(1, "user", {"text": "hello"})
    store.rename(conversation.id, "  New name ")
    assert conversation.title == "New name"
    store.rename(conversation.id, "   ")
    store.close(WAIT)
    again = opener()
    assert [c.title for c in again.list()] == ["New name"]
    again.rename("nope", "x")  # an unknown id is ignored


def test_delete_removes_the_conversation_and_its_events(opener: Opener) -> None:
    store = opener()
    gone, kept = store.create("a", title="gone"), store.create("a", title="kept")
    gone.record(1, "user", {"text": "bye"})
    kept.record(1, "user", {"text": "stay"})
    store.delete(gone.id)
    gone.record(1, "turn_end", {})  # a turn still running on it is no longer kept
    assert store.get(gone.id) is None and [c.id for c in store.list()] == [kept.id]
    assert store.flush(WAIT) and store.health() is None
    store.close(WAIT)
    again = opener()
    assert again.get(gone.id) is None and [c.id for c in again.list()] == [kept.id]
    with opener.database() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 1, "kept's"


def test_concurrent_writers_keep_every_event_once_in_order(opener: Opener) -> None:
    store = opener()
    conversations = [store.create("a", title=f"c{i}") for i in range(4)]
    threads, per_thread = 8, 150
    start = threading.Barrier(threads)

    def write(worker: int) -> None:
        start.wait(WAIT)
        for n in range(per_thread):
            target = conversations[(worker + n) % len(conversations)]
            target.record(n, "message", {"worker": worker, "n": n})

    pool = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in pool)
    expected = {c.id: c.events() for c in conversations}
    assert store.flush(WAIT) and store.health() is None
    store.close(WAIT)

    again = opener()
    seen: set[tuple[int, int]] = set()
    for conversation in conversations:
        loaded = again.get(conversation.id)
        assert loaded is not None
        events = loaded.events()
        assert events == expected[conversation.id]
        pairs = [(e.data["worker"], e.data["n"]) for e in events]
        for worker in range(threads):
            mine = [n for w, n in pairs if w == worker]
            assert mine == sorted(mine)
        assert not seen & set(pairs)
        seen |= set(pairs)
    assert len(seen) == threads * per_thread


def test_a_corrupt_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    path.write_bytes(b"this is not a database, just garbage bytes\x00\xff" * 200)
    with pytest.raises(StoreError) as raised:
        SqlStore(tmp_path)
    message = str(raised.value)
    assert str(path) in message and "damaged" in message and "Move it aside" in message


def test_a_locked_sqlite_database_is_a_clear_error(tmp_path: Path) -> None:
    SqlStore(tmp_path).close(WAIT)
    holder = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError) as raised:
            SqlStore(tmp_path, lock_timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(raised.value)
    assert str(tmp_path / DB_FILE) in message and "locked" in message
    SqlStore(tmp_path).close(WAIT)  # and it opens once the lock is gone


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    SqlStore(tmp_path).close(WAIT)
    with sqlite3.connect(tmp_path / DB_FILE) as raw:
        raw.execute("INSERT INTO schema_version (version, applied) VALUES (99, 0)")
    raw.close()
    with pytest.raises(StoreError, match="newer than this switchboard"):
        SqlStore(tmp_path)


def test_an_unreachable_server_is_a_clear_error() -> None:
    url = f"postgresql://postgres:secret@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(StoreError) as raised:
        SqlStore(url=url)
    message = str(raised.value)
    assert "127.0.0.1" in message and "secret" not in message and "server is running" in message


def test_a_write_failure_is_logged_and_reported_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = SqlStore(tmp_path)
    try:
        conversation = store.create("a")
        assert store.flush(WAIT)
        with sqlite3.connect(tmp_path / DB_FILE) as raw:
            raw.execute("DROP TABLE events")
        raw.close()
        event = conversation.record(1, "user", {"text": "still here"})
        assert conversation.events() == [event]
        assert store.flush(WAIT)
        problem = store.health()
        assert problem is not None and str(tmp_path / DB_FILE) in problem
        assert any("store write failed" in r.getMessage() for r in caplog.records)
        store.rename(conversation.id, "the writer goes on")
        assert store.flush(WAIT)
    finally:
        store.close(WAIT)


def test_a_closed_store_stops_its_writer(tmp_path: Path) -> None:
    store = SqlStore(tmp_path)
    conversation = store.create("a")
    conversation.record(1, "user", {"text": "before close"})
    store.close(WAIT)
    assert not store.writing
    conversation.record(1, "user", {"text": "after close"})  # kept in memory, not written
    assert [e.data["text"] for e in conversation.events()] == ["before close", "after close"]
    reopened = SqlStore(tmp_path)
    try:
        again = reopened.get(conversation.id)
        assert again is not None, "written before the close"
        assert [e.data["text"] for e in again.events()] == ["before close"], "not after"
    finally:
        reopened.close(WAIT)


def test_an_event_this_version_cannot_read_is_skipped_not_fatal(
    opener: Opener, caplog: pytest.LogCaptureFixture
) -> None:
    store = opener()
    conversation = store.create("a", title="mixed")
    conversation.record(1, "user", {"text": "hi"})
    store.close(WAIT)
    with opener.database() as conn:  # a newer replica wrote a kind this one does not know
        conn.exec_driver_sql(
            "INSERT INTO events (conversation_id, seq, turn, kind, data, ts) "
            f"VALUES ('{conversation.id}', 1, 1, 'shout', '{{}}', 0)"
        )
        conn.commit()
    again = opener()
    loaded = again.get(conversation.id)
    assert loaded is not None and [e.kind for e in loaded.events()] == ["user"]
    assert [c.id for c in again.unfinished()] == [conversation.id]
    assert any("skipped event 1" in r.getMessage() for r in caplog.records)
