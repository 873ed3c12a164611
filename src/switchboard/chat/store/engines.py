"""Opening the database: an engine for SQLite or PostgreSQL, a first look at a SQLite file so a
damaged or locked one fails at once and clearly, and the advice a person gets."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from switchboard.chat.store.base import StoreError
from switchboard.chat.store.journal import reason
from switchboard.chat.store.schema import DB_FILE


def sqlite_target(data_dir: str | Path, lock_timeout: float) -> tuple[sa.URL, str]:
    """The SQLite URL in `data_dir` (created if need be), checked; and where it is."""
    path = Path(data_dir).expanduser().resolve() / DB_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"Cannot create the data directory {path.parent}: {error}. "
            "Choose a directory you can write to."
        ) from error
    check_sqlite_file(path, lock_timeout)
    return sa.URL.create("sqlite+pysqlite", database=str(path)), str(path)


def server_target(url: str) -> tuple[sa.URL, str]:
    """A PostgreSQL URL with the psycopg driver; and where it is (no password)."""
    target = sa.make_url(url)
    if target.drivername in ("postgresql", "postgres"):
        target = target.set(drivername="postgresql+psycopg")
    return target, target.render_as_string(hide_password=True)


def engine(url: sa.URL, lock_timeout: float) -> Engine:
    """An engine for `url`; SQLite connections wait `lock_timeout` for locks and enforce keys."""
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    made = sa.create_engine(url, connect_args={"timeout": lock_timeout, "check_same_thread": False})

    @sa.event.listens_for(made, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN below, so DDL is transactional
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(made, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return made


def check_sqlite_file(path: Path, lock_timeout: float) -> None:
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
        if unwritable(error):
            raise StoreError(
                f"The conversation database {path} cannot be written to ({error}). Check that "
                "you may write to the file and to its folder, or use another data directory."
            ) from error
        if "locked" in str(error) or "busy" in str(error):
            raise StoreError(
                f"The conversation database {path} is locked by another program ({error}). "
                "Close the other switchboard (or whatever holds the file) and start again, "
                "or use another data directory."
            ) from error
        raise StoreError(corrupt_advice(path, error)) from error
    except sqlite3.DatabaseError as error:
        raise StoreError(corrupt_advice(path, error)) from error
    finally:
        raw.close()


def corrupt_advice(path: Path, error: Exception) -> str:
    return (
        f"The conversation database {path} cannot be read ({error}): it is damaged or is not "
        "a SQLite database. Move it aside (your conversations in it are lost unless you can "
        "repair it with `sqlite3 .recover`) and start again, or use another data directory."
    )


def unwritable(error: Exception) -> bool:
    """A SQLite error that says the file or its folder may not be written to."""
    text = str(error).lower()
    return any(word in text for word in ("readonly", "read-only", "permission", "unable to open"))


def open_advice(where: str, error: sa.exc.SQLAlchemyError, sqlite: bool) -> str:
    """What to do about a database that cannot be opened, for the kind of database it is."""
    if not sqlite:
        return (
            f"Cannot open the conversation database {where}: {reason(error)}. Check that the "
            "server is running and reachable, and the URL, user and password are right."
        )
    if unwritable(error):
        advice = "Check that you may write to the file and to its folder."
    else:
        advice = "Check the disk, or use another data directory."
    return f"Cannot open the conversation database {where}: {reason(error)}. {advice}"
