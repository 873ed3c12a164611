"""Where the sealed vault's values lie: a dict (the memory store) or the `vault` table, each
write one small transaction of its own (never the journal: no secret, sealed or not, lands
in a plain file)."""

from __future__ import annotations

import time
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from switchboard.chat.store.journal import reason
from switchboard.chat.store.schema import vault
from switchboard.connections.vault import Item, MemoryVault, VaultError, VaultKey


class Rows(Protocol):
    """Sealed values (text) by key; safe from any thread."""

    def read(self, key: VaultKey) -> str | None:
        """The sealed value, or None."""

    def write(self, key: VaultKey, sealed: str) -> None:
        """Keep it (replacing); VaultError when it cannot be kept."""

    def delete(self, owner: str, kind: str, name: str) -> None:
        """Drop every item of (owner, kind, name)."""

    def keys(self, kind: str) -> list[VaultKey]:
        """Every key of that kind."""


class MemoryRows:
    """Sealed values in this process's memory (the connections layer's `MemoryVault`)."""

    def __init__(self) -> None:
        self._values = MemoryVault()

    def read(self, key: VaultKey) -> str | None:
        value = self._values.get(key)
        return value.decode() if value is not None else None

    def write(self, key: VaultKey, sealed: str) -> None:
        self._values.put(key, sealed.encode())

    def delete(self, owner: str, kind: str, name: str) -> None:
        self._values.forget(owner, kind, name)

    def keys(self, kind: str) -> list[VaultKey]:
        return self._values.keys(kind)


class SqlRows:
    """Sealed values in the store's database (`vault` table)."""

    def __init__(self, engine: Engine, where: str) -> None:
        self._engine = engine
        self._where = where

    def read(self, key: VaultKey) -> str | None:
        """The sealed value; a database error raises VaultError."""
        try:
            with self._engine.connect() as conn:
                return conn.execute(sa.select(vault.c.sealed).where(*_match(key))).scalar()
        except sa.exc.SQLAlchemyError as error:
            raise VaultError(
                f"Cannot read sign-ins from {self._where}: {reason(error)}."
            ) from error

    def write(self, key: VaultKey, sealed: str) -> None:
        row = {"owner": key.owner, "kind": key.kind, "name": key.name, "item": str(key.item)}
        try:
            with self._engine.begin() as conn:
                conn.execute(_upsert(conn, {**row, "sealed": sealed, "updated": time.time()}))
        except sa.exc.SQLAlchemyError as error:
            raise VaultError(
                f"Cannot keep the sign-in in {self._where}: {reason(error)}. Check that the "
                "database is reachable and writable, then sign in again."
            ) from error

    def delete(self, owner: str, kind: str, name: str) -> None:
        where = (vault.c.owner == owner, vault.c.kind == kind, vault.c.name == name)
        try:
            with self._engine.begin() as conn:
                conn.execute(sa.delete(vault).where(*where))
        except sa.exc.SQLAlchemyError as error:
            raise VaultError(f"Cannot sign out in {self._where}: {reason(error)}.") from error

    def keys(self, kind: str) -> list[VaultKey]:
        """Every key of that kind; a database error raises VaultError."""
        query = sa.select(vault.c.owner, vault.c.name, vault.c.item).where(vault.c.kind == kind)
        try:
            with self._engine.connect() as conn:
                found = conn.execute(query).all()
        except sa.exc.SQLAlchemyError as error:
            raise VaultError(f"Cannot read {self._where}: {reason(error)}.") from error
        known = {item.value for item in Item}  # a newer replica's item: not ours to read
        return [VaultKey(o, kind, name, Item(item)) for o, name, item in found if item in known]


def _upsert(conn: sa.Connection, row: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT (the key) DO UPDATE, so two replicas writing at once both succeed."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(vault).values(**row)
    changed = {"sealed": statement.excluded.sealed, "updated": statement.excluded.updated}
    return statement.on_conflict_do_update(index_elements=list(vault.primary_key), set_=changed)


def _match(key: VaultKey) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        vault.c.owner == key.owner,
        vault.c.kind == key.kind,
        vault.c.name == key.name,
        vault.c.item == str(key.item),
    )
