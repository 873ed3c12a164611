"""The durable conversation store: SQLite in a data directory, or PostgreSQL by URL.

Same methods as the in-memory `ConversationStore`. Conversations are loaded once per process
and kept (so every caller shares one log); every event recorded on them is queued and written
by one writer thread, so recording never waits on the database. Each queued write is first
appended to a journal file (one `write()`, no waiting on the database), so a process killed
before the writer got to it loses nothing: the next start replays the journal. The schema is
versioned by the numbered migrations at the bottom of this module.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from switchboard.chat.conversation import Conversation, matches
from switchboard.chat.events import Event
from switchboard.runtime import EventLog

log = logging.getLogger(__name__)

DB_FILE = "conversations.db"
JOURNAL_GLOB = (
    "journal*.jsonl"  # one per process using the data directory: journal.jsonl, journal-2.jsonl…
)


class StoreError(Exception):
    """The store cannot be opened or read; the message says what happened and what to do."""


@dataclass(eq=False)
class StoredConversation(Conversation):
    """A conversation whose recorded events and title changes are also queued for writing."""

    _writer: _Writer | None = field(default=None, repr=False)
    _seq: int = field(default=0, repr=False)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def record(self, turn: int, kind: str, data: dict[str, Any] | None = None) -> Event:
        """Append an event to the log (from any thread), queue it for the store, return it."""
        with self._write_lock:  # the log order and the stored order are the same
            event = super().record(turn, kind, data)
            if self._writer is not None:
                self._writer.put(("event", _event_row(self.id, self._seq, event)))
                self._seq += 1
        return event

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "title":
            writer = self.__dict__.get("_writer")
            if writer is not None:
                writer.put(("title", self.id, value))

    def _detach(self) -> None:
        with self._write_lock:
            self._writer = None

    def _adopt(self, rows: list[tuple[int, Event]], title: str | None) -> None:
        """Take events another replica wrote (by sequence number) and its title, unwritten."""
        with self._write_lock:
            for seq, event in rows:
                if seq == self._seq:  # a lower one is ours, recorded meanwhile
                    with self._lock:
                        self._note(event)
                    self.log.append(event)
                    self._seq += 1
            if title is not None and title != self.title:
                object.__setattr__(self, "title", title)


class SqlStore:
    """Conversations in SQLite (`data_dir`/conversations.db) or in PostgreSQL (`url`)."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        url: str | None = None,  # PostgreSQL; `data_dir` then only holds the journal
        lock_timeout: float = 5.0,
        read_timeout: float = 10.0,
    ) -> None:
        if url is None:
            if data_dir is None:
                raise ValueError("SqlStore needs a data directory or a database URL")
            path = Path(data_dir).expanduser().resolve() / DB_FILE
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"Cannot create the data directory {path.parent}: {error}. "
                    "Choose a directory you can write to."
                ) from error
            _check_sqlite_file(path, lock_timeout)
            target = sa.URL.create("sqlite+pysqlite", database=str(path))
            self.where = str(path)
        else:
            target = sa.make_url(url)
            if target.drivername in ("postgresql", "postgres"):
                target = target.set(drivername="postgresql+psycopg")
            self.where = target.render_as_string(hide_password=True)
        self._engine = _engine(target, lock_timeout)
        self._read_timeout = read_timeout
        try:
            with self._engine.begin() as conn:
                _migrate(conn, self.where)
        except StoreError:
            self._engine.dispose()
            raise
        except sa.exc.SQLAlchemyError as error:
            self._engine.dispose()
            raise StoreError(_open_advice(self.where, error)) from error
        journal = None
        if data_dir is not None:
            directory = Path(data_dir).expanduser().resolve()
            directory.mkdir(parents=True, exist_ok=True)
            journal = _own_journal(directory)
            try:
                for path, fd in _orphan_journals(directory, journal):
                    try:
                        _replay(self._engine, path, fd)
                    finally:
                        os.close(fd)
            except BaseException:
                os.close(journal)
                self._engine.dispose()
                raise
        self._writer = _Writer(self._engine, self.where, journal)
        self._cache: dict[str, tuple[str, StoredConversation]] = {}
        self._deleted: set[str] = set()
        self._lock = threading.Lock()
        self._last_created = 0.0
        # PostgreSQL may be shared by several replicas: their claims on conversations are
        # advisory locks held by this one connection (the database drops them if we die).
        self.shared = self._engine.dialect.name == "postgresql"
        self._claims: dict[str, int] = {}
        self._claims_lock = threading.Lock()
        self._claims_conn: Connection | None = None

    def create(self, counterpart: str, title: str = "", owner: str = "local") -> Conversation:
        """A new conversation, kept at once and written in the background."""
        with self._lock:
            created = max(time.time(), self._last_created + 1e-6)  # newest-first stays strict
            self._last_created = created
        conversation = StoredConversation(
            id=uuid.uuid4().hex[:12], counterpart=counterpart, title=title, created=created
        )
        return self._keep(conversation, owner)

    def add(
        self, counterpart: str, title: str, events: list[Event], owner: str = "local"
    ) -> Conversation:
        """A new conversation holding `events` (an import), under a new id, written at once
        in the background."""
        created = events[0].ts if events else time.time()
        conversation = StoredConversation(
            id=uuid.uuid4().hex[:12],
            counterpart=counterpart,
            title=title,
            created=created,
            log=EventLog(events),
        )
        return self._keep(conversation, owner)

    def get(self, conversation_id: str, owner: str | None = "local") -> Conversation | None:
        """The conversation with all its events, or None (unknown, or someone else's; `owner`
        None: anyone's, for the service acting on a conversation a page already checked)."""
        with self._lock:
            found = self._cache.get(conversation_id)
        if found is None:
            self.flush(self._read_timeout)
            found = self._load(
                sa.select(_conversations).where(_conversations.c.id == conversation_id)
            ).get(conversation_id)
        elif self.shared:
            self._catch_up(found[1])
        return found[1] if found is not None and owner in (None, found[0]) else None

    def claim(self, conversation_id: str) -> bool:
        """Make this process the one that runs turns in the conversation until `release`;
        False when another replica sharing the database has it. Claims nest."""
        if not self.shared:
            return True
        with self._claims_lock:
            held = self._claims.get(conversation_id, 0)
            if not held and not self._lock_in_database("pg_try_advisory_lock", conversation_id):
                return False
            self._claims[conversation_id] = held + 1
        return True

    def release(self, conversation_id: str) -> None:
        """Undo one `claim`; the last one lets other replicas have the conversation."""
        if not self.shared:
            return
        with self._claims_lock:
            held = self._claims.get(conversation_id, 0) - 1
            if held > 0:
                self._claims[conversation_id] = held
                return
            self._claims.pop(conversation_id, None)
            if held == 0:
                self._lock_in_database("pg_advisory_unlock", conversation_id)

    def list(self, owner: str = "local", search: str = "") -> list[Conversation]:
        """Newest first; `search` matches titles and the person's prompts, in any case."""
        self.flush(self._read_timeout)
        query = (
            sa.select(_conversations)
            .where(_conversations.c.owner == owner)
            .order_by(_conversations.c.created.desc())
        )
        found = self._load(query)
        mine = [c for who, c in found.values() if who == owner]
        if search:
            mine = [c for c in mine if matches(c, search)]
        return sorted(mine, key=lambda c: c.created, reverse=True)

    def unfinished(self) -> list[Conversation]:
        """Conversations (of every owner) with a turn that started but never ended: after a
        restart, the ones the app was in the middle of."""
        self.flush(self._read_timeout)
        started = sa.select(_events.c.conversation_id, _events.c.turn).where(
            _events.c.kind.in_(("user", "resume", "tool_call"))
        )
        ended = sa.select(_events.c.conversation_id, _events.c.turn).where(
            _events.c.kind == "turn_end"
        )
        open_turns = started.except_(ended).subquery()
        query = sa.select(_conversations).where(
            _conversations.c.id.in_(sa.select(open_turns.c.conversation_id))
        )
        return [conversation for _, conversation in self._load(query).values()]

    def rename(self, conversation_id: str, title: str) -> None:
        """Give the conversation a new title (a blank one keeps the old title)."""
        conversation = self.get(conversation_id, owner=None)
        if conversation is not None:
            conversation.title = title.strip() or conversation.title

    def delete(self, conversation_id: str) -> None:
        """Forget the conversation and its events; events still recorded on it are not kept."""
        with self._lock:
            found = self._cache.pop(conversation_id, None)
            self._deleted.add(conversation_id)
            self._writer.put(("delete", conversation_id))
        if found is not None:
            found[1]._detach()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or failed); False on timeout."""
        return self._writer.flush(timeout)

    def health(self) -> str | None:
        """The last write failure, for the UI; None while every write has succeeded."""
        return self._writer.error

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, stop the writer thread and close the database."""
        with self._lock:
            cached = [c for _, c in self._cache.values()]
        for conversation in cached:
            conversation._detach()
        self._writer.close(timeout)
        with self._claims_lock:
            if self._claims_conn is not None:
                self._claims_conn.close()  # every claim goes with it
                self._claims_conn = None
            self._claims.clear()
        self._engine.dispose()

    def _lock_in_database(self, function: str, conversation_id: str) -> bool:
        """Run an advisory-lock function on the claims connection (with `_claims_lock` held)."""
        try:
            if self._claims_conn is None:
                self._claims_conn = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            query = sa.text(f"SELECT {function}(hashtextextended(:id, 0))")
            return bool(self._claims_conn.execute(query, {"id": conversation_id}).scalar())
        except sa.exc.SQLAlchemyError as error:
            log.error("store: %s(%s) failed: %s", function, conversation_id, _reason(error))
            self._claims_conn = None
            return function != "pg_try_advisory_lock"

    def _catch_up(self, conversation: StoredConversation) -> None:
        """Add what other replicas recorded in a cached conversation, and its current title."""
        self.flush(self._read_timeout)
        start = conversation._seq
        try:
            with self._engine.connect() as conn:
                title = conn.execute(
                    sa.select(_conversations.c.title).where(_conversations.c.id == conversation.id)
                ).scalar()
                rows = (
                    conn.execute(
                        sa.select(_events)
                        .where(_events.c.conversation_id == conversation.id, _events.c.seq >= start)
                        .order_by(_events.c.seq)
                    )
                    .mappings()
                    .all()
                )
        except sa.exc.SQLAlchemyError as error:
            log.warning("store: cannot refresh %s: %s", conversation.id, _reason(error))
            return
        conversation._adopt(
            [(r["seq"], Event(r["turn"], r["kind"], json.loads(r["data"]), r["ts"])) for r in rows],
            title,
        )

    def _keep(self, conversation: StoredConversation, owner: str) -> Conversation:
        """Cache a new conversation and queue it, with the events it already holds, for writing;
        from then on it writes what it records."""
        row = {
            "id": conversation.id,
            "counterpart": conversation.counterpart,
            "title": conversation.title,
            "created": conversation.created,
            "owner": owner,
        }
        events = conversation.events()
        with self._lock:
            self._cache[conversation.id] = (owner, conversation)
            self._writer.put(("conversation", row))
            for seq, event in enumerate(events):
                self._writer.put(("event", _event_row(conversation.id, seq, event)))
            conversation._seq = len(events)
            conversation._writer = self._writer
        return conversation

    def _load(self, query: sa.Select[Any]) -> dict[str, tuple[str, StoredConversation]]:
        """The conversations `query` selects, each with its events, from the cache when there."""
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
                with self._lock:
                    missing = [r["id"] for r in rows if r["id"] not in self._cache]
                events: dict[str, list[tuple[int, Event]]] = {cid: [] for cid in missing}
                for chunk in _chunks(missing, 500):
                    selected = (
                        sa.select(_events)
                        .where(_events.c.conversation_id.in_(chunk))
                        .order_by(_events.c.conversation_id, _events.c.seq)
                    )
                    for e in conn.execute(selected).mappings():
                        event = Event(e["turn"], e["kind"], json.loads(e["data"]), e["ts"])
                        events[e["conversation_id"]].append((e["seq"], event))
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(
                f"Cannot read conversations from {self.where}: {_reason(error)}. "
                "Check that the database is reachable and not locked by another program."
            ) from error
        found: dict[str, tuple[str, StoredConversation]] = {}
        for r in rows:
            cid = r["id"]
            with self._lock:
                if cid in self._deleted:  # deleted while we were reading
                    continue
                cached = self._cache.get(cid)
                if cached is None:
                    loaded = events[cid]
                    conversation = StoredConversation(
                        id=cid,
                        counterpart=r["counterpart"],
                        title=r["title"],
                        created=r["created"],
                        log=EventLog(e for _, e in loaded),
                        _seq=loaded[-1][0] + 1 if loaded else 0,
                    )
                    conversation._writer = self._writer
                    cached = self._cache[cid] = (r["owner"], conversation)
            found[cid] = cached
        return found


