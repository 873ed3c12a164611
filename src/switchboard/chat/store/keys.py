"""The key that seals the vault: SWITCHBOARD_SECRET_KEY (or Streamlit's `secret_key`), else a
key generated into the data directory (one machine), else none (a shared database: refused).

The setting is one or more comma-separated entries, the first sealing, every one opening (for
rotation). An entry is a Fernet key (`Fernet.generate_key()`, 44 URL-safe base64 characters)
or any other passphrase, stretched with scrypt (the salt is fixed, so replicas agree).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import threading
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from switchboard.connections.vault import VaultError

log = logging.getLogger(__name__)

KEY_FILE = "vault.key"
SECRET_KEY_ENV = "SWITCHBOARD_SECRET_KEY"
SALT = b"switchboard.vault.v1"
REFUSAL = (
    "Sign-ins cannot be kept: this switchboard shares its database (PostgreSQL) and has no "
    f"key to seal them. Set {SECRET_KEY_ENV} (the same on every replica; see docs/deploy.md) "
    "and restart."
)


def fernet_of(entry: str) -> Fernet:
    """A Fernet for one entry: the key itself, or one stretched from a passphrase."""
    try:
        if len(base64.urlsafe_b64decode(entry.encode())) == 32:
            return Fernet(entry.encode())
    except (binascii.Error, ValueError):
        pass
    stretched = Scrypt(salt=SALT, length=32, n=2**14, r=8, p=1).derive(entry.encode())
    return Fernet(base64.urlsafe_b64encode(stretched))


class Keys:
    """The sealing key of one store, made or read once, on first use."""

    def __init__(self, configured: str = "", key_file: Path | None = None) -> None:
        self._entries = [e.strip() for e in configured.split(",") if e.strip()]
        self._file = key_file  # None without a configured key: refuse (shared database)
        self._made: MultiFernet | None = None
        self._lock = threading.Lock()

    @classmethod
    def ephemeral(cls) -> Keys:
        """A key for this process only (the memory store: nothing outlives it anyway)."""
        return cls(Fernet.generate_key().decode())

    def reading(self) -> MultiFernet | None:
        """The key to open values with, or None (none configured or generated yet)."""
        return self._get(create=False)

    def writing(self) -> MultiFernet:
        """The key to seal values with, generated now if need be; VaultError if refused."""
        made = self._get(create=True)
        if made is None:
            raise VaultError(REFUSAL)
        return made

    def _get(self, create: bool) -> MultiFernet | None:
        with self._lock:
            if self._made is None:
                entries = self._entries or self._from_file(create)
                if entries:
                    self._made = MultiFernet([fernet_of(e) for e in entries])
            return self._made

    def _from_file(self, create: bool) -> list[str]:
        """The generated key in the data directory (made now, 0600, when `create`)."""
        if self._file is None:
            return []
        if not self._file.exists():
            if not create:
                return []
            made_here = _make_key_file(self._file)
            if made_here:
                log.warning(
                    "vault: no %s set; generated a key in %s (readable only by you) to seal "
                    "sign-ins. Back it up with the database: without it they cannot be opened.",
                    SECRET_KEY_ENV,
                    self._file,
                )
        try:
            return [self._file.read_text(encoding="ascii").strip()]
        except (OSError, UnicodeDecodeError) as error:
            raise VaultError(f"Cannot read the vault key {self._file}: {error}.") from error


def _make_key_file(path: Path) -> bool:
    """Write a new key to `path` atomically with mode 0600; False if another process won."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(Fernet.generate_key())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    except OSError as error:
        raise VaultError(
            f"Cannot write a vault key to {path}: {error}. Set {SECRET_KEY_ENV}, or make the "
            "data directory writable."
        ) from error
    finally:
        temporary.unlink(missing_ok=True)
