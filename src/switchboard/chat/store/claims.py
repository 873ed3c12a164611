"""Claims on conversations between replicas sharing PostgreSQL: advisory locks held by one
dedicated autocommit connection, so a replica that dies lets go at once. Claims nest."""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from switchboard.chat.store.journal import reason

log = logging.getLogger(__name__)


class Claims:
    """This process's claims, counted per conversation."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()
        self._conn: Connection | None = None

    def claim(self, conversation_id: str) -> bool:
        """Take (or take again) the conversation; False when another replica has it."""
        with self._lock:
            held = self._held.get(conversation_id, 0)
            if not held and not self._in_database("pg_try_advisory_lock", conversation_id):
                return False
            self._held[conversation_id] = held + 1
        return True

    def release(self, conversation_id: str) -> None:
        """Undo one `claim`; the last one lets other replicas have the conversation."""
        with self._lock:
            held = self._held.get(conversation_id, 0) - 1
            if held > 0:
                self._held[conversation_id] = held
                return
            self._held.pop(conversation_id, None)
            if held == 0:
                self._in_database("pg_advisory_unlock", conversation_id)

    def close(self) -> None:
        """Let go of every claim (they go with the connection)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._held.clear()

    def _in_database(self, function: str, conversation_id: str) -> bool:
        """Run an advisory-lock function on the claims connection (with the lock held)."""
        try:
            if self._conn is None:
                self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            query = sa.text(f"SELECT {function}(hashtextextended(:id, 0))")
            return bool(self._conn.execute(query, {"id": conversation_id}).scalar())
        except sa.exc.SQLAlchemyError as error:
            log.error("store: %s(%s) failed: %s", function, conversation_id, reason(error))
            self._conn = None
            return function != "pg_try_advisory_lock"
