"""The store's `Vault`: values sealed with Fernet before they reach the rows (the database
holds only ciphertext), opened values cached per process. With a shared database every read
asks the rows (one indexed row), so replicas see each other's sign-ins at once; the cached
value saves opening the same ciphertext twice. A value the key cannot open reads as absent,
with one warning."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from cryptography.fernet import InvalidToken
from sqlalchemy.engine import Engine

from switchboard.chat.store.keys import KEY_FILE, SECRET_KEY_ENV, Keys
from switchboard.chat.store.vault_rows import MemoryRows, Rows, SqlRows
from switchboard.connections.vault import VaultError, VaultKey

log = logging.getLogger(__name__)


class SealedVault:
    """A `Vault` over `rows`, sealed with `keys`; `fresh`: always read the rows (shared)."""

    def __init__(self, rows: Rows, keys: Keys, fresh: bool = False) -> None:
        self._rows = rows
        self._keys = keys
        self._fresh = fresh
        self._cache: dict[VaultKey, tuple[str, bytes]] = {}  # key: (sealed, opened)
        self._lock = threading.Lock()
        self._warned: set[str] = set()

    def get(self, key: VaultKey) -> bytes | None:
        """The value, or None (absent, unreadable with this key, or the database is down)."""
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and not self._fresh:
            return cached[1]
        try:
            sealed = self._rows.read(key)
        except VaultError as error:
            self._warn("read", str(error))
            return cached[1] if cached else None
        if sealed is None:
            with self._lock:
                self._cache.pop(key, None)
            return None
        if cached is not None and cached[0] == sealed:
            return cached[1]
        return self._open(key, sealed)

    def put(self, key: VaultKey, value: bytes) -> None:
        """Seal and keep `value`; VaultError (saying what to do) when it cannot be kept."""
        sealed = self._keys.writing().encrypt(value).decode("ascii")
        self._rows.write(key, sealed)
        with self._lock:
            self._cache[key] = (sealed, value)

    def forget(self, owner: str, kind: str, name: str) -> None:
        """Drop every item of that person for that counterpart."""
        with self._lock:
            for key in [k for k in self._cache if (k.owner, k.kind, k.name) == (owner, kind, name)]:
                del self._cache[key]
        self._rows.delete(owner, kind, name)

    def keys(self, kind: str) -> list[VaultKey]:
        """Every key of that kind ([] when the database cannot be read: said once)."""
        try:
            return self._rows.keys(kind)
        except VaultError as error:
            self._warn("read", str(error))
            return []

    def _open(self, key: VaultKey, sealed: str) -> bytes | None:
        keys = self._keys.reading()
        try:
            if keys is None:
                raise InvalidToken
            value = keys.decrypt(sealed.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            self._warn(
                "key",
                f"vault: stored sign-ins cannot be opened with this key (they were sealed with "
                f"another {SECRET_KEY_ENV}, or its key file was lost); they read as absent, so "
                "people sign in again. Set the old key back to keep them.",
            )
            return None
        with self._lock:
            self._cache[key] = (sealed, value)
        return value

    def _warn(self, what: str, message: str) -> None:
        """Log `message` once per process for each kind of trouble (no traceback)."""
        with self._lock:
            if what in self._warned:
                return
            self._warned.add(what)
        log.warning("%s", message)


def memory_vault() -> SealedVault:
    """The memory store's vault: sealed with a key of this process's own."""
    return SealedVault(MemoryRows(), Keys.ephemeral())


def sql_vault(
    engine: Engine, where: str, data_dir: str | Path | None, shared: bool, secret_key: str
) -> SealedVault:
    """The SQL store's vault: the configured key, else (one machine, a data directory) a key
    generated there on first use, else (shared) none: writes are refused saying why."""
    key_file = None
    if not secret_key and not shared and data_dir is not None:
        key_file = Path(data_dir).expanduser().resolve() / KEY_FILE
    return SealedVault(SqlRows(engine, where), Keys(secret_key, key_file), fresh=shared)
