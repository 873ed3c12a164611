"""The connections people add in the UI, kept per person across restarts: their settings
(headers and env included) sealed in the store's vault, written when they connect, dropped
when removed, brought back when the app starts."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from switchboard.config import (
    agent_from_data,
    server_from_data,
    settings_data,
)
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.vault import Item, Vault, VaultError, VaultKey

log = logging.getLogger(__name__)

AGENT, SERVER = "kept-agent", "kept-mcp"  # vault kinds (sign-ins use "agent" and "mcp")
Adder = Callable[[Any, str], object]  # (settings, owner): register the connection


class KeptConnections:
    """A person's own connections in the vault, by (owner, kind, name)."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    @staticmethod
    def keeps(connection: AgentConnection | McpConnection) -> bool:
        """Whether it is one to keep: a person's own (not a shared one, nor a copy of one)."""
        return connection.user is not None and not connection.copy_of_shared

    def keep(self, connection: AgentConnection | McpConnection) -> None:
        """Write its settings as they are now (a failure is logged: the connection works)."""
        if not self.keeps(connection):
            return
        key = VaultKey(connection.user or "", _kind(connection), connection.name, Item.SETTINGS)
        try:
            self._vault.put(key, json.dumps(settings_data(connection.settings)).encode())
        except VaultError as error:
            log.warning("%s is not kept across restarts: %s", connection.name, error)

    def drop(self, connection: AgentConnection | McpConnection, name: str = "") -> None:
        """Forget it (or its entry under an old `name`)."""
        if self.keeps(connection):
            try:
                self._vault.forget(
                    connection.user or "", _kind(connection), name or connection.name
                )
            except VaultError as error:
                log.warning("%s stays kept: %s", connection.name, error)

    async def connected(self, connection: AgentConnection | McpConnection, was: str = "") -> None:
        """On the loop, after a connect: its settings written (off the loop), under its new
        name when it was renamed from `was`."""
        if self.keeps(connection):
            await asyncio.get_running_loop().run_in_executor(None, self._rekeep, connection, was)

    def restore(self, add_agent: Adder, add_server: Adder, stdio: bool = True) -> None:
        """Bring every kept connection back for its owner; one that cannot be (its name is
        taken now, it cannot be read, or it is a command to run and `stdio` servers from the
        UI are not allowed now) is skipped with a warning."""
        for kind, read, add in (
            (AGENT, agent_from_data, add_agent),
            (SERVER, server_from_data, add_server),
        ):
            for key, data in self._read(kind):
                if kind == SERVER and data.get("transport") == "stdio" and not stdio:
                    log.warning(
                        "kept server %s of %s not started: stdio from the UI is off now",
                        key.name,
                        key.owner,
                    )
                    continue
                try:
                    add(read(data), key.owner)
                except (TypeError, ValueError, KeyError) as error:
                    log.warning(
                        "kept connection %s of %s not restored: %s", key.name, key.owner, error
                    )

    def _rekeep(self, connection: AgentConnection | McpConnection, was: str) -> None:
        if was and was != connection.name:
            self.drop(connection, was)
        self.keep(connection)

    def _read(self, kind: str) -> Iterator[tuple[VaultKey, dict]]:
        for key in self._vault.keys(kind):
            value = self._vault.get(key) if key.item is Item.SETTINGS else None
            try:
                data = json.loads(value) if value is not None else None
            except ValueError:
                data = None
            if isinstance(data, dict):
                yield key, data


def _kind(connection: AgentConnection | McpConnection) -> str:
    return AGENT if isinstance(connection, AgentConnection) else SERVER
