"""The durable store: SQLite in a data directory, or PostgreSQL by URL.

A conversation is loaded when asked for and is one object for as long as anyone holds it, so
every caller shares one log; the most recently used are kept besides, the rest leave memory
(see cache.py). The list reads rows, not logs (see summaries.py). Each event recorded goes to
the writer thread (through the journal), so recording never waits on the database. With
PostgreSQL several replicas may share the database: a cached conversation catches up on what
others wrote when it is opened, and turns are claimed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from switchboard.chat.conversation import Conversation, Summary
from switchboard.chat.events import Event
from switchboard.chat.store.base import LOCAL_OWNER, StoreError, imported, new_id
from switchboard.chat.store.cache import KEPT, ConversationCache
from switchboard.chat.store.claims import Claims
from switchboard.chat.store.engines import engine, open_advice, server_target, sqlite_target
from switchboard.chat.store.journal import Journal, reason
from switchboard.chat.store.rows import Op, conversation_row, event_row, row_event
from switchboard.chat.store.schema import conversations, events, migrate
from switchboard.chat.store.sealed import sql_vault
from switchboard.chat.store.summaries import chunks, summaries, with_text
from switchboard.chat.store.writer import Writer
from switchboard.connections.updates import Kind
from switchboard.runtime import EventLog

log = logging.getLogger(__name__)


class SqlStore:
    """Conversations in SQLite (`data_dir`/conversations.db) or in PostgreSQL (`url`)."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        url: str | None = None,  # PostgreSQL; `data_dir` then only holds the journal
        lock_timeout: float = 5.0,
        read_timeout: float = 10.0,
        secret_key: str = "",  # seals the vault (see chat.store.keys)
        kept: int = KEPT,  # conversations kept in memory though nobody holds them
    ) -> None:
        watch = None
        if url is not None:
            target, self.where = server_target(url)
        elif data_dir is not None:
            target, self.where = sqlite_target(data_dir, lock_timeout)
            watch = Path(self.where)
        else:
            raise ValueError("SqlStore needs a data directory or a database URL")
        self._engine = engine(target, lock_timeout)
        self._read_timeout = read_timeout
        journal = self._open(data_dir)
        self._writer = Writer(self._engine, self.where, journal, watch, self._everything)
        self._cache = ConversationCache(kept)
        self._deleted: set[str] = set()
        self._lock = threading.Lock()
        self._last_created = 0.0
        self.shared = self._engine.dialect.name == "postgresql"
        self._claims = Claims(self._engine)
        self.vault = sql_vault(self._engine, self.where, data_dir, self.shared, secret_key)

    def create(self, counterpart: str, title: str = "", owner: str = LOCAL_OWNER) -> Conversation:
        """A new conversation, kept at once and written in the background."""
        with self._lock:
            created = max(time.time(), self._last_created + 1e-6)  # newest-first stays strict
            self._last_created = created
        return self._keep(Conversation(new_id(), counterpart, title, created), owner)

    def add(
        self, counterpart: str, title: str, events: list[Event], owner: str = LOCAL_OWNER
    ) -> Conversation:
        """A new conversation holding `events` (an import), under a new id."""
        return self._keep(imported(counterpart, title, events), owner)

    def get(self, conversation_id: str, owner: str | None = LOCAL_OWNER) -> Conversation | None:
        """The conversation with all its events, or None (unknown, or someone else's)."""
        found = self._cache.get(conversation_id)
        if found is None:
            self.flush(self._read_timeout)
            query = sa.select(conversations).where(conversations.c.id == conversation_id)
            found = self._load(query).get(conversation_id)
        elif self.shared:
            self._catch_up(found)
        return found if found is not None and owner in (None, found.owner) else None

    def list(
        self, owner: str = LOCAL_OWNER, search: str = "", limit: int | None = None
    ) -> list[Summary]:
        """Newest first; `search` matches titles and the person's prompts, in any case; read
        from the rows (no conversation is loaded)."""
        self.flush(self._read_timeout)
        try:
            with self._engine.connect() as conn:
                listed = summaries(conn, owner, search, limit)
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(self._unreadable(error)) from error
        with self._lock:
            return [s for s in listed if s.id not in self._deleted]

    def with_task(self, task_id: str, owner: str = LOCAL_OWNER) -> Conversation | None:
        """`owner`'s newest conversation that was in task `task_id`, if any."""
        self.flush(self._read_timeout)
        try:
            with self._engine.connect() as conn:
                candidates = with_text(conn, owner, task_id)
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(self._unreadable(error)) from error
        for conversation_id in candidates:
            conversation = self.get(conversation_id, owner)
            if conversation is not None and conversation.holds_task(task_id):
                return conversation
        return None

    def unfinished(self) -> list[Conversation]:
        """Conversations (of every owner) with a turn that started but never ended: after a
        restart, the ones the app was in the middle of."""
        self.flush(self._read_timeout)
        started = sa.select(events.c.conversation_id, events.c.turn).where(
            events.c.kind.in_((Kind.USER, Kind.RESUME, Kind.TOOL_CALL))
        )
        ended = sa.select(events.c.conversation_id, events.c.turn).where(
            events.c.kind == Kind.TURN_END
        )
        open_turns = started.except_(ended).subquery()
        query = sa.select(conversations).where(
            conversations.c.id.in_(sa.select(open_turns.c.conversation_id))
        )
        return list(self._load(query).values())

    def rename(self, conversation_id: str, title: str) -> None:
        """Give the conversation a new title (a blank one keeps the old title)."""
        conversation = self._cache.get(conversation_id) or self.get(conversation_id, owner=None)
        if conversation is not None and title.strip():
            conversation.title = title.strip()
            self._writer.put(("title", conversation_id, conversation.title))

    def delete(self, conversation_id: str) -> None:
        """Forget the conversation and its events; events still recorded on it are not kept."""
        with self._lock:
            found = self._cache.pop(conversation_id)
            if found is not None:  # first, so nothing it records later is written after this
                found.attach(None)
            self._deleted.add(conversation_id)
            self._writer.put(("delete", conversation_id))

    def claim(self, conversation_id: str) -> bool:
        """Make this process the one that runs turns in the conversation until `release`;
        False when another replica sharing the database has it. Claims nest."""
        return self._claims.claim(conversation_id) if self.shared else True

    def release(self, conversation_id: str) -> None:
        """Undo one `claim`; the last one lets other replicas have the conversation."""
        if self.shared:
            self._claims.release(conversation_id)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or failed); False on timeout."""
        return self._writer.flush(timeout)

    def health(self) -> str | None:
        """The last write failure, for the UI; None while every write has succeeded."""
        return self._writer.error

    @property
    def writing(self) -> bool:
        """True until the store is closed and its writer has stopped."""
        return self._writer.alive

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, stop the writer thread and close the database."""
        for conversation in self._cache.values():
            conversation.attach(None)
        self._writer.close(timeout)
        self._claims.close()
        self._engine.dispose()

    def _open(self, data_dir: str | Path | None) -> Journal | None:
        """Migrate the schema and replay what dead processes journalled; this one's journal."""
        try:
            with self._engine.begin() as conn:
                migrate(conn, self.where)
        except StoreError:
            self._engine.dispose()
            raise
        except sa.exc.SQLAlchemyError as error:
            self._engine.dispose()
            sqlite = self._engine.dialect.name == "sqlite"
            raise StoreError(open_advice(self.where, error, sqlite)) from error
        if data_dir is None:
            return None
        directory = Path(data_dir).expanduser().resolve()
        directory.mkdir(parents=True, exist_ok=True)
        journal = Journal(directory)
        try:
            journal.replay_into(self._engine)
        except BaseException:
            journal.close()
            self._engine.dispose()
            raise
        return journal

    def _everything(self) -> list[Op]:
        """What writes every conversation this process holds, from the start (to make a
        vanished database again)."""
        ops: list[Op] = []
        for conversation in self._cache.values():
            events = conversation.events()
            if not events:  # never written (see _keep)
                continue
            ops.append(("conversation", conversation_row(conversation, conversation.owner)))
            ops += [("event", event_row(conversation.id, n, e)) for n, e in enumerate(events)]
        return ops

    def _sink(self, conversation_id: str, seq: int, event: Event) -> None:
        if seq == 0:  # its first event: only now is the conversation written
            kept = self._cache.get(conversation_id)
            if kept is not None:
                self._writer.put(("conversation", conversation_row(kept, kept.owner)))
        self._writer.put(("event", event_row(conversation_id, seq, event)))

    def _keep(self, conversation: Conversation, owner: str) -> Conversation:
        """Cache a new conversation and queue the events it already holds for writing; from
        then on it writes what it records. One that never records anything is never
        written (a visit that sends nothing leaves no row)."""
        conversation.owner = owner
        self._cache.put(conversation)
        for seq, event in enumerate(conversation.events()):
            self._sink(conversation.id, seq, event)
        conversation.attach(self._sink)
        return conversation

    def _catch_up(self, conversation: Conversation) -> None:
        """Add what other replicas recorded in a cached conversation, and its current title."""
        self.flush(self._read_timeout)
        try:
            with self._engine.connect() as conn:
                title = conn.execute(
                    sa.select(conversations.c.title).where(conversations.c.id == conversation.id)
                ).scalar()
                query = (
                    sa.select(events)
                    .where(
                        events.c.conversation_id == conversation.id,
                        events.c.seq >= conversation.seq,
                    )
                    .order_by(events.c.seq)
                )
                rows = conn.execute(query).mappings().all()
        except sa.exc.SQLAlchemyError as error:
            log.warning("store: cannot refresh %s: %s", conversation.id, reason(error))
            return
        conversation.adopt((seq, event) for seq, event, _ in readable(rows))
        if title is not None:
            conversation.title = title

    def _load(self, query: sa.Select[Any]) -> dict[str, Conversation]:
        """The conversations `query` selects, each with its events, from the cache when there."""
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
                held = {r["id"]: self._cache.get(r["id"]) for r in rows}  # kept for this call
                loaded = self._events_of(conn, [i for i, c in held.items() if c is None])
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(self._unreadable(error)) from error
        found: dict[str, Conversation] = {}
        for r in rows:
            with self._lock:
                if r["id"] in self._deleted:  # deleted while we were reading
                    continue
            found[r["id"]] = held[r["id"]] or self._cache.put(self._revive(r, loaded[r["id"]]))
        return found

    def _unreadable(self, error: sa.exc.SQLAlchemyError) -> str:
        return (
            f"Cannot read conversations from {self.where}: {reason(error)}. "
            "Check that the database is reachable and not locked by another program."
        )

    def _events_of(self, conn: sa.Connection, ids: list[str]) -> dict[str, list[tuple[int, Event]]]:
        """The stored events of these conversations, by conversation, in order."""
        loaded: dict[str, list[tuple[int, Event]]] = {cid: [] for cid in ids}
        for chunk in chunks(ids):
            selected = (
                sa.select(events)
                .where(events.c.conversation_id.in_(chunk))
                .order_by(events.c.conversation_id, events.c.seq)
            )
            for seq, event, row in readable(conn.execute(selected).mappings()):
                loaded[row["conversation_id"]].append((seq, event))
        return loaded

    def _revive(self, row: Any, loaded: list[tuple[int, Event]]) -> Conversation:
        conversation = Conversation(
            row["id"],
            row["counterpart"],
            row["title"],
            row["created"],
            log=EventLog(event for _, event in loaded),
            owner=row["owner"],
        )
        conversation.attach(self._sink, seq=loaded[-1][0] + 1 if loaded else 0)
        return conversation


def readable(rows: Iterable[Any]) -> Iterator[tuple[int, Event, Any]]:
    """(seq, event, row) of each stored event row; a row this version cannot read (a kind a
    newer replica wrote) is skipped with a warning instead of failing the whole read."""
    for row in rows:
        try:
            yield row["seq"], row_event(row), row
        except (ValueError, KeyError) as error:
            log.warning(
                "store: skipped event %s of %s: %s", row["seq"], row["conversation_id"], error
            )
