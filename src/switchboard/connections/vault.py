"""Where a connection keeps what a sign-in gave it (tokens, a registered client), per person.

The connections layer only knows this protocol; the store keeps it encrypted at rest
(`chat.store`), tests may use `MemoryVault`. Values are opaque bytes (JSON the caller made);
nothing here logs them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class VaultError(Exception):
    """A value cannot be kept (no key for a shared database, the database is down); the
    message says what to do."""


class Item(StrEnum):
    """What is kept for one (person, counterpart)."""

    TOKENS = "tokens"  # the OAuth token response (access, refresh, expiry)
    CLIENT = "client"  # the registered (or configured) OAuth client
    SETTINGS = "settings"  # a connection the person added in the UI, headers and all


@dataclass(frozen=True)
class VaultKey:
    """Whose, for which counterpart, and what: `kind` is "mcp" or "agent", `name` its name."""

    owner: str
    kind: str
    name: str
    item: Item


class Vault(Protocol):
    """Secrets by key; safe to call from any thread (reads are cheap, writes are kept)."""

    def get(self, key: VaultKey) -> bytes | None:
        """The value, or None."""

    def put(self, key: VaultKey, value: bytes) -> None:
        """Keep `value` (replacing what was there); VaultError when it cannot be kept."""

    def forget(self, owner: str, kind: str, name: str) -> None:
        """Drop every item of that person for that counterpart (sign out)."""

    def keys(self, kind: str) -> list[VaultKey]:
        """Every key of that kind, of every person."""


class MemoryVault:
    """A `Vault` in this process's memory (tests; no store)."""

    def __init__(self) -> None:
        self._items: dict[VaultKey, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: VaultKey) -> bytes | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: VaultKey, value: bytes) -> None:
        with self._lock:
            self._items[key] = value

    def forget(self, owner: str, kind: str, name: str) -> None:
        with self._lock:
            for key in [k for k in self._items if (k.owner, k.kind, k.name) == (owner, kind, name)]:
                del self._items[key]

    def keys(self, kind: str) -> list[VaultKey]:
        with self._lock:
            return [key for key in self._items if key.kind == kind]
