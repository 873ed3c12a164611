"""Opening the durable store in tests, on SQLite or PostgreSQL, as often as a test likes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from switchboard.chat.store import DB_FILE, SqlStore
from switchboard.chat.store.cache import KEPT

WAIT = 30.0  # upper bound for any single wait; never a pass condition


class Opener:
    """Opens stores on one test database (SQLite in `data_dir`, or the PostgreSQL `url`, whose
    journal stays in `data_dir`); closes them all at the end."""

    def __init__(self, data_dir: Path, url: str = "") -> None:
        self.data_dir = data_dir
        self.url = url  # "" for SQLite
        self._stores: list[SqlStore] = []

    def __call__(self, secret_key: str = "", kept: int = KEPT) -> SqlStore:
        """A store on the test's database; `secret_key` seals its vault; it keeps `kept`
        conversations in memory that nobody holds."""
        store = SqlStore(
            self.data_dir,
            url=self.url or None,
            lock_timeout=0.5,
            secret_key=secret_key,
            kept=kept,
        )
        self._stores.append(store)
        return store

    @contextlib.contextmanager
    def database(self) -> Iterator[sa.Connection]:
        """A connection of the test's own to the same database, to look at what is stored."""
        url = self.url or f"sqlite:///{self.data_dir / DB_FILE}"
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def versions(self) -> list[int]:
        """The schema versions the database has applied."""
        with self.database() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT version FROM schema_version")]

    def close_all(self) -> None:
        for store in self._stores:
            store.close(WAIT)