# The current schema, for queries; the migrations below create and change it.
_metadata = sa.MetaData()
_conversations = sa.Table(
    "conversations",
    _metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("counterpart", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
)
_events = sa.Table(
    "events",
    _metadata,
    sa.Column("conversation_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("turn", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("ts", sa.Double, nullable=False),
)
_schema_version = sa.Table(
    "schema_version",
    _metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied", sa.Double, nullable=False),
)


def _migration_1(conn: Connection) -> None:
    """Conversations and their events."""
    conn.exec_driver_sql(
        "CREATE TABLE conversations ("
        " id VARCHAR(64) PRIMARY KEY,"
        " counterpart TEXT NOT NULL,"
        " title TEXT NOT NULL DEFAULT '',"
        " created DOUBLE PRECISION NOT NULL,"
        " owner VARCHAR(200) NOT NULL DEFAULT 'local')"
    )
    conn.exec_driver_sql(
        "CREATE INDEX conversations_owner_created ON conversations (owner, created)"
    )
    conn.exec_driver_sql(
        "CREATE TABLE events ("
        " conversation_id VARCHAR(64) NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
        " seq INTEGER NOT NULL,"
        " turn INTEGER NOT NULL,"
        " kind VARCHAR(32) NOT NULL,"
        " data TEXT NOT NULL,"
        " ts DOUBLE PRECISION NOT NULL,"
        " PRIMARY KEY (conversation_id, seq))"
    )


# Numbered migrations: MIGRATIONS[n - 1] takes a database from version n - 1 to n. Append only.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_migration_1,)


def _migrate(conn: Connection, where: str) -> None:
    """Bring the database up to the last migration, each one in the open transaction."""
    _schema_version.create(conn, checkfirst=True)
    current = conn.execute(sa.select(sa.func.max(_schema_version.c.version))).scalar() or 0
    if current > len(MIGRATIONS):
        raise StoreError(
            f"The database {where} has schema version {current}, newer than this switchboard "
            f"knows ({len(MIGRATIONS)}). Upgrade switchboard, or use another data directory."
        )
    for version in range(current + 1, len(MIGRATIONS) + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(sa.insert(_schema_version).values(version=version, applied=time.time()))
        log.info("store %s migrated to schema version %d", where, version)


_STOP = ("stop",)


class _Writer:
    """The one thread that writes: takes queued operations in batches, one transaction each."""

    def __init__(self, engine: Engine, where: str, journal: int | None = None) -> None:
        self.error: str | None = None
        self._engine = engine
        self._where = where
        self._journal = journal  # an fd opened for appending, locked for this process
        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._cond = threading.Condition()
        self._queued = 0
        self._done = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="switchboard-store", daemon=True)
        self._thread.start()

    def put(self, op: tuple[Any, ...]) -> None:
        with self._cond:
            if self._closed:
                log.warning("store %s is closed: %s not written", self._where, op[0])
                return
            if self._journal is not None:
                self._append(op)
            self._queued += 1
            self._queue.put(op)

    def _append(self, op: tuple[Any, ...]) -> None:
        """Journal `op` before it is queued: it survives the process from here on."""
        assert self._journal is not None
        try:
            os.write(self._journal, _journal_line(op))
        except OSError as error:  # a full disk: keep writing to the database without it
            log.error("store journal failed, continuing without it: %s", error)
            os.close(self._journal)
            self._journal = None

    def flush(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._queued
            while self._done < target:
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float) -> None:
        with self._cond:
            if self._closed:
                return
            self._queued += 1
            self._queue.put(_STOP)
            self._closed = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("store %s: the writer did not finish within %.1f s", self._where, timeout)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < 1000:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            ops = [op for op in batch if op is not _STOP]
            if ops:
                self._write(ops)
            with self._cond:
                self._done += len(batch)
                if self._done == self._queued and self._journal is not None:
                    os.ftruncate(self._journal, 0)  # everything journalled is in the database
                self._cond.notify_all()
            if len(ops) < len(batch):
                if self._journal is not None:
                    os.close(self._journal)
                return

    def _write(self, ops: list[tuple[Any, ...]]) -> None:
        """All of `ops` in one transaction; if that fails, each on its own, logging failures."""
        try:
            with self._engine.begin() as conn:
                _apply(conn, ops)
            return
        except Exception as error:  # a write failure must never stop the writer
            if len(ops) == 1:
                self._failed(ops, error)
                return
        for op in ops:
            try:
                with self._engine.begin() as conn:
                    _apply(conn, [op])
            except Exception as error:
                self._failed([op], error)

    def _failed(self, ops: list[tuple[Any, ...]], error: Exception) -> None:
        what = ", ".join(sorted({op[0] for op in ops}))
        self.error = (
            f"Could not save to {self._where} ({what}): {_reason(error)}. This session's "
            "conversations stay in memory; check the disk, the file's permissions or the server."
        )
        log.error("store write failed: %s", self.error)


def _own_journal(directory: Path) -> int:
    """Open and lock (for as long as this process lives) the first journal no other live
    process holds; its fd, appending. What a dead process left in it is replayed first."""
    for number in itertools.count(1):
        path = directory / ("journal.jsonl" if number == 1 else f"journal-{number}.jsonl")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    raise AssertionError("unreachable")


def _orphan_journals(directory: Path, own: int) -> list[tuple[Path, int]]:
    """Every journal in `directory` no live process holds (our own included), locked."""
    found = []
    for path in sorted(directory.glob(JOURNAL_GLOB)):
        if os.path.samestat(os.fstat(own), path.stat()):
            found.append((path, os.dup(own)))
            continue
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live process writes it: not ours to replay
            os.close(fd)
            continue
        found.append((path, fd))
    return found


def _replay(engine: Engine, journal: Path, fd: int) -> None:
    """Write what a previous process journalled but may not have written (it was killed), then
    empty the journal. Rows already written are skipped; a torn last line is ignored."""
    if os.fstat(fd).st_size == 0:
        return
    ops: list[tuple[Any, ...]] = []
    for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            ops.append(_journal_op(line))
        except (ValueError, IndexError):  # a line torn by the kill
            continue
    deleted = {op[1] for op in ops if op[0] == "delete"}
    kept = [op for op in ops if op[0] == "delete" or _op_conversation(op) not in deleted]
    try:
        with engine.begin() as conn:
            _apply(conn, kept, replay=True)
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(
            f"Could not replay the journal {journal} into {engine.url}: {_reason(error)}. "
            "Move the journal aside to start without its last writes."
        ) from error
    os.ftruncate(fd, 0)
    log.info("store: replayed %d journalled writes from %s", len(kept), journal.name)


def _journal_line(op: tuple[Any, ...]) -> bytes:
    """One journal line. An event's data is already JSON (it never holds a raw tab or newline),
    so it goes in as it is: encoding it again would cost the loop more than the write."""
    if op[0] == "event":
        r = op[1]
        head = f"E\t{r['conversation_id']}\t{r['seq']}\t{r['turn']}\t{r['kind']}\t{r['ts']!r}"
        return f"{head}\t{r['data']}\n".encode()
    return ("J\t" + json.dumps(op, default=str) + "\n").encode()


def _journal_op(line: str) -> tuple[Any, ...]:
    """The inverse of `_journal_line`; raises ValueError or IndexError for a torn line."""
    tag, rest = line.split("\t", 1)
    if tag == "J":
        return tuple(json.loads(rest))
    conversation_id, seq, turn, kind, ts, data = rest.split("\t", 5)
    json.loads(data)  # a torn line ends mid-JSON
    row = {
        "conversation_id": conversation_id,
        "seq": int(seq),
        "turn": int(turn),
        "kind": kind,
        "data": data,
        "ts": float(ts),
    }
    return ("event", row)


def _op_conversation(op: tuple[Any, ...]) -> str:
    return (
        op[1]["conversation_id"]
        if op[0] == "event"
        else op[1]["id"]
        if op[0] == "conversation"
        else op[1]
    )


def _apply(conn: Connection, ops: Sequence[tuple[Any, ...]], replay: bool = False) -> None:
    """Run `ops` in order, inserting runs of consecutive events together. On `replay`, rows
    that are already there are skipped."""
    insert = _insert_ignoring(conn) if replay else sa.insert
    rows: list[dict[str, Any]] = []
    for op in ops:
        if op[0] == "event":
            rows.append(op[1])
            continue
        if rows:
            conn.execute(insert(_events), rows)
            rows = []
        if op[0] == "conversation":
            conn.execute(insert(_conversations), [op[1]])
        elif op[0] == "title":
            conn.execute(
                sa.update(_conversations).where(_conversations.c.id == op[1]).values(title=op[2])
            )
        elif op[0] == "delete":
            conn.execute(sa.delete(_events).where(_events.c.conversation_id == op[1]))
            conn.execute(sa.delete(_conversations).where(_conversations.c.id == op[1]))
    if rows:
        conn.execute(insert(_events), rows)


def _insert_ignoring(conn: Connection) -> Callable[[sa.Table], Any]:
    """INSERT … ON CONFLICT DO NOTHING in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return lambda table: insert(table).on_conflict_do_nothing()


def _event_row(conversation_id: str, seq: int, event: Event) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "seq": seq,
        "turn": event.turn,
        "kind": event.kind,
        "data": json.dumps(event.data, ensure_ascii=False, default=str),
        "ts": event.ts,
    }


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _engine(url: sa.URL, lock_timeout: float) -> Engine:
    """An engine for `url`; SQLite connections wait `lock_timeout` for locks and enforce keys."""
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(
        url, connect_args={"timeout": lock_timeout, "check_same_thread": False}
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN below, so DDL is transactional
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _check_sqlite_file(path: Path, lock_timeout: float) -> None:
    """Open the file once by hand, so a corrupt or locked database fails now, clearly."""
    try:
        raw = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(
            f"Cannot open the conversation database {path}: {error}. "
            "Check that the directory exists and that you may write to it."
        ) from error
    try:
        raw.execute("BEGIN IMMEDIATE")  # takes the write lock: fails now if someone holds it
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raw.execute("ROLLBACK")
        raw.execute("PRAGMA journal_mode = WAL")  # readers and the writer do not block each other
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise StoreError(
                f"The conversation database {path} is locked by another program ({error}). "
                "Close the other switchboard (or whatever holds the file) and start again, "
                "or use another data directory."
            ) from error
        raise StoreError(_corrupt_advice(path, error)) from error
    except sqlite3.DatabaseError as error:
        raise StoreError(_corrupt_advice(path, error)) from error
    finally:
        raw.close()


def _corrupt_advice(path: Path, error: Exception) -> str:
    return (
        f"The conversation database {path} cannot be read ({error}): it is damaged or is not "
        "a SQLite database. Move it aside (your conversations in it are lost unless you can "
        "repair it with `sqlite3 .recover`) and start again, or use another data directory."
    )


def _open_advice(where: str, error: sa.exc.SQLAlchemyError) -> str:
    return (
        f"Cannot open the conversation database {where}: {_reason(error)}. Check that the "
        "server is running and reachable, and the URL, user and password are right."
    )


def _reason(error: Exception) -> str:
    """The driver's own message, without SQLAlchemy's statement dump."""
    original = getattr(error, "orig", None)
    return str(original or error).strip().splitlines()[0]
