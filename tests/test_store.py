"""The durable conversation store, on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from switchboard.chat.conversation import Conversation
from switchboard.chat.store import DB_FILE, SqlStore, StoreError

WAIT = 30.0  # upper bound for any single wait; never a pass condition

Opener = Callable[[], SqlStore]


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port; its base URL (no database)."""
    bin_dir = _postgres_bin() or _install_postgres()
    root = Path(tempfile.mkdtemp(prefix="switchboard-pg-"))
    as_user = _run_as()
    if as_user:
        account = pwd.getpwnam(as_user)
        os.chown(root, account.pw_uid, account.pw_gid)
    data, port = root / "data", _free_port()
    started = time.monotonic()
    try:
        _run(as_user, bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-N")
        options = f"-h 127.0.0.1 -p {port} -k {root} -F"
        log = root / "log"
        _run(as_user, bin_dir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")
    except (OSError, subprocess.SubprocessError) as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL cluster with {bin_dir}: {error}")
    print(f"PostgreSQL cluster up in {time.monotonic() - started:.1f} s on port {port}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        _run(as_user, bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.timeout(900))],
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens a store on this test's own database, as often as the test likes; closes them all."""
    stores: list[SqlStore] = []
    if request.param == "sqlite":
        target: dict[str, str | Path] = {"data_dir": tmp_path}
        drop = None
    else:
        base = request.getfixturevalue("postgres")
        name = f"t_{uuid.uuid4().hex[:12]}"
        _admin(base, f"CREATE DATABASE {name}")
        target = {"url": f"{base}/{name}", "data_dir": tmp_path}  # the journal stays local
        drop = (base, name)

    def open_store() -> SqlStore:
        store = SqlStore(**target, lock_timeout=0.5)
        stores.append(store)
        return store

    try:
        yield open_store
    finally:
        for store in stores:
            store.close(WAIT)
        if drop is not None:
            _admin(drop[0], f"DROP DATABASE {drop[1]} WITH (FORCE)")


def test_migrates_an_empty_database_and_reopens_an_up_to_date_one(opener: Opener) -> None:
    store = opener()
    assert _versions(store) == [1]
    tables = set(sa.inspect(store._engine).get_table_names())
    assert {"schema_version", "conversations", "events"} <= tables
    store.close(WAIT)
    again = opener()
    assert _versions(again) == [1]
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
    second.title = "🔧 add · s"
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


def test_list_is_newest_first_and_per_owner(opener: Opener) -> None:
    store = opener()
    made = [store.create("a", title=f"c{i}") for i in range(4)]
    theirs = store.create("a", title="theirs", owner="someone")
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
    store.delete(gone.id)
    gone.record(1, "turn_end", {})  # a turn still running on it is no longer kept
    assert store.get(gone.id) is None and [c.id for c in store.list()] == [kept.id]
    assert store.flush(WAIT) and store.health() is None
    store.close(WAIT)
    again = opener()
    assert again.get(gone.id) is None and [c.id for c in again.list()] == [kept.id]
    with again._engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 0


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
    url = f"postgresql://postgres:secret@127.0.0.1:{_free_port()}/nothing"
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
        conversation.title = "the writer goes on"
        assert store.flush(WAIT)
    finally:
        store.close(WAIT)


def test_a_closed_store_stops_its_writer(tmp_path: Path) -> None:
    store = SqlStore(tmp_path)
    conversation = store.create("a")
    store.close(WAIT)
    assert not store._writer._thread.is_alive()
    conversation.record(1, "user", {"text": "after close"})  # kept in memory, not written
    assert isinstance(conversation, Conversation) and len(conversation.events()) == 1


def _versions(store: SqlStore) -> list[int]:
    with store._engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT version FROM schema_version")]


def _admin(base: str, statement: str) -> None:
    engine = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL server binaries, else whatever `initdb` is on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _install_postgres() -> Path:
    """Install Debian's postgresql with apt-get (as root), or skip saying what failed."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("PostgreSQL is not installed, and apt-get as root is not available")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "postgresql"]
    failure = ""
    for commands in ([install], [["apt-get", "update"], install]):
        try:
            for command in commands:
                done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
                failure = f"`{' '.join(command)}` exited {done.returncode}: {done.stderr[-300:]}"
                if done.returncode != 0:
                    break
        except (OSError, subprocess.SubprocessError) as error:
            failure = f"`{' '.join(command)}` failed: {error}"
        if _postgres_bin() is not None:
            break
    found = _postgres_bin()
    if found is None:
        pytest.skip(f"PostgreSQL is not installed and installing it failed: {failure}")
    return found


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root: then run it as the `postgres` account."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` account to run PostgreSQL as")
    return "postgres"


def _run(user: str | None, *command: str | Path) -> None:
    argv = [str(part) for part in command]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-500:]
        raise subprocess.SubprocessError(f"{' '.join(argv)} exited {done.returncode}: {tail}")


def test_a_workspace_keeps_its_conversations_across_a_restart(tmp_path: Path) -> None:
    from switchboard.chat.workspace import Workspace
    from switchboard.config import Settings
    from switchboard.demo.agent import build_app
    from tests.conftest import connect, run_turn
    from tests.support.servers import serve_app

    settings = Settings(source="test", data_dir=str(tmp_path / "data"))
    with serve_app(build_app) as url:
        first = Workspace(settings)
        agent = connect(first, url)
        conversation = first.chat.new_conversation(agent.name)
        answer = run_turn(first, conversation, "story").text()
        first.close()

        second = Workspace(settings)
        try:
            again = second.store.get(conversation.id)
            assert again is not None and again.title == "story"
            assert [e.to_dict() for e in again.events()] == [
                e.to_dict() for e in conversation.events()
            ]
            assert again.turns()[-1].text() == answer
            assert again.context_id() == conversation.context_id()
        finally:
            second.close()


def test_a_store_that_cannot_open_leaves_the_app_working_and_says_why(tmp_path: Path) -> None:
    from switchboard.chat.workspace import Workspace
    from switchboard.config import Settings

    data = tmp_path / "data"
    data.mkdir()
    (data / "conversations.db").write_bytes(b"this is not a database" * 100)
    ws = Workspace(Settings(source="test", data_dir=str(data)))
    try:
        assert "damaged" in ws.store_problem and str(data) in ws.store_problem
        assert ws.chat.new_conversation("someone").id
    finally:
        ws.close()


def test_a_restart_mid_task_resumes_the_task_and_the_answer_completes(tmp_path: Path) -> None:
    from switchboard.chat.workspace import Workspace
    from switchboard.config import AgentSettings, Settings
    from switchboard.demo.agent import build_app
    from tests.conftest import wait_for, wait_turn
    from tests.support.servers import serve_app

    with serve_app(build_app) as url:  # the agent outlives the app
        settings = Settings(
            source="test",
            data_dir=str(tmp_path / "data"),
            agents=(AgentSettings(name="demo", url=url),),
        )
        first = Workspace.open(settings)
        conversation = first.chat.new_conversation("demo")
        turn = first.chat.send(conversation.id, "slow")
        wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 3)
        first.close()  # the app stops in the middle of the task
        assert conversation.open_turns() == [(turn, conversation.last_task())]

        second = Workspace.open(settings)
        try:
            reopened = second.store.get(conversation.id)
            assert reopened is not None
            view = wait_turn(reopened, turn)
            assert view.state == "completed"
            assert view.text().splitlines() == [f"step {i} of 40" for i in range(1, 41)]
            assert "restarted during this turn" in view.notices[0]["text"]
            assert [e.kind for e in reopened.events()].count("turn_end") == 1
        finally:
            second.close()


def test_a_restart_marks_a_turn_it_cannot_resume_as_interrupted(tmp_path: Path) -> None:
    from switchboard.chat.workspace import Workspace
    from switchboard.config import Settings

    settings = Settings(source="test", data_dir=str(tmp_path / "data"))
    first = Workspace(settings)
    conversation = first.chat.new_conversation("gone")
    conversation.record(1, "user", {"text": "hello?"})  # the app stopped right after this
    first.close()

    second = Workspace.open(settings)
    try:
        view = second.store.get(conversation.id).turns()[-1]
        assert view.end_reason == "interrupted"
        assert "Interrupted" in view.notices[-1]["text"]
    finally:
        second.close()


def test_credentials_never_reach_the_store(tmp_path: Path) -> None:
    from switchboard.chat.workspace import Workspace
    from switchboard.config import Settings
    from switchboard.demo.agent import build_app
    from tests.conftest import connect, run_turn
    from tests.support.servers import serve_app

    token = "never-stored-0123456789abcdef"
    data = tmp_path / "data"
    with serve_app(build_app) as url:
        ws = Workspace(Settings(source="test", data_dir=str(data)))
        try:
            agent = connect(ws, url, headers={"Authorization": f"Bearer {token}"})
            conversation = ws.chat.new_conversation(agent.name)
            assert run_turn(ws, conversation, "story").state == "completed"
        finally:
            ws.close()
    stored = b"".join(p.read_bytes() for p in data.iterdir())
    assert b"Night Operator" in stored, "the conversation was written"
    assert token.encode() not in stored


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
    first = opener()
    url = "" if first._engine.dialect.name == "sqlite" else first._engine.url
    first.close()
    count = 3000
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_MID_WRITE,
            str(tmp_path),
            str(count),
            url if isinstance(url, str) else url.render_as_string(hide_password=False),
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


@pytest.fixture
def shared_database(postgres: str) -> Iterator[str]:
    """A fresh PostgreSQL database for replicas to share; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    _admin(postgres, f"CREATE DATABASE {name}")
    try:
        yield f"{postgres}/{name}"
    finally:
        _admin(postgres, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.timeout(900)
def test_replicas_see_each_others_events_and_claim_conversations_in_turn(
    shared_database: str,
) -> None:
    first, second = SqlStore(url=shared_database), SqlStore(url=shared_database)
    try:
        conversation = first.create("demo", title="shared")
        conversation.record(1, "user", {"text": "hi"})
        first.flush()
        seen = second.get(conversation.id)
        assert seen is not None and [e.kind for e in seen.events()] == ["user"]
        conversation.record(1, "message", {"parts": [{"type": "text", "text": "hello"}]})
        first.rename(conversation.id, "renamed")
        first.flush()
        again = second.get(conversation.id)
        assert again is seen, "the cached conversation caught up"
        assert [e.kind for e in again.events()] == ["user", "message"]
        assert again.title == "renamed"

        assert first.claim(conversation.id) and first.claim(conversation.id), "claims nest"
        assert not second.claim(conversation.id)
        first.release(conversation.id)
        assert not second.claim(conversation.id), "still held once"
        first.release(conversation.id)
        assert second.claim(conversation.id)
        second.release(conversation.id)
        assert first.claim(conversation.id)
        first.close()  # a replica that stops (or dies) lets go of what it held
        assert second.claim(conversation.id)
    finally:
        first.close()
        second.close()


@pytest.mark.timeout(900)
def test_a_replica_starting_leaves_another_ones_running_turn_alone(
    shared_database: str, demo_agent: str
) -> None:
    from switchboard.chat.workspace import Workspace
    from switchboard.config import AgentSettings, Settings
    from tests.conftest import wait_for, wait_turn

    settings = Settings(
        source="test",
        database_url=shared_database,
        agents=(AgentSettings(name="demo", url=demo_agent),),
    )
    first = Workspace.open(settings)
    conversation = first.chat.new_conversation("demo")
    turn = first.chat.send(conversation.id, "slow")
    wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 2)
    second = Workspace.open(settings)  # another replica starts meanwhile
    try:
        assert not second.chat.is_running(conversation.id)
        first.close()  # the replica running the turn stops in the middle of it
        probe = SqlStore(url=shared_database)
        stored = probe.get(conversation.id)
        probe.close()
        assert stored is not None and stored.open_turns() == [(turn, conversation.last_task())]
        kinds = {e.kind for e in stored.events()}
        assert "notice" not in kinds, "the second replica did not touch the running turn"
        third = Workspace.open(settings)  # a restart picks it up
        try:
            reopened = third.store.get(conversation.id)
            assert reopened is not None
            view = wait_turn(reopened, turn)
            assert view.state == "completed" and "step 40 of 40" in view.text()
        finally:
            third.close()
    finally:
        second.close()


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
