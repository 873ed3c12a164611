"""Where conversations are kept: in memory, in SQLite (a data directory) or in PostgreSQL.

Every store has the `Store` methods; `open_store` picks one from the settings. The durable one
(`SqlStore`) writes through a journal and one writer thread, so recording never waits on the
database and a killed process loses nothing.
"""

from switchboard.chat.store.base import LOCAL_OWNER, Store, StoreError
from switchboard.chat.store.memory import MemoryStore
from switchboard.chat.store.schema import DB_FILE
from switchboard.chat.store.sql import SqlStore

__all__ = ["DB_FILE", "LOCAL_OWNER", "MemoryStore", "SqlStore", "Store", "StoreError", "open_store"]


def open_store(data_dir: str, database_url: str, secret_key: str = "") -> Store:
    """PostgreSQL when a database URL is set (the data directory then only holds the journal),
    SQLite in the data directory when one is set, else memory; `secret_key` seals the vault."""
    if database_url:
        return SqlStore(data_dir or None, url=database_url, secret_key=secret_key)
    if data_dir:
        return SqlStore(data_dir, secret_key=secret_key)
    return MemoryStore()
