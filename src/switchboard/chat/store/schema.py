"""The database schema: the tables as queries see them, and the numbered migrations that
create and change them (append only)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from switchboard.chat.store.base import StoreError

log = logging.getLogger(__name__)

DB_FILE = "conversations.db"

metadata = sa.MetaData()
conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("counterpart", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
)
events = sa.Table(
    "events",
    metadata,
    sa.Column("conversation_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("turn", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("ts", sa.Double, nullable=False),
)
vault = sa.Table(  # sign-ins per person and counterpart: `sealed` is Fernet ciphertext only
    "vault",
    metadata,
    sa.Column("owner", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("item", sa.String(32), primary_key=True),
    sa.Column("sealed", sa.Text, nullable=False),
    sa.Column("updated", sa.Double, nullable=False),
)
schema_version = sa.Table(
    "schema_version",
    metadata,
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


def _migration_2(conn: Connection) -> None:
    """The vault: sealed sign-ins (tokens, registered clients) by owner and counterpart."""
    conn.exec_driver_sql(
        "CREATE TABLE vault ("
        " owner VARCHAR(200) NOT NULL,"
        " kind VARCHAR(32) NOT NULL,"
        " name TEXT NOT NULL,"
        " item VARCHAR(32) NOT NULL,"
        " sealed TEXT NOT NULL,"
        " updated DOUBLE PRECISION NOT NULL,"
        " PRIMARY KEY (owner, kind, name, item))"
    )


# MIGRATIONS[n - 1] takes a database from version n - 1 to n. Append only.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_migration_1, _migration_2)


def migrate(conn: Connection, where: str) -> None:
    """Bring the database up to the last migration, each one in the open transaction."""
    schema_version.create(conn, checkfirst=True)
    current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
    if current > len(MIGRATIONS):
        raise StoreError(
            f"The database {where} has schema version {current}, newer than this switchboard "
            f"knows ({len(MIGRATIONS)}). Upgrade switchboard, or use another data directory."
        )
    for version in range(current + 1, len(MIGRATIONS) + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(sa.insert(schema_version).values(version=version, applied=time.time()))
        log.info("store %s migrated to schema version %d", where, version)
